package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A region's file as the readers see it: the region, its {@link FileChannel} and descriptor (buffered, sharing the
 * page cache), and whether the channel needs bytes (TLS) or can take parts of the region for {@code sendfile}.
 */
final class OpenRegion {

    /**
     * Chunk buffers come from a pool of their own: chunks are large (hundreds of KiB), and an allocator that does not
     * pool such sizes maps and faults in fresh memory for every chunk, which costs more CPU than the read itself.
     */
    static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true);

    final DefaultFileRegion region;
    final FileChannel channel;
    final int fd;
    final boolean needsBytes;
    /** {@code RWF_NOWAIT} copies are refused on this file (tmpfs answers {@code EOPNOTSUPP}): do not try again. */
    private boolean noWaitRefused;

    OpenRegion(DefaultFileRegion region, FileChannel channel, int fd, boolean needsBytes) {
        this.region = region;
        this.channel = channel;
        this.fd = fd;
        this.needsBytes = needsBytes;
    }

    /** {@code false} once the page cache turned out to be of no use here (copies refused): read with AIO. */
    boolean isPageCacheUsable() {
        return !noWaitRefused;
    }

    /** {@code true} if every page of {@code [start, end)} is in the page cache. */
    boolean isResident(long start, long end) {
        return !noWaitRefused && PageCache.isResident(fd, start, end - start);
    }

    /**
     * Bytes {@code [start, end)} from the page cache without waiting for the disk: a part of the region for
     * {@code sendfile}, or, when bytes are needed, a {@code preadv2(RWF_NOWAIT)} copy; {@code null} if some of them
     * are not in the page cache (or still on their way into it).
     */
    Object fromPageCache(long start, long end) {
        int length = (int) (end - start);
        if (!needsBytes) {
            return new RegionSlice(region, channel, start, length);
        }
        ByteBuf buf = ALLOCATOR.directBuffer(length);
        long res = Native.preadv2(fd, Buffers.address(buf, 0, length), length, start, Native.RWF_NOWAIT);
        if (res != length) {
            // EAGAIN or a short read: not (all) there.
            buf.release();
            noWaitRefused = res == -Native.EOPNOTSUPP;
            return null;
        }
        return buf.writerIndex(length);
    }

    /**
     * {@code true} if the first and the last page of {@code [start, end)} can be read without waiting: pages that
     * read-ahead put in the page cache count as resident before their data has arrived.
     */
    boolean isReadable(long start, long end) {
        return probe(start) && probe(end - 1);
    }

    private boolean probe(long offset) {
        ByteBuf one = ALLOCATOR.directBuffer(1);
        try {
            return Native.preadv2(fd, Buffers.address(one, 0, 1), 1, offset, Native.RWF_NOWAIT) == 1;
        } finally {
            one.release();
        }
    }

    @Override
    public String toString() {
        return region.toString();
    }
}
