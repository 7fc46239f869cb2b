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

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Streams one region to its channel: splits it into chunks, has a {@link ChunkReader} read them, writes them in file
 * order as they arrive (whatever order the disk completes them in) and completes the region's promise when the last
 * byte has been written.
 * <p>
 * At most {@code readAhead} chunks are read or waiting to be written; no new chunk starts while the channel is not
 * writable (unless none is under way, so that the disk works while the socket drains, and the loop's memory budget is
 * not more than half in use). Memory per connection is therefore at most {@code readAhead} chunk buffers of the loop's
 * {@link ChunkPool} besides the channel's own outbound buffer; and all streams of a loop together stay within the
 * loop's memory budget ({@link AioLoopConfig#memoryBudgetBytes()}): a chunk's buffer is in use until the channel
 * releases it. Chunks served from the page cache may be parts of the region, sent with {@code sendfile}. Every method runs on the channel's event loop (or,
 * once the loop has terminated without closing the channel, on the thread that saw it terminate: see
 * {@link AioLoop.Owner}).
 */
final class AioFileStream {

    private final ChannelHandlerContext ctx;
    private final DefaultFileRegion region;
    private final ChannelPromise promise;
    private final ChunkReader reader;
    private final int chunkSize;
    private final int readAhead;
    private final long start;
    private final long end;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private Consumer<Throwable> whenDone;
    /** Why the stream failed, or {@code null}. */
    private Throwable failure;
    /** Chunks written to the channel whose write has not completed: they still take memory, in the channel. */
    private int unacknowledged;
    private long next;
    private long acknowledged;
    /** No chunk is read or written any more: the last one was written, or the stream failed. */
    private boolean finished;
    private boolean doneNotified;
    private boolean released;
    private boolean pumping;

    AioFileStream(ChannelHandlerContext ctx, DefaultFileRegion region, ChannelPromise promise, ChunkReader reader,
                  AioFileRegionConfig config) {
        this.ctx = ctx;
        this.region = region;
        this.promise = promise;
        this.reader = reader;
        chunkSize = Math.max(config.chunkSize(), reader.alignment());
        readAhead = config.readAhead();
        start = region.position() + region.transferred();
        end = region.position() + region.count();
        next = start;
    }

    /**
     * Starts reading. {@code whenDone} runs once, outside the stream's own work, when the stream no longer needs the
     * channel: its last chunk has been written (the promise completes when it is flushed), with {@code null}; or it
     * failed, with the cause (the peer got part of the region: what was queued behind it must not follow).
     */
    void start(Consumer<Throwable> whenDone) {
        this.whenDone = whenDone;
        // A loop that terminates without closing the channel ends the stream: a chunk waiting on a timer of the loop,
        // or a stream waiting for its channel, would otherwise hold the region and its descriptor for good.
        reader.attach(reason -> abandon());
        pump();
    }

    /** The channel became writable again. */
    void resume() {
        pump();
    }

