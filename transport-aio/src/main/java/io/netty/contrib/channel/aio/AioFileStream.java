package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.Errors;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * Streams one file region to a channel, in chunks, on the channel's event loop.
 * <p>
 * With an {@link AioLoop}, each chunk is an O_DIRECT read (start aligned down, length rounded up, the result trimmed
 * to the region) into a buffer of the channel's allocator, aligned within it; or, when its pages are all in the page
 * cache, a {@code preadv2(RWF_NOWAIT)} copy. Without one (a fallback that still needs bytes, for example under TLS
 * on a non-epoll loop) each chunk is read synchronously through the region's own {@code transferTo}.
 * <p>
 * At most {@code readAhead} chunks are read ahead; no new chunk starts while the channel is not writable (unless
 * none is under way). Chunks are written in file order as they complete, whatever order the disk completes them in.
 */
final class AioFileStream {

    /**
     * Chunk buffers come from a pool of their own: chunks are large (hundreds of KiB), and an allocator that does not
     * pool such sizes maps and faults in fresh memory for every chunk, which costs more CPU than the read itself.
     */
    private static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true);

    private final AioFileRegionHandler handler;
    private final ChannelHandlerContext ctx;
    private final DefaultFileRegion region;
    private final ChannelPromise promise;
    private final AioMetrics metrics;
    private final AioLoop aio;
    private final AioFileDescriptor directFd;
    private final int bufferedFd;
    private final boolean checkCache;
    private final int chunkSize;
    private final int readAhead;
    private final int alignment;
    private final int memoryAlignment;
    private final long start;
    private final long end;
    private final long[] cachestat = new long[5];
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private long next;
    private long acknowledged;
    private boolean finished;
    private boolean released;
    private boolean pumping;

    /**
     * @param aio the loop's AIO, or {@code null} to read synchronously through the region
     * @param directFd the region's file opened with O_DIRECT (owned by the stream), or {@code null} without AIO
     * @param bufferedFd the region's own descriptor for page-cache reads, or -1
     */
    AioFileStream(AioFileRegionHandler handler, ChannelHandlerContext ctx, DefaultFileRegion region,
                  ChannelPromise promise, AioFileRegionConfig config, AioMetrics metrics, AioLoop aio,
                  AioFileDescriptor directFd, int bufferedFd, AioFiles.DirectIoAlignment alignment,
                  boolean checkCache) {
        this.handler = handler;
        this.ctx = ctx;
        this.region = region;
        this.promise = promise;
        this.metrics = metrics;
        this.aio = aio;
        this.directFd = directFd;
        this.bufferedFd = bufferedFd;
        this.checkCache = checkCache;
        this.alignment = alignment == null ? 1 : alignment.offset();
        this.memoryAlignment = alignment == null ? 1 : alignment.memory();
        chunkSize = Math.max(config.chunkSize(), this.alignment);
        readAhead = config.readAhead();
        start = region.position() + region.transferred();
        end = region.position() + region.count();
        next = start;
    }

    /** Starts reading; the first chunks are submitted at the end of this loop iteration. */
    void start() {
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
    }

    private void startChunks() {
        while (!finished && next < end && chunks.size() < readAhead
                && (chunks.isEmpty() || ctx.channel().isWritable())) {
            long chunkStart = next;
            long chunkEnd = Math.min(end, alignDown(chunkStart) + chunkSize);
            next = chunkEnd;
            Chunk chunk = new Chunk(chunkStart, chunkEnd);
            chunks.add(chunk);
            if (aio == null) {
                readThroughRegion(chunk);
            } else if (!checkCache || !readFromPageCache(chunk)) {
                readDirect(chunk);
            }
        }
    }

    private void readDirect(Chunk chunk) {
        long alignedStart = alignDown(chunk.start);
        int length = (int) (alignUp(chunk.end) - alignedStart);
        ByteBuf buf = ALLOCATOR.directBuffer(length + memoryAlignment);
        int index = alignedIndex(buf, memoryAlignment);
        chunk.buffer = buf;
        chunk.dataIndex = index + (int) (chunk.start - alignedStart);
        chunk.fd = directFd.intValue();
        chunk.index = index;
        chunk.length = length;
        chunk.offset = alignedStart;
        chunk.requested = true;
        aio.read(chunk);
    }

    /** A chunk whose pages are all cached is copied now, without blocking; {@code false} if it must go to disk. */
    private boolean readFromPageCache(Chunk chunk) {
        int length = (int) (chunk.end - chunk.start);
        if (bufferedFd < 0 || !PageCache.isResident(bufferedFd, chunk.start, length, cachestat)) {
            return false;
        }
        ByteBuf buf = ALLOCATOR.directBuffer(length);
        long res = Native.preadv2_0(bufferedFd, Buffers.address(buf, 0, length), length, chunk.start,
                Native.RWF_NOWAIT);
        if (res != length) {
            // Evicted in the meantime (EAGAIN or a short read): the disk it is.
            buf.release();
            return false;
        }
        metrics.pageCacheRead(length);
        chunk.buffer = buf;
        chunk.dataIndex = 0;
        chunk.done = true;
        return true;
    }

    /** The synchronous path: the region's own transferTo into a buffer. */
    private void readThroughRegion(Chunk chunk) {
        int length = (int) (chunk.end - chunk.start);
        ByteBuf buf = ctx.alloc().buffer(length);
        chunk.buffer = buf;
        try {
            long relative = chunk.start - region.position();
            while (buf.writerIndex() < length) {
                // DefaultFileRegion.transferTo throws if the file became shorter than the region.
                long n = region.transferTo(new BufferChannel(buf, length), relative + buf.writerIndex());
                if (n <= 0) {
                    throw new IOException("File shrank: read " + buf.writerIndex() + " of " + length + " bytes at "
                            + chunk.start + " of " + region);
                }
            }
            chunk.dataIndex = 0;
            chunk.done = true;
        } catch (IOException e) {
            readFailed(e);
        } catch (RuntimeException e) {
            metrics.error();
            fail(e);
        }
    }

    /** Writes the completed chunks at the head of the queue; {@code true} if any was written. */
    private boolean writeCompleted() {
        boolean wrote = false;
        while (!finished && !chunks.isEmpty() && chunks.peek().done) {
            Chunk chunk = chunks.poll();
            int length = (int) (chunk.end - chunk.start);
            ByteBuf buf = chunk.buffer;
            chunk.buffer = null;
            buf.setIndex(chunk.dataIndex, chunk.dataIndex + length);
            boolean last = chunk.end == end;
            if (last) {
                finished = true;
            }
            ChannelFuture future = ctx.write(buf);
            future.addListener(new ChunkWritten(length, last));
            wrote = true;
            if (last) {
                releaseResources();
                handler.streamFinished(this);
            }
        }
        return wrote;
    }

    /** Fails the region: its promise fails, its buffers go (those under a read go when the read completes). */
    void fail(Throwable cause) {
        if (!finished) {
            abandon();
            promise.tryFailure(cause);
            handler.streamFinished(this);
        } else {
            promise.tryFailure(cause);
        }
    }

    /**
     * The file could not be read: the region fails and, as Netty does when a write fails with an
     * {@link IOException}, the channel is closed if it auto-closes (the peer would otherwise wait for the rest).
     */
    private void readFailed(IOException cause) {
        metrics.error();
        fail(cause);
        if (ctx.channel().config().isAutoClose()) {
            ctx.close();
        }
    }

    /**
     * Stops the stream and frees what it holds; a buffer under a read is freed by that read's completion. Alone (when
     * the channel's loop terminated without closing the channel) nothing is written or notified any more.
     */
    private void abandon() {
        finished = true;
        for (Chunk chunk : chunks) {
            if (!chunk.requested) {
                chunk.releaseBuffer();
            }
        }
        chunks.clear();
        releaseResources();
    }

    private void releaseResources() {
        if (released) {
            return;
        }
        released = true;
        if (directFd != null) {
            try {
                // Reads still in flight hold their own reference to the file: closing the descriptor is safe.
                directFd.close();
            } catch (IOException ignore) {
                // nothing to do: the descriptor is gone either way
            }
        }
        ReferenceCountUtil.safeRelease(region);
    }

    private long alignDown(long offset) {
        return offset - offset % alignment;
    }

    private long alignUp(long offset) {
        long rem = offset % alignment;
        return rem == 0 ? offset : offset + alignment - rem;
    }

    private static int alignedIndex(ByteBuf buf, int alignment) {
        if (alignment <= 1) {
            return 0;
        }
        long address = Buffers.address(buf, 0, buf.capacity());
        return (int) ((alignment - (address & (alignment - 1))) & (alignment - 1));
    }

    @Override
    public String toString() {
        return "AioFileStream(" + region + ", [" + start + ", " + end + "), next: " + next + ", chunks: "
                + chunks.size() + (aio == null ? ", synchronous)" : ")");
    }

    /**
     * One chunk of the region: a read to do, then a buffer to write. {@link #buffer} is the stream's reference until
     * it is written; while the read is {@link #requested} only {@link #complete} may release it.
     */
    private final class Chunk extends AioLoop.Read {
        final long start;
        final long end;
        int dataIndex;
        boolean done;
        /** Handed to the loop and not completed yet: only {@link #complete} may free the buffer then. */
        boolean requested;

        Chunk(long start, long end) {
            this.start = start;
            this.end = end;
        }

        @Override
        boolean isCancelled() {
            return finished;
        }

        @Override
        void complete(long res) {
            requested = false;
            if (finished) {
                // The region failed or the channel closed while the disk was busy: only the buffer is left to free.
                releaseBuffer();
                return;
            }
            if (res == AioLoop.LOOP_CLOSED) {
                if (ctx.executor().isTerminated()) {
                    abandon();
                } else {
                    fail(new IOException("the event loop shut down while " + region + " was being read"));
                }
                return;
            }
            if (res == -Native.EAGAIN) {
                metrics.fallback(AioMetrics.Fallback.SUBMIT_EAGAIN, "io_submit kept refusing reads with EAGAIN");
                res = readSynchronously();
            }
            if (res < 0) {
                IOException cause = Errors.newIOException("aio read", (int) res);
                readFailed(new IOException("reading " + region + " at offset " + offset + " failed: "
                        + cause.getMessage(), cause));
                return;
            }
            if (offset + res < end) {
                readFailed(new IOException("File shrank: it ends at " + (offset + res) + ", before the end of the"
                        + " region at " + AioFileStream.this.end + " (" + region + ')'));
                return;
            }
            done = true;
            pump();
        }

        private long readSynchronously() {
            long total = 0;
            while (total < length) {
                long n = Native.preadv2_0(bufferedFd, Buffers.address(buffer, index, length) + total,
                        (int) (length - total), offset + total, 0);
                if (n <= 0) {
                    return n < 0 ? n : total;
                }
                total += n;
            }
            return total;
        }

        void releaseBuffer() {
            ByteBuf b = buffer;
            if (b != null) {
                buffer = null;
                b.release();
            }
        }
    }

    /** Completes the promise after the last chunk and reports progress after each. */
    private final class ChunkWritten implements ChannelFutureListener {
        private final int length;
        private final boolean last;

        ChunkWritten(int length, boolean last) {
            this.length = length;
            this.last = last;
        }

        @Override
        public void operationComplete(ChannelFuture future) {
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
            }
        }
    }

    /** A channel that appends to a buffer, up to a limit: the target of the region's own transferTo. */
    private static final class BufferChannel implements WritableByteChannel {
        private final ByteBuf buf;
        private final int limit;

        BufferChannel(ByteBuf buf, int limit) {
            this.buf = buf;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), limit - buf.writerIndex());
            ByteBuffer slice = src.duplicate();
            slice.limit(slice.position() + n);
            buf.writeBytes(slice);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
