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

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Decides, once per region, how {@link AioFileRegionHandler} delivers it, and sets up the reader: a typed
 * {@link Route} (AIO when it can be used, the page cache when the whole region is resident, else the region's own
 * path or a copy, with the reason). {@link AioChunkedInput} gets its route here too, and {@link AioFileSink} asks
 * {@link #loopFallback} the same first questions. Every fallback is counted in the loop's recorder here.
 */
final class ReaderFactory {

    private ReaderFactory() {
    }

    /**
     * The route of {@code region}, which starts at {@code region.transferred()}.
     *
     * @param needsBytes a handler below needs bytes (TLS): the region cannot be passed on as it is (nor, on an
     *                   io_uring loop, a region that ends past 2 GiB)
     * @param sequence the channel's last region: one that this region goes on from is the same request
     * @throws IOException if the region's file cannot be opened or examined
     */
    static Route route(ChannelHandlerContext ctx, DefaultFileRegion region, AioFileRegionConfig config,
                       LoopRecorder metrics, boolean needsBytes, RegionSequence sequence) throws IOException {
        checkRange(region.position(), region.count());
        // Netty's io_uring channels keep a file region's offset and length in an int (4.2.18): a region that ends
        // past 2 GiB would go out with the bytes of another part of the file. There it is copied into buffers.
        needsBytes |= region.position() + region.count() > Integer.MAX_VALUE
                && CompletionSource.isIoUring(ctx.channel().eventLoop());
        // The region's own path: passed on as it is, or copied into buffers when a handler below needs bytes.
        ChunkReader fallback = needsBytes ? new RegionChunkReader(region, ctx.alloc(), metrics) : null;
        // Also when the handler was added with an executor of its own: completions arrive on the channel's loop, and
        // the stream's state must stay on one thread.
        return route(ctx.channel().eventLoop(), ctx.executor() == ctx.channel().eventLoop(), region, config, metrics,
                needsBytes, fallback, sequence);
    }

    /** The largest end of a range: no file is larger, and aligning such an end for {@code O_DIRECT} cannot overflow. */
    static final long MAX_END = Long.MAX_VALUE - (1L << 30);

    /**
     * Checks a range of a file: {@code position} and {@code count} not negative, and their sum at most
     * {@link #MAX_END} (a sum past {@code Long.MAX_VALUE} would wrap around to a negative end).
     *
     * @throws IllegalArgumentException if the range is not one
     */
    static void checkRange(long position, long count) {
        if (position < 0 || count < 0 || count > MAX_END - position) {
            throw new IllegalArgumentException("position " + position + " + count " + count
                    + ": not a range of a file (both must be non-negative and their sum at most " + MAX_END + ')');
        }
    }

    /**
     * The route of {@code region} (from {@code region.transferred()}) for {@link AioChunkedInput}: read into buffers
     * through AIO or the page cache; where AIO cannot be used, after counting the fallback, a {@link Route.Kind#COPY}
     * without a reader (the chunked input reads itself).
     *
     * @param onLoop the reader would be used on {@code loop}'s thread
     * @throws IOException if the region's file cannot be opened or examined
     */
    static Route bytesRoute(EventLoop loop, boolean onLoop, DefaultFileRegion region, AioFileRegionConfig config,
                            LoopRecorder metrics) throws IOException {
        // One region per chunked input: nothing goes on from it.
        Route route = route(loop, onLoop, region, config, metrics, true, null, new RegionSequence());
        return route.kind() == Route.Kind.PASS_THROUGH ? Route.copiedByCaller(route.reason()) : route;
    }

    /**
     * Why AIO cannot be used on {@code loop}, or {@code null} when it can: the questions every user of AIO (the
     * handler, the chunked input, the sink) asks first, in this order.
     *
     * @param onLoop the caller would use AIO on {@code loop}'s thread (a handler with an executor of its own would not)
     */
    static AioMetrics.Fallback loopFallback(EventLoop loop, boolean onLoop) {
        if (!Aio.isAvailable()) {
            return AioMetrics.Fallback.AIO_UNAVAILABLE;
        }
        if (!(loop instanceof IoEventLoop) || !CompletionSource.supports((IoEventLoop) loop) || !onLoop) {
            // Neither epoll nor io_uring (NIO, a loop of another transport).
            return AioMetrics.Fallback.UNSUPPORTED_LOOP;
        }
        return null;
    }

    /**
     * The loop's AIO for a caller on its thread (a sink, a directory sync), or {@code null} after counting the fallback
     * in {@code metrics} (when not {@code null}).
     */
    static AioLoop aioLoop(EventLoop loop, LoopRecorder metrics, AioLoopConfig config) {
        AioMetrics.Fallback unusable = loopFallback(loop, true);
        if (unusable != null) {
            if (metrics != null) {
                metrics.fallback(unusable, loopFallbackDetail(unusable, loop));
            }
            return null;
        }
        // Counts SETUP_FAILED itself when it returns null.
        return AioLoop.get((IoEventLoop) loop, config);
    }

    /** What the log says of a {@link #loopFallback}. */
    static Object loopFallbackDetail(AioMetrics.Fallback reason, EventLoop loop) {
        return reason == AioMetrics.Fallback.AIO_UNAVAILABLE ? Aio.unavailabilityCause() : "event loop " + loop;
    }

    static Route route(EventLoop loop, boolean onLoop, DefaultFileRegion region, AioFileRegionConfig config,
                       LoopRecorder metrics, boolean needsBytes, ChunkReader fallback,
                       RegionSequence sequence) throws IOException {
        if (config.directIo() == AioFileRegionConfig.DirectIo.DISABLED) {
            return fallback(AioMetrics.Fallback.DISABLED, config, metrics, fallback);
        }
        AioMetrics.Fallback unusable = loopFallback(loop, onLoop);
        if (unusable != null) {
            return fallback(unusable, loopFallbackDetail(unusable, loop), metrics, fallback);
        }
        if (!AioFiles.fileRegionFdSupported()) {
            return fallback(AioMetrics.Fallback.FILE_DESCRIPTOR_UNAVAILABLE, "DefaultFileRegion's FileChannel",
                    metrics, fallback);
        }
        AioLoop aio = AioLoop.get((IoEventLoop) loop, config.requestedLoopConfig());
        if (aio == null) {
            // AioLoop counted the SETUP_FAILED fallback; a loop shutting down counts none.
            return Route.fallback(loop.isShuttingDown() ? null : AioMetrics.Fallback.SETUP_FAILED, fallback);
        }
        FileChannel channel = AioFiles.channel(region);
        OpenRegion open = new OpenRegion(region, channel, AioFiles.fd(channel), needsBytes);
        long start = region.position() + region.transferred();
        long end = region.position() + region.count();
        AioFileRegionConfig.PageCachePolicy policy = config.pageCachePolicy();
        boolean useCache = policy != AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT
                && PageCache.isResidencySupported();
        FileStat stat = Native.statx(open.fd);
        // Counted on every request, served from the page cache or not, so that popularity survives eviction. A region
        // that goes on from the channel's last one is the same request: it keeps that one's decision.
        boolean admitted = useCache && policy == AioFileRegionConfig.PageCachePolicy.ADMIT_REPEATED
                && (sequence.continues(stat, start) ? sequence.admitted() : aio.files().admit(stat));
        if (useCache && !needsBytes) {
            Residency residency = residency(open, stat, start, end);
            if (residency == Residency.ALL) {
                // All cached: sendfile serves it without waiting for the disk. (Pages past the end of the file are
                // never resident: a region longer than its file goes on to the path that reports it.)
                sequence.routed(stat, end, admitted);
                metrics.pageCacheRead(end - start);
                return Route.RESIDENT;
            }
            // A range mostly in the page cache belongs there: the pages it lost (reclaim takes single idle pages
            // too) are read ahead into it again, as sendfile would, instead of the whole range going to O_DIRECT.
            admitted |= residency == Residency.MOST && policy == AioFileRegionConfig.PageCachePolicy.ADMIT_REPEATED;
        }
        sequence.routed(stat, end, admitted);
        DirectFile direct;
        try {
            direct = aio.files().cache().acquire(open.fd, stat);
        } catch (IOException e) {
            return fallback(AioMetrics.Fallback.DIRECT_IO_REFUSED, e.getMessage(), metrics, fallback);
        }
        DirectChunkReader reader = new DirectChunkReader(aio, direct, open, useCache);
        if (!admitted) {
            return Route.direct(reader);
        }
        metrics.regionAdmitted(); // asked for again, or mostly cached already
        return Route.admitted(new PageCacheChunkReader(open, reader));
    }

    /** How much of a range is in the page cache. */
    private enum Residency {
        /** Every page, with its data: {@code sendfile} serves it without waiting for the disk. */
        ALL,
        /** At least half of the pages. */
        MOST,
        /** Less than half, or not known. */
        LITTLE
    }

    /**
     * How much of {@code [start, end)} is in the page cache. A range that this loop found wholly resident moments
     * ago (see {@link ResidencyMemo}) is not counted page by page again: its first and last byte are still read
     * with {@code RWF_NOWAIT}.
     */
    private static Residency residency(OpenRegion open, FileStat stat, long start, long end) {
        ResidencyMemo memo = ResidencyMemo.current();
        long now = System.nanoTime();
        if (memo.covers(stat, start, end, now)) {
            if (open.hasArrived(start, end)) {
                return Residency.ALL;
            }
            memo.forget(stat);
            return Residency.LITTLE;
        }
        long cached = open.cachedPages(start, end);
        long pages = PageCache.pages(start, end - start);
        if (cached >= pages && open.hasArrived(start, end)) {
            memo.resident(stat, start, end, now);
            return Residency.ALL;
        }
        memo.forget(stat);
        return cached * 2 >= pages ? Residency.MOST : Residency.LITTLE;
    }

    private static Route fallback(AioMetrics.Fallback reason, Object detail, LoopRecorder metrics,
                                  ChunkReader fallback) {
        metrics.fallback(reason, detail);
        return Route.fallback(reason, fallback);
    }
}
