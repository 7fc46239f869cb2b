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

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.SystemPropertyUtil;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ranges of files that one event loop found wholly in the page cache moments ago, so that a file asked for again
 * soon needs no second {@code cachestat(2)}: on a 1 MiB region that call walks 256 page-cache entries and was the
 * largest cost the page-cache route added to a request that {@code sendfile} alone would serve.
 * <p>
 * An entry serves only the version (device, inode, size, modification time) and the range it was checked for, only
 * for {@link #windowNanos()} after the check (it is not renewed by hits, so every file is checked in full again at
 * least that often), and only while no {@link PageCache#evict} ran in this process. The caller still reads the
 * range's first and last byte with {@code RWF_NOWAIT} on a hit: those catch the usual ways a file leaves the page
 * cache (eviction of the whole file, which reclaim starts with its least recently read, first pages; a truncation),
 * and a page whose data is still on its way. The window is {@code io.netty.contrib.aio.residencyWindowMillis}
 * (1000 by default; 0 checks every request in full).
 * <p>
 * Fixed memory: a direct-mapped table of {@value #SLOTS} entries per event loop; a file whose slot is taken by
 * another is simply checked in full. Used on its event loop's thread only.
 */
final class ResidencyMemo {

    static final int SLOTS = 4096;

    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(
            Math.max(0, SystemPropertyUtil.getLong("io.netty.contrib.aio.residencyWindowMillis", 1000)));

    private static final FastThreadLocal<ResidencyMemo> CURRENT = new FastThreadLocal<ResidencyMemo>() {
        @Override
        protected ResidencyMemo initialValue() {
            return new ResidencyMemo(WINDOW_NANOS);
        }
    };

    /** Bumped after every eviction through {@link PageCache}: entries made before it are void. */
    private static final AtomicLong EVICTIONS = new AtomicLong();

    private final long windowNanos;
    private final long[] device = new long[SLOTS];
    private final long[] inode = new long[SLOTS];
    private final long[] size = new long[SLOTS];
    private final long[] mtime = new long[SLOTS];
    private final long[] start = new long[SLOTS];
    /** 0 in an empty slot: a checked range is never empty. */
    private final long[] end = new long[SLOTS];
    private final long[] checkedAt = new long[SLOTS];
    private final long[] evictionsAt = new long[SLOTS];

    ResidencyMemo(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** The memo of the calling thread (an event loop's). */
    static ResidencyMemo current() {
        return CURRENT.get();
    }

    /** Voids every entry of every loop: pages may have left the page cache. */
    static void evicted() {
        EVICTIONS.incrementAndGet();
    }

    /** How long an entry serves after its check. */
    long windowNanos() {
        return windowNanos;
    }

    /**
     * {@code true} if {@code [from, to)} of the file at version {@code stat} was found wholly resident less than the
     * window before {@code now}, and nothing was evicted through {@link PageCache} since.
     */
    boolean covers(FileStat stat, long from, long to, long now) {
        int i = slot(stat);
        return to <= end[i] && from >= start[i] && inode[i] == stat.inode && device[i] == stat.device
                && size[i] == stat.size && mtime[i] == stat.mtimeNanos && now - checkedAt[i] < windowNanos
                && evictionsAt[i] == EVICTIONS.get();
    }

    /** Notes that {@code [from, to)} of the file at version {@code stat} was found wholly resident at {@code now}. */
    void resident(FileStat stat, long from, long to, long now) {
        if (windowNanos == 0 || to <= from) {
            return;
        }
        int i = slot(stat);
        device[i] = stat.device;
        inode[i] = stat.inode;
        size[i] = stat.size;
        mtime[i] = stat.mtimeNanos;
        start[i] = from;
        end[i] = to;
        checkedAt[i] = now;
        evictionsAt[i] = EVICTIONS.get();
    }

    /** Drops what is known of the file: part of it turned out not to be resident. */
    void forget(FileStat stat) {
        int i = slot(stat);
        if (inode[i] == stat.inode && device[i] == stat.device) {
            end[i] = 0;
        }
    }

    private static int slot(FileStat stat) {
        long h = (stat.inode ^ stat.device * 0xC2B2AE3D27D4EB4FL) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 52) & (SLOTS - 1);
    }
}
