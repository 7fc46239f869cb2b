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
import java.util.function.Consumer;

/**
 * Streams one region to its channel: its {@link ChunkWindow} has a {@link ChunkReader} read the chunks, and the
 * stream writes them in file order as they arrive (whatever order the disk completes them in) and completes the
 * region's promise when the last byte has been written.
 * <p>
 * At most {@code readAhead} chunks are read or waiting to be written; no new chunk starts while the channel is not
 * writable (unless none is under way, so that the disk works while the socket drains, and the loop's memory budget is
 * not more than half in use). Memory per connection is therefore at most {@code readAhead} chunk buffers of the loop's
 * {@link ChunkPool} besides the channel's own outbound buffer; and all streams of a loop together stay within the
 * loop's memory budget ({@link AioLoopConfig#memoryBudgetBytes()}): a chunk's buffer is in use until the channel
 * releases it. Chunks served from the page cache may be parts of the region, sent with {@code sendfile}. Every method
 * runs on the channel's event loop (also when the loop ends without closing the channel: see {@link AioLoop.Owner}).
 */
final class AioFileStream implements ChunkWindow.Listener {

    private final ChannelHandlerContext ctx;
    private final DefaultFileRegion region;
    private final ChannelPromise promise;
    private final ChunkReader reader;
    private final ChunkWindow window;
    private final int chunkSize;
    private final long start;
    private final long end;
    private Consumer<Throwable> whenDone;
    /** Why the stream failed, or {@code null}. */
    private Throwable failure;
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
        start = region.position() + region.transferred();
        end = region.position() + region.count();
        window = new ChunkWindow(reader, start, end, config.readAhead(), this);
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
                if (!finished) {
                    window.fill(chunkSize);
                }
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

    /** Writes the completed chunks at the head of the window; {@code true} if any was written. */
    private boolean writeCompleted() {
        boolean wrote = false;
        ChunkWindow.Chunk chunk;
        while (!finished && (chunk = window.take()) != null) {
            boolean last = chunk.isLast();
            if (last) {
                finished = true;
                releaseResources();
            }
            ctx.write(chunk.take()).addListener(new ChunkWritten((int) (chunk.end - chunk.start), last));
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

    /**
     * Stops the stream and frees what it holds; a buffer under a read is freed by that read's completion. Alone (when
     * the channel's loop ended without closing the channel) nothing is written or notified any more.
     */
    private void abandon() {
        finished = true;
        window.stop();
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
    public void arrived() {
        pump();
    }

    @Override
    public void readFailed(Throwable cause) {
        if (finished) {
            return;
        }
        if (LoopSlot.hasEnded(ctx.executor())) {
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

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public String toString() {
        return "AioFileStream(" + region + ", [" + start + ", " + end + "), " + window + ", " + reader + ')';
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
            window.returned();
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
