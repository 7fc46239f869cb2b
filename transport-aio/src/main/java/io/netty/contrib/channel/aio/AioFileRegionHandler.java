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

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.ObjectUtil;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * Streams file regions through Linux AIO on the channel's own event loop. Add it once, nearest the socket (right
 * after the {@code SslHandler} under TLS), so that the {@link DefaultFileRegion}s (or {@link AioFileRegion}s) the
 * handlers after it write pass through it, and change nothing else:
 *
 * <pre>{@code
 * ch.pipeline().addLast(new AioFileRegionHandler());   // first, or right after the SslHandler
 * ch.pipeline().addLast(new HttpServerCodec(), new MyFileHandler());
 * // in MyFileHandler, unchanged: ctx.write(new DefaultFileRegion(file, 0, file.length()));
 * }</pre>
 *
 * A region written between the handler and the socket does not pass through it and is sent as it is; the first
 * channels of each pipeline layout are checked for that and a warning is logged once.
 * <p>
 * Each region is read with O_DIRECT in chunks; completions wake the channel's epoll or io_uring loop through an
 * eventfd and each chunk is written as a {@code ByteBuf} from that loop, so a cold file never blocks the loop and no
 * other thread is involved. Data already in the page cache is served from it (see
 * {@link AioFileRegionConfig.PageCachePolicy}). Message order is kept: what is written after a region goes out after
 * the region's last byte. The region's
 * promise completes when its last byte has been written; a {@code ChannelProgressivePromise} gets progress. Because
 * the handler writes bytes, it also works with an {@code SslHandler} between it and the socket.
 * <p>
 * Where AIO cannot be used (a loop that is neither epoll nor io_uring, a file system that refuses O_DIRECT, AIO
 * unavailable) the region takes its own path (sendfile or transferTo; a blocking copy under TLS), counted in
 * {@link AioMetrics} and logged once. The handler keeps per-channel state: use one instance per channel, on the
 * channel's own event loop (added with an {@code EventExecutorGroup} of its own it falls back, counted as
 * {@code UNSUPPORTED_LOOP}).
 */
public class AioFileRegionHandler extends ChannelDuplexHandler {

    private final AioFileRegionConfig config;
    /** Writes that came after the active region; their bytes count toward the channel's writability. */
    private PendingWriteQueue queued;
    private ChannelHandlerContext ctx;
    private LoopRecorder metrics;
    private AioFileStream active;
    /** The last region's file and end: regions that go on from it are one request to the page-cache admission. */
    private final RegionSequence sequence = new RegionSequence();
    private boolean draining;
    /**
     * A {@link FileRegion} has been written through this handler (see {@link PlacementCheck}); read by the probe on
     * the channel's loop, written here on the handler's executor, which may differ.
     */
    private volatile boolean sawRegion;

    /** A handler with {@link AioFileRegionConfig#DEFAULT}. */
    public AioFileRegionHandler() {
        this(AioFileRegionConfig.DEFAULT);
    }

    /**
     * A handler with the given configuration; one configuration may be shared by many handlers.
     *
     * @param config the configuration
     */
    public AioFileRegionHandler(AioFileRegionConfig config) {
        this.config = ObjectUtil.checkNotNull(config, "config");
    }

    /**
     * The metrics of the given event loop (shorthand for {@link AioMetrics#of}).
     *
     * @param loop an event loop
     * @return the metrics of the given event loop (shorthand for {@link AioMetrics#of})
     */
    public static AioMetrics metrics(EventLoop loop) {
        return AioMetrics.of(loop);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        queued = new PendingWriteQueue(ctx);
        metrics = LoopRecorders.of(ctx.executor());
        PlacementCheck.probe(ctx, () -> sawRegion);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FileRegion && !sawRegion) {
            sawRegion = true;
        }
        if (active != null || !queued.isEmpty()) {
            queued.add(msg, promise);
        } else if (msg instanceof DefaultFileRegion && ctx.channel().isActive()) {
            startRegion((DefaultFileRegion) msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (active != null && ctx.channel().isWritable()) {
            active.resume();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        discard(new ClosedChannelException());
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard(new IOException("AioFileRegionHandler removed from the pipeline"));
    }

    /**
     * The active stream no longer needs the channel: what was queued behind it moves on, or, if the stream failed
     * after part of the region went out, fails with it (following bytes would be taken for the rest of the region).
     */
    private void streamDone(AioFileStream stream, Throwable failure) {
        if (active != stream) {
            return;
        }
        active = null;
        if (failure != null) {
            queued.removeAndFailAll(failure);
        } else if (!draining) {
            drainQueue();
        }
    }

    /**
     * Writes what was queued until a region has to stream again. A stream that finishes at once (a failure, or a
     * small region under a blocking fallback) lands back here through {@link #streamDone}, which leaves the work to
     * this loop instead of nesting another one.
     */
    private void drainQueue() {
        draining = true;
        boolean wrote = false;
        try {
            while (active == null && !queued.isEmpty()) {
                Object msg = queued.current();
                if (msg instanceof DefaultFileRegion && ctx.channel().isActive()) {
                    DefaultFileRegion region = (DefaultFileRegion) msg;
                    region.retain(); // remove() releases the message it hands back only as a promise
                    startRegion(region, queued.remove());
                } else {
                    queued.removeAndWrite();
                    wrote = true;
                }
            }
        } finally {
            draining = false;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void startRegion(DefaultFileRegion region, ChannelPromise promise) {
        metrics.regionStarted();
        if (region.transferred() >= region.count()) {
            region.release();
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
            return;
        }
        boolean needsBytes = ctx.pipeline().get(SslHandler.class) != null;
        Route route;
        try {
            route = ReaderFactory.route(ctx, region, config, metrics, needsBytes, sequence);
        } catch (IOException | RuntimeException e) {
            metrics.error();
            ReferenceCountUtil.safeRelease(region);
            promise.tryFailure(e);
            return;
        }
        if (route.kind() == Route.Kind.RESIDENT || route.kind() == Route.Kind.PASS_THROUGH) {
            ctx.write(region, promise);
            return;
        }
        AioFileStream stream = new AioFileStream(ctx, region, promise, route.reader(), config);
        active = stream;
        stream.start(failure -> streamDone(stream, failure));
    }

    private void discard(Throwable cause) {
        AioFileStream stream = active;
        active = null; // first, so that the failing stream does not move the queue on
        if (stream != null) {
            stream.fail(cause);
        }
        if (queued != null) {
            queued.removeAndFailAll(cause);
        }
    }
}
