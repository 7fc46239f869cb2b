/*
 * Copyright 2026 The Netty Project
 *
 * The Netty Project licenses this file to you under the Apache License,
 * version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at:
 *
 *   https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */
package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The AIO side of an {@link AioChunkedInput}: its range read ahead on the channel's loop as far as the read-ahead
 * window and the channel's writability allow, chunks handed out in file order, and the channel's
 * {@link ChunkedWriteHandler} resumed when the chunk it waits for arrives. Lives on the channel's loop; only
 * {@link #chunkFreed()} may be called elsewhere.
 */
final class ChunkedReads implements ChunkWindow.Listener {

    /** Bytes of a chunk while the loop is short of memory (see {@link #copyOutOfBudget}). */
    static final int SHORT_CHUNK_SIZE = 64 << 10;

    private final Channel channel;
    private final ChunkReader reader;
    private final ChunkWindow window;
    private final int chunkSize;
    /** Run when the loop ends under the reads: the input closes, since no one will ask for a chunk any more. */
    private final Runnable loopEnded;
    /** Why reading failed, or {@code null}: thrown by the next {@link #next}. */
    private Throwable failure;
    /** The end of the last chunk handed out. */
    private long handedOut;
    /** {@link #next} returned {@code null}: the handler waits to be resumed. */
    private boolean waiting;
    /** Inside {@link #startChunks}: a chunk that arrives now is seen without a resume. */
    private boolean busy;
    private boolean stopped;
    private boolean closed;

    /**
     * @param loopEnded run on the loop thread if the loop ends before the input is closed
     */
    ChunkedReads(Channel channel, ChunkReader reader, long offset, long end, AioFileRegionConfig config,
                 Runnable loopEnded) {
        this.channel = channel;
        this.reader = reader;
        this.loopEnded = loopEnded;
        chunkSize = Math.max(config.chunkSize(), reader.alignment());
        handedOut = offset;
        window = new ChunkWindow(reader, offset, end, config.readAhead(), this);
        // A loop that terminates without closing the channel closes the input: a chunk waiting on a timer of the
        // loop, or an input that its handler never asks again, would otherwise hold the file for good.
        reader.attach(reason -> loopEnded.run());
    }

    /**
     * The next chunk, or {@code null} while it is still being read: the handler is resumed when it arrives.
     *
     * @throws Exception why a read failed
     */
    ByteBuf next(ByteBufAllocator allocator) throws Exception {
        startChunks();
        throwIfFailed();
        ChunkWindow.Chunk head = window.take();
        if (head == null) {
            waiting = true;
            return null;
        }
        waiting = false;
        handedOut = head.end;
        ByteBuf buf = (ByteBuf) head.take();
        if (reader.isShortOfMemory()) {
            ByteBuf copy = copyOutOfBudget(allocator, buf);
            if (copy != null) {
                window.returned();
                return copy;
            }
        }
        return new ChunkView(allocator, buf, this);
    }

    /** The end of the last chunk {@link #next} handed out. */
    long handedOut() {
        return handedOut;
    }

    /** Throws why a read failed, if one did. */
    void throwIfFailed() throws Exception {
        Throwable cause = failure;
        if (cause == null) {
            return;
        }
        if (cause instanceof Exception) {
            throw (Exception) cause;
        }
        throw new IOException(cause);
    }

    /**
     * A copy of {@code chunk} in the channel's allocator, {@code chunk} released; {@code null} (nothing released) if
     * that allocator has no memory. While the loop is short of memory a chunk is not handed out from its budget: where
     * the channel holds it until the peer reads (a client that stopped reading, an HTTP/2 stream at a zero window)
     * it would stay out of the budget for that long, and enough such chunks would leave every other channel of the loop
     * without memory. Chunks read while memory is short are small ({@link #SHORT_CHUNK_SIZE}), so the copy costs little;
     * one read before may be a whole chunk.
     */
    private static ByteBuf copyOutOfBudget(ByteBufAllocator allocator, ByteBuf chunk) {
        ByteBuf copy;
        try {
            copy = allocator.directBuffer(chunk.readableBytes());
        } catch (OutOfMemoryError e) {
            return null;
        }
        copy.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
        chunk.release();
        return copy;
    }

    /** Asks the reader for the chunks that the read-ahead window and the channel's writability allow. */
    private void startChunks() {
        if (busy || isAbandoned()) {
            return;
        }
        busy = true;
        try {
            // Short of memory, chunks are small: they are copied out of the budget when handed out (see next).
            window.fill(reader.isShortOfMemory()
                    ? Math.max(reader.alignment(), Math.min(chunkSize, SHORT_CHUNK_SIZE)) : chunkSize);
        } finally {
            busy = false;
        }
    }

    /** No chunk is wanted any more: the input was closed or a read failed. */
    private boolean isAbandoned() {
        return stopped || failure != null;
    }

    /** A chunk arrived or a read failed: the handler goes on if it was waiting for this. */
    @Override
    public void arrived() {
        if (!waiting || busy) {
            return;
        }
        if (failure != null || window.isHeadReady()) {
            waiting = false;
            ChunkedWriteHandler handler = channel.pipeline().get(ChunkedWriteHandler.class);
            if (handler != null) {
                handler.resumeTransfer();
            } else {
                // Whatever drives the input without a ChunkedWriteHandler goes on when flushed.
                channel.flush();
            }
        }
    }

    @Override
    public void readFailed(Throwable cause) {
        if (isAbandoned()) {
            return;
        }
        if (LoopSlot.hasEnded(channel.eventLoop())) {
            // The loop is gone: no one will ask for a chunk or close the input any more.
            loopEnded.run();
            return;
        }
        // Ready chunks are freed now; the failure is thrown by the next call of next.
        failure = cause;
        window.stop();
        arrived();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    /** A buffer handed out was freed, on any thread: the window has room again. */
    void chunkFreed() {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            freed();
            return;
        }
        try {
            loop.execute(this::freed);
        } catch (RejectedExecutionException e) {
            // The loop is gone: nothing will be read any more.
        }
    }

    private void freed() {
        window.returned();
        startChunks();
        if (!isAbandoned()) {
            arrived();
        }
    }

    /** The input was closed: frees the chunks that were read; those under a read are freed by their completion. */
    void stop() {
        stopped = true;
        waiting = false;
        window.stop();
    }

    /** Every chunk has been handed out, or the input was closed: the reader lets go of the file. */
    void close() {
        if (!closed) {
            closed = true;
            reader.close();
        }
    }

    @Override
    public String toString() {
        return window + ", " + reader;
    }
}
