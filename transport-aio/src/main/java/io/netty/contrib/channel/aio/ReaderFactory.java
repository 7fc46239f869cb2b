package io.netty.contrib.channel.aio;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Decides, once per region, how {@link AioFileRegionHandler} delivers it, and sets up the reader: AIO when it can be
 * used, the page cache when the whole region is resident, else the region's own path. Every fallback is counted in
 * the loop's {@link AioMetrics} here.
 */
final class ReaderFactory {

    private ReaderFactory() {
    }

    /** How one region is delivered: streamed through a {@link ChunkReader}, or passed on unchanged. */
    static final class Route {
        private static final Route RESIDENT = new Route(null, null);

        private final ChunkReader reader;
        private final AioMetrics.Fallback fallback;

        private Route(ChunkReader reader, AioMetrics.Fallback fallback) {
            this.reader = reader;
            this.fallback = fallback;
        }

        /** The reader to stream the region through, or {@code null}: write the region on unchanged. */
        ChunkReader reader() {
            return reader;
        }

        /** Why AIO is not used, or {@code null} (AIO, or a region entirely in the page cache). */
        AioMetrics.Fallback fallback() {
            return fallback;
        }
    }

    /**
     * The route of {@code region}, which starts at {@code region.transferred()}.
     *
     * @param needsBytes a handler below needs bytes (TLS): the region cannot be passed on as it is
     * @throws IOException if the region's file cannot be opened or examined
     */
    static Route route(ChannelHandlerContext ctx, DefaultFileRegion region, AioFileRegionConfig config,
                       AioMetrics metrics, boolean needsBytes) throws IOException {
        EventLoop loop = ctx.channel().eventLoop();
        if (config.directIo() == AioFileRegionConfig.DirectIo.DISABLED) {
            return fallback(AioMetrics.Fallback.DISABLED, config, ctx, region, metrics, needsBytes);
        }
        if (!Aio.isAvailable()) {
            return fallback(AioMetrics.Fallback.AIO_UNAVAILABLE, Aio.unavailabilityCause(), ctx, region, metrics,
                    needsBytes);
        }
        if (!(loop instanceof IoEventLoop) || !((IoEventLoop) loop).isCompatible(AioLoop.class)
                || ctx.executor() != loop) {
            // Also when the handler was added with an executor of its own: completions arrive on the channel's
            // loop, and the stream's state must stay on one thread.
            return fallback(AioMetrics.Fallback.NOT_EPOLL, "event loop " + loop, ctx, region, metrics, needsBytes);
        }
        if (!AioFiles.fileRegionFdSupported()) {
            return fallback(AioMetrics.Fallback.FILE_DESCRIPTOR_UNAVAILABLE, "DefaultFileRegion's FileChannel", ctx,
                    region, metrics, needsBytes);
        }
        AioLoop aio = AioLoop.get((IoEventLoop) loop, config.loopConfig());
        if (aio == null) {
            // AioLoop counted the SETUP_FAILED fallback.
            return passOn(AioMetrics.Fallback.SETUP_FAILED, ctx, region, metrics, needsBytes);
        }
        FileChannel channel = AioFiles.channel(region);
        int bufferedFd = AioFiles.fd(channel);
        long start = region.position() + region.transferred();
        long length = region.count() - region.transferred();
        boolean checkCache = config.pageCachePolicy() == AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT
                && PageCache.isResidencySupported();
        if (checkCache && !needsBytes && PageCache.isResident(bufferedFd, start, length, new long[5])) {
            // All cached: sendfile serves it without waiting for the disk. (Pages past the end of the file are
            // never resident: a region longer than its file goes on to the path that reports it.)
            metrics.pageCacheRead(length);
            return Route.RESIDENT;
        }
        AioFileDescriptor direct;
        try {
            direct = AioFiles.reopen(channel, AioFiles.O_RDONLY | AioFiles.O_DIRECT);
        } catch (IOException e) {
            return fallback(AioMetrics.Fallback.DIRECT_IO_REFUSED, e.getMessage(), ctx, region, metrics, needsBytes);
        }
        AioFiles.DirectIoAlignment alignment;
        try {
            alignment = AioFiles.alignment(direct);
        } catch (IOException | RuntimeException e) {
            direct.close();
            throw e;
        }
        return new Route(new DirectChunkReader(aio, new DirectFile(direct, alignment), bufferedFd, checkCache, region),
                null);
    }

    private static Route fallback(AioMetrics.Fallback reason, Object detail, ChannelHandlerContext ctx,
                                  DefaultFileRegion region, AioMetrics metrics, boolean needsBytes) {
        metrics.fallback(reason, detail);
        return passOn(reason, ctx, region, metrics, needsBytes);
    }

    /** The region's own path: passed on as it is, or copied into buffers when a handler below needs bytes. */
    private static Route passOn(AioMetrics.Fallback reason, ChannelHandlerContext ctx, DefaultFileRegion region,
                                AioMetrics metrics, boolean needsBytes) {
        return new Route(needsBytes ? new RegionChunkReader(region, ctx.alloc(), metrics) : null, reason);
    }
}
