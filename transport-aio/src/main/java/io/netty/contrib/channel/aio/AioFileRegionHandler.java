package io.netty.contrib.channel.aio;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.ObjectUtil;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;

/**
 * Streams file regions through Linux AIO on the channel's own event loop. Add it once, before the handlers that
 * write {@link DefaultFileRegion}s (or {@link AioFileRegion}s), and change nothing else:
 *
 * <pre>{@code
 * ch.pipeline().addLast(new AioFileRegionHandler());   // before the codecs that emit FileRegions
 * // application code unchanged: ctx.write(new DefaultFileRegion(file, 0, file.length()));
 * }</pre>
 *
 * Each region is read with O_DIRECT in chunks; completions wake the channel's epoll loop through an eventfd and each
 * chunk is written as a {@code ByteBuf} from that loop, so a cold file never blocks the loop and no other thread is
 * involved. Data already in the page cache is served from it (see {@link AioFileRegionConfig.PageCachePolicy}).
 * Message order is kept: what is written after a region goes out after the region's last byte. The region's
 * promise completes when its last byte has been written; a {@code ChannelProgressivePromise} gets progress. Because
 * the handler writes bytes, it also works with an {@code SslHandler} between it and the socket.
 * <p>
 * Where AIO cannot be used (a loop that is not epoll, a file system that refuses O_DIRECT, AIO unavailable) the
 * region takes its own path (sendfile or transferTo; a blocking copy under TLS), counted in {@link AioMetrics} and
 * logged once. The handler keeps per-channel state: use one instance per channel, on the channel's own event loop
 * (added with an {@code EventExecutorGroup} of its own it falls back, counted as {@code NOT_EPOLL}).
 */
public class AioFileRegionHandler extends ChannelDuplexHandler {

    private final AioFileRegionConfig config;
    /** Writes that came after the active region; their bytes count toward the channel's writability. */
    private PendingWriteQueue queued;
    private ChannelHandlerContext ctx;
    private AioMetrics metrics;
    private AioFileStream active;

    /** A handler with {@link AioFileRegionConfig#DEFAULT}. */
    public AioFileRegionHandler() {
        this(AioFileRegionConfig.DEFAULT);
    }

    public AioFileRegionHandler(AioFileRegionConfig config) {
        this.config = ObjectUtil.checkNotNull(config, "config");
    }

    /** The metrics of the given event loop (shorthand for {@link AioMetrics#of}). */
    public static AioMetrics metrics(EventLoop loop) {
        return AioMetrics.of(loop);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        queued = new PendingWriteQueue(ctx);
        metrics = AioMetrics.forLoop(ctx.executor());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
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

    /** Called by the active stream when it has written its last chunk or failed: the queue moves on. */
    void streamFinished(AioFileStream stream) {
        if (active != stream) {
            return;
        }
        active = null;
        boolean wrote = false;
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
        AioMetrics.Fallback reason = null;
        AioLoop aio = null;
        EventLoop loop = ctx.channel().eventLoop();
        if (config.directIo() == AioFileRegionConfig.DirectIo.DISABLED) {
            reason = AioMetrics.Fallback.DISABLED;
        } else if (!Aio.isAvailable()) {
            reason = AioMetrics.Fallback.AIO_UNAVAILABLE;
        } else if (!(loop instanceof IoEventLoop) || !((IoEventLoop) loop).isCompatible(AioLoop.class)
                || ctx.executor() != loop) {
            // Also when the handler was added with an executor of its own: completions arrive on the channel's
            // loop, and the stream's state must stay on one thread.
            reason = AioMetrics.Fallback.NOT_EPOLL;
        } else if (!AioFiles.fileRegionFdSupported()) {
            reason = AioMetrics.Fallback.FILE_DESCRIPTOR_UNAVAILABLE;
        } else {
            aio = AioLoop.get((IoEventLoop) loop, metrics); // counts SETUP_FAILED itself
            if (aio == null) {
                fallback(region, promise, needsBytes);
                return;
            }
        }
        if (reason != null) {
            metrics.fallback(reason, reason == AioMetrics.Fallback.NOT_EPOLL ? "event loop " + loop
                    : reason == AioMetrics.Fallback.DISABLED ? config : Aio.unavailabilityCause());
            fallback(region, promise, needsBytes);
            return;
        }
        startDirect(aio, region, promise, needsBytes);
    }

    private void startDirect(AioLoop aio, DefaultFileRegion region, ChannelPromise promise, boolean needsBytes) {
        int bufferedFd;
        AioFileDescriptor direct;
        try {
            FileChannel channel = AioFiles.channel(region);
            bufferedFd = AioFiles.fd(channel);
            long start = region.position() + region.transferred();
            long length = region.count() - region.transferred();
            boolean checkCache = config.pageCachePolicy() == AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT
                    && PageCache.isResidencySupported();
            if (checkCache && !needsBytes && PageCache.isResident(bufferedFd, start, length, new long[5])) {
                // All cached: sendfile serves it without waiting for the disk. (Pages past the end of the file are
                // never resident: a region longer than its file goes on to the path that reports it.)
                metrics.pageCacheRead(length);
                ctx.write(region, promise);
                return;
            }
            try {
                direct = AioFiles.reopen(channel, AioFiles.O_RDONLY | AioFiles.O_DIRECT);
            } catch (IOException e) {
                metrics.fallback(AioMetrics.Fallback.DIRECT_IO_REFUSED, e.getMessage());
                fallback(region, promise, needsBytes);
                return;
            }
            AioFiles.DirectIoAlignment alignment;
            try {
                alignment = AioFiles.alignment(direct);
            } catch (IOException | RuntimeException e) {
                direct.close();
                throw e;
            }
            active = new AioFileStream(this, ctx, region, promise, config, metrics, aio, direct, bufferedFd,
                    alignment, checkCache);
        } catch (IOException | RuntimeException e) {
            metrics.error();
            ReferenceCountUtil.safeRelease(region);
            promise.tryFailure(e);
            return;
        }
        active.start();
    }

    /** The region's own path: passed on as it is, or copied into buffers when a handler below needs bytes. */
    private void fallback(DefaultFileRegion region, ChannelPromise promise, boolean needsBytes) {
        if (!needsBytes) {
            ctx.write(region, promise);
            return;
        }
        active = new AioFileStream(this, ctx, region, promise, config, metrics, null, null, -1, null, false);
        active.start();
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
