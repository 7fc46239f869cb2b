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

import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.SystemPropertyUtil;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The page cache as seen from one file: how much of a range is resident ({@code cachestat(2)}, Linux 6.5) and
 * eviction ({@code posix_fadvise(POSIX_FADV_DONTNEED)}), which makes a file cold without root. The system property
 * {@code io.netty.contrib.aio.cachestat} ({@code true} by default) set to {@code false} makes the library behave as
 * on a kernel without {@code cachestat(2)}: see {@link #isResidencySupported()}.
 */
public final class PageCache {

    /** The page size: residency is counted in whole pages. */
    public static final int PAGE_SIZE = Native.PAGE_SIZE;

    private PageCache() {
    }

    /**
     * {@code true} if this kernel has {@code cachestat(2)} and it is not switched off. Asked once per JVM: with
     * {@code -Dio.netty.contrib.aio.cachestat=false} it answers {@code false} as on a kernel before 6.5, and
     * {@link AioFileRegionHandler} then reads every chunk from the disk with AIO, cached or not (as with
     * {@link AioFileRegionConfig.PageCachePolicy#ALWAYS_DIRECT}). The switch changes only this answer: the
     * residency methods below still call {@code cachestat(2)}.
     *
     * @return {@code true} if this kernel has {@code cachestat(2)} and it is not switched off
     */
    public static boolean isResidencySupported() {
        return Holder.CACHESTAT;
    }

    /**
     * How many bytes of {@code [offset, offset + length)} are in the page cache, counted in whole pages and capped to
     * {@code length}.
     *
     * @param file the file
     * @param offset the offset of the range's first byte
     * @param length the range's length in bytes
     * @return the resident bytes of the range, at most {@code length}
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static long residentBytes(File file, long offset, long length) throws IOException {
        try (AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY)) {
            return residentBytes(fd, offset, length);
        }
    }

    /**
     * As {@link #residentBytes(File, long, long)}, for an open descriptor.
     *
     * @param fd an open descriptor of the file
     * @param offset the offset of the range's first byte
     * @param length the range's length in bytes
     * @return the resident bytes of the range, at most {@code length}
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static long residentBytes(FileDescriptor fd, long offset, long length) throws IOException {
        return Math.min(length, residentPages(fd, offset, length) * PAGE_SIZE);
    }

    /**
     * {@code true} if every page of {@code [offset, offset + length)} is in the page cache; the range must lie in
     * the file. An empty range is resident.
     *
     * @param fd an open descriptor of the file
     * @param offset the offset of the range's first byte
     * @param length the range's length in bytes
     * @return {@code true} if every page of the range is in the page cache
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static boolean isResident(FileDescriptor fd, long offset, long length) throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        checkRange(offset, length);
        return isResident(fd.intValue(), offset, length);
    }

    /** The event loop's check: no argument checks, {@code false} on any error. */
    static boolean isResident(int fd, long offset, long length) {
        return length == 0 || cachedPages(fd, offset, length) >= pages(offset, length);
    }

    /** The event loop's count of the cached pages of a range: no argument checks, 0 on any error. */
    static long cachedPages(int fd, long offset, long length) {
        return length == 0 ? 0 : Math.max(0, Native.cachedPages(fd, offset, length));
    }

    /** How many pages {@code [offset, offset + length)} touches. */
    static long pages(long offset, long length) {
        return length == 0 ? 0 : (offset + length - 1) / PAGE_SIZE - offset / PAGE_SIZE + 1;
    }

    static long residentPages(FileDescriptor fd, long offset, long length) throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        checkRange(offset, length);
        if (length == 0) {
            return 0;
        }
        long pages = Native.cachedPages(fd.intValue(), offset, length);
        Native.check("cachestat", pages);
        return pages;
    }

    /**
     * Drops the clean pages of a whole file from the page cache.
     *
     * <p>Like every {@code POSIX_FADV_DONTNEED}, this is advice the kernel follows page group by page group: a large
     * folio (a group of pages cached as one, which recent kernels use for ext4, XFS and tmpfs) that the range covers
     * only in part stays, and so does a page that is mapped, locked or under writeback. Check with
     * {@link #residentBytes} when it matters.
     *
     * @param file the file
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static void evict(File file) throws IOException {
        evict(file, 0, 0);
    }

    /**
     * Writes the file's dirty pages back, then drops the pages of {@code [offset, offset + length)} from the page
     * cache ({@code length} 0: to the end of the file), as far as the kernel takes the advice: a large folio that
     * reaches beyond the range stays whole (see {@link #evict(File)}).
     *
     * @param file the file
     * @param offset the offset of the range's first byte
     * @param length the range's length in bytes; 0 means to the end of the file
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static void evict(File file, long offset, long length) throws IOException {
        ObjectUtil.checkNotNull(file, "file");
        checkRange(offset, length);
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            channel.force(false);
            try {
                Native.check("posix_fadvise",
                        Native.fadvise(AioFiles.fd(channel), offset, length, Native.POSIX_FADV_DONTNEED));
            } finally {
                ResidencyMemo.evicted();
            }
        }
    }

    /**
     * Drops the clean pages of {@code [offset, offset + length)} from the page cache ({@code length} 0: to the end
     * of the file), as far as the kernel takes the advice (see {@link #evict(File)}). Dirty pages stay until written
     * back.
     *
     * @param fd an open descriptor of the file
     * @param offset the offset of the range's first byte
     * @param length the range's length in bytes; 0 means to the end of the file
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static void evict(FileDescriptor fd, long offset, long length) throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        checkRange(offset, length);
        try {
            Native.check("posix_fadvise",
                    Native.fadvise(fd.intValue(), offset, length, Native.POSIX_FADV_DONTNEED));
        } finally {
            ResidencyMemo.evicted();
        }
    }

    private static void checkRange(long offset, long length) {
        ObjectUtil.checkPositiveOrZero(offset, "offset");
        ObjectUtil.checkPositiveOrZero(length, "length");
        if (offset + length < 0) {
            throw new IllegalArgumentException("offset + length overflows: " + offset + " + " + length);
        }
    }

    private static final class Holder {
        static final boolean CACHESTAT = SystemPropertyUtil.getBoolean("io.netty.contrib.aio.cachestat", true)
                && probe();

        private static boolean probe() {
            // fd 0 may be anything; ENOSYS is the only answer that means "no cachestat".
            return Native.cachedPages(0, 0, 1) != -Native.ENOSYS;
        }
    }
}