    /** Reads what the window allows, writes what has completed in order, and repeats until neither moves. */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        boolean wrote = false;
        try {
            for (;;) {
                startChunks();
                if (!writeCompleted()) {
                    break;
                }
                wrote = true;
            }
        } finally {
            pumping = false;
        }
        if (wrote) {
            ctx.flush();
        }
        notifyIfDone();
    }

    private void startChunks() {
        int alignment = reader.alignment();
        boolean writable = ctx.channel().isWritable();
        int window = reader.readAhead(readAhead, writable);
        // Chunks still in the channel count: a slow reader must not get the region buffered in the channel.
        while (!finished && next < end && chunks.size() + unacknowledged < window
                && (chunks.isEmpty() && unacknowledged == 0 || writable)) {
            long chunkStart = next;
            long chunkEnd = Math.min(end, chunkStart - chunkStart % alignment + chunkSize);
            next = chunkEnd;
            Chunk chunk = new Chunk(chunkStart, chunkEnd);
            chunks.add(chunk);
            reader.read(chunkStart, chunkEnd, chunk);
        }
    }

    /** Writes the completed chunks at the head of the queue; {@code true} if any was written. */
    private boolean writeCompleted() {
        boolean wrote = false;
        while (!finished && !chunks.isEmpty() && chunks.peek().msg != null) {
            Chunk chunk = chunks.poll();
            Object msg = chunk.msg;
            chunk.msg = null;
            boolean last = chunk.end == end;
            if (last) {
                finished = true;
                releaseResources();
            }
            unacknowledged++;
            ctx.write(msg).addListener(new ChunkWritten((int) (chunk.end - chunk.start), last));
            wrote = true;
        }
        return wrote;
    }

    /** Fails the region: its promise fails, its buffers go (those under a read go when the read completes). */
    void fail(Throwable cause) {
        if (!finished) {
            failure = cause;
            abandon();
        }
        promise.tryFailure(cause);
        notifyIfDone();
    }

    private void notifyIfDone() {
        if (finished && !pumping && !doneNotified) {
            doneNotified = true;
            whenDone.accept(failure);
        }
    }

    /** {@code true} if every chunk before {@code chunk} has been read: it is the next one to be written. */
    private boolean isNext(Chunk chunk) {
        for (Chunk c : chunks) {
            if (c == chunk) {
                return true;
            }
            if (c.msg == null) {
                return false;
            }
        }
        return false;
    }

    /**
     * Stops the stream and frees what it holds; a buffer under a read is freed by that read's completion. Alone (when
     * the channel's loop terminated without closing the channel) nothing is written or notified any more.
     */
    private void abandon() {
        finished = true;
        for (Chunk chunk : chunks) {
            Object msg = chunk.msg;
            if (msg != null) {
                chunk.msg = null;
                ReferenceCountUtil.release(msg);
            }
        }
        chunks.clear();
        releaseResources();
    }

    private void releaseResources() {
        if (!released) {
            released = true;
            reader.close();
            ReferenceCountUtil.safeRelease(region);
        }
    }

    @Override
    public String toString() {
        return "AioFileStream(" + region + ", [" + start + ", " + end + "), next: " + next + ", chunks: "
                + chunks.size() + ", " + reader + ')';
    }

    /** One chunk of the region: asked of the reader, then its bytes, waiting for their turn to be written. */
    private final class Chunk implements ChunkReader.Sink {
        final long start;
        final long end;
        /** The chunk once read (a {@code ByteBuf} or a {@code FileRegion}); {@code null} before. */
        Object msg;

        Chunk(long start, long end) {
            this.start = start;
            this.end = end;
        }

        @Override
        public boolean isCancelled() {
            return finished;
        }

        @Override
        public boolean isStalled() {
            return !ctx.channel().isWritable();
        }

        @Override
        public boolean isNext() {
            return AioFileStream.this.isNext(this);
        }

        @Override
        public void filled(Object read) {
            if (finished) {
                ReferenceCountUtil.release(read);
                return;
            }
            msg = read;
            pump();
        }

        @Override
        public void failed(Throwable cause) {
            if (finished) {
                return;
            }
            if (ctx.executor().isTerminated()) {
                // The loop is gone: there is no one to notify.
                abandon();
                return;
            }
            fail(cause);
            if (cause instanceof IOException && ctx.channel().config().isAutoClose()) {
                // As Netty does when a write fails with an IOException: the peer would otherwise wait for the rest.
                ctx.close();
            }
        }
    }

    /**
     * Gives the chunk's memory back, completes the promise after the last chunk and reports progress after each. The
     * channel has freed the chunk's buffer by the time its write completes, whether it succeeded or not.
     */
    private final class ChunkWritten implements ChannelFutureListener {
        private final int length;
        private final boolean last;

        ChunkWritten(int length, boolean last) {
            this.length = length;
            this.last = last;
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            unacknowledged--;
            if (!future.isSuccess()) {
                fail(future.cause());
                return;
            }
            acknowledged += length;
            if (promise instanceof ChannelProgressivePromise) {
                ((ChannelProgressivePromise) promise).tryProgress(acknowledged, end - start);
            }
            if (last) {
                promise.trySuccess();
            } else {
                // Room in the window again.
                pump();
            }
        }
    }
}
