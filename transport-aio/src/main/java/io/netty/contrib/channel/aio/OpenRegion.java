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
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.Buffer;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A region's file as the readers see it: the region, its {@link FileChannel} and descriptor (buffered, sharing the
 * page cache), and whether the channel needs bytes (TLS) or can take parts of the region for {@code sendfile}.
 */
final class OpenRegion {

    /** Where probes read their byte: allocated once per thread, so a page-cache check allocates nothing. */
    private static final FastThreadLocal<ByteBuffer> PROBE = new FastThreadLocal<ByteBuffer>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocateDirect(8);
        }
    };

    final DefaultFileRegion region;
    final FileChannel channel;
    final int fd;
    final boolean needsBytes;
    /** {@code RWF_NOWAIT} copies are refused on this file (tmpfs answers {@code EOPNOTSUPP}): do not try again. */
    private boolean noWaitRefused;
    /**
     * A range that the router has just found without a single page cached ({@link #cachedPages}), or -1: the first
     * chunk asked about inside it is not looked up again (one {@code cachestat} per cold region, not two).
     */
    private long uncachedStart = -1;
    private long uncachedEnd;

    /**
     * Why a read of {@code [start, end)} found the file too short: its size now (one {@code fstat(2)}, off the data
     * path) and the end that was asked for.
     */
    static IOException shrank(FileChannel channel, long end, Object what) {
        String size;
        try {
            size = Long.toString(channel.size());
        } catch (IOException e) {
            size = "unknown (" + e.getMessage() + ')';
        }
        return new IOException("File shrank: its size is " + size + " bytes, before the end of the range at " + end
                + " (" + what + ')');
    }

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

    /**
     * {@code true} if every page of {@code [start, end)} is in the page cache and its data has arrived: pages that
     * read-ahead put in the page cache count as cached before their data is there, so the first and the last page
     * are also read with {@code RWF_NOWAIT}.
     */
    boolean isResident(long start, long end) {
        if (uncachedStart >= 0) {
            boolean inside = start >= uncachedStart && end <= uncachedEnd;
            uncachedStart = -1; // once only: read-ahead may bring pages in later
            if (inside) {
                return false;
            }
        }
        // With bytes needed, the RWF_NOWAIT copy itself tells whether the data has arrived.
        return !noWaitRefused && PageCache.isResident(fd, start, end - start) && (needsBytes || hasArrived(start, end));
    }

    /**
     * How many pages of {@code [start, end)} are in the page cache ({@code cachestat}), their data arrived or not.
     * None: the next {@link #isResident} inside the range answers {@code false} without asking the kernel again.
     */
    long cachedPages(long start, long end) {
        long cached = PageCache.cachedPages(fd, start, end - start);
        if (cached == 0) {
            uncachedStart = start;
            uncachedEnd = end;
        }
        return cached;
    }

    /**
     * {@code true} if the first and the last byte of {@code [start, end)} are in the page cache with their data: both
     * are read with {@code RWF_NOWAIT}.
     */
    boolean hasArrived(long start, long end) {
        return probe(start) && probe(end - 1);
    }

    /**
     * Copies {@code length} bytes from {@code start} into {@code buf} with {@code preadv2(RWF_NOWAIT)}, which never
     * waits for the disk; {@code false} if some of them are not in the page cache (or still on their way into it).
     */
    boolean copyFromPageCache(ByteBuf buf, long start, int length) {
        long res = Native.preadv2(fd, Buffers.address(buf, 0, length), length, start, Native.RWF_NOWAIT);
        if (res != length) {
            // EAGAIN or a short read: not (all) there.
            noWaitRefused = res == -Native.EOPNOTSUPP;
            return false;
        }
        buf.writerIndex(length);
        return true;
    }

    /** Reads one byte with {@code RWF_NOWAIT}. On tmpfs it is refused: there, the page cache is all there is. */
    private boolean probe(long offset) {
        long res = Native.preadv2(fd, Buffer.memoryAddress(PROBE.get()), 1, offset, Native.RWF_NOWAIT);
        return res == 1 || res == -Native.EOPNOTSUPP;
    }

    @Override
    public String toString() {
        return region.toString();
    }
}
