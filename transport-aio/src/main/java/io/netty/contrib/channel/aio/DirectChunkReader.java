package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.unix.Errors;

import java.io.IOException;

/**
 * Reads chunks with {@code O_DIRECT} AIO on the channel's loop: each read is aligned (its start rounded down and its
 * end rounded up to the file's alignment) into a pooled buffer, at the first suitably aligned address inside it, and
 * the chunk is the part of the buffer that the region asked for. With a page-cache check, a chunk whose pages are
 * all resident is copied with {@code preadv2(RWF_NOWAIT)} instead, which never waits for the disk.
 */
final class DirectChunkReader implements ChunkReader {

    /**
     * Chunk buffers come from a pool of their own: chunks are large (hundreds of KiB), and an allocator that does not
     * pool such sizes maps and faults in fresh memory for every chunk, which costs more CPU than the read itself.
     */
    private static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true);

    private final AioLoop aio;
    private final AioMetrics metrics;
    private final DirectFile file;
    private final int bufferedFd;
    private final boolean checkCache;
    private final int alignment;
    private final int memoryAlignment;
    private final Object source;
    private final long[] cachestat = new long[5];

    /**
     * @param file the region's file opened with {@code O_DIRECT}; released by {@link #close()}
     * @param bufferedFd the region's own descriptor, for page-cache copies and synchronous reads
     * @param source what error messages name (the region)
     */
    DirectChunkReader(AioLoop aio, DirectFile file, int bufferedFd, boolean checkCache, Object source) {
        this.aio = aio;
        this.metrics = aio.metrics();
        this.file = file;
        this.bufferedFd = bufferedFd;
        this.checkCache = checkCache;
        this.alignment = file.alignment().offset();
        this.memoryAlignment = file.alignment().memory();
        this.source = source;
    }

    @Override
    public int alignment() {
        return alignment;
    }

    @Override
    public void read(long start, long end, Sink sink) {
        if (checkCache && readFromPageCache(start, end, sink)) {
            return;
        }
        long alignedStart = start - start % alignment;
        long alignedEnd = end % alignment == 0 ? end : end + alignment - end % alignment;
        int length = (int) (alignedEnd - alignedStart);
        ByteBuf buf = ALLOCATOR.directBuffer(length + memoryAlignment);
        DirectRead read = new DirectRead(start, end, sink);
        read.fd = file.fd();
        read.buffer = buf;
        read.index = alignedIndex(buf, memoryAlignment);
        read.length = length;
        read.offset = alignedStart;
        aio.read(read);
    }

    /** A chunk whose pages are all cached is copied now, without blocking; {@code false} if it must go to disk. */
    private boolean readFromPageCache(long start, long end, Sink sink) {
        int length = (int) (end - start);
        if (!PageCache.isResident(bufferedFd, start, length, cachestat)) {
            return false;
        }
        ByteBuf buf = ALLOCATOR.directBuffer(length);
        long res = Native.preadv2_0(bufferedFd, Buffers.address(buf, 0, length), length, start, Native.RWF_NOWAIT);
        if (res != length) {
            // Evicted in the meantime (EAGAIN or a short read): the disk it is.
            buf.release();
            return false;
        }
        metrics.pageCacheRead(length);
        sink.filled(buf.writerIndex(length));
        return true;
    }

    @Override
    public void close() {
        file.release();
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
        return "DirectChunkReader(" + source + ", alignment: " + alignment + ')';
    }

    /** One aligned AIO read; its buffer is its own until the chunk takes it (or until it is freed, unwanted). */
    private final class DirectRead extends AioLoop.Read {
        private final long start;
        private final long end;
        private final Sink sink;

        DirectRead(long start, long end, Sink sink) {
            this.start = start;
            this.end = end;
            this.sink = sink;
        }

        @Override
        boolean isCancelled() {
            return sink.isCancelled();
        }

        @Override
        void completed(long res) {
            if (sink.isCancelled()) {
                // The region failed or the channel closed while the disk was busy: only the buffer is left to free.
                releaseBuffer();
                return;
            }
            if (res < 0) {
                IOException cause = Errors.newIOException("aio read", (int) res);
                fail(new IOException("reading " + source + " at offset " + offset + " failed: " + cause.getMessage(),
                        cause));
                return;
            }
            if (offset + res < end) {
                fail(new IOException("File shrank: it ends at " + (offset + res) + ", before the end of the chunk at "
                        + end + " (" + source + ')'));
                return;
            }
            ByteBuf buf = buffer;
            buffer = null;
            int dataIndex = index + (int) (start - offset);
            sink.filled(buf.setIndex(dataIndex, dataIndex + (int) (end - start)));
        }

        @Override
        void aborted(AioLoop.Abort reason) {
            switch (reason) {
                case SUBMIT_STARVED:
                    metrics.fallback(AioMetrics.Fallback.SUBMIT_EAGAIN, "io_submit kept refusing reads with EAGAIN");
                    completed(sink.isCancelled() ? 0 : readSynchronously());
                    break;
                case LOOP_CLOSED:
                    releaseBuffer();
                    sink.failed(new IOException("the event loop shut down while " + source + " was being read"));
                    break;
                default:
                    releaseBuffer();
                    break;
            }
        }

        private void fail(IOException cause) {
            releaseBuffer();
            metrics.error();
            sink.failed(cause);
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

        private void releaseBuffer() {
            ByteBuf b = buffer;
            if (b != null) {
                buffer = null;
                b.release();
            }
        }
    }
}
