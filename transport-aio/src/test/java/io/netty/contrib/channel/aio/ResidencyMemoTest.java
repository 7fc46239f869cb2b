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

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link ResidencyMemo} answers: only the same version and range of a file, only within its window. */
class ResidencyMemoTest {

    private static final long WINDOW = TimeUnit.SECONDS.toNanos(1);
    private static final long NOW = 1_000_000_000_000L;

    /** A statx result as {@link FileStat} reads it (see netty_aio_statx0). */
    private static FileStat stat(long inode, long size, long mtimeSeconds) {
        long[] out = new long[FileStat.SLOTS];
        out[3] = 253; // device major
        out[4] = 1;   // device minor
        out[6] = size;
        out[7] = inode;
        out[8] = mtimeSeconds;
        return new FileStat(out);
    }

    @Test
    void aCheckedRangeIsCoveredWithinTheWindowOnly() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        FileStat file = stat(12, 1 << 20, 100);
        assertFalse(memo.covers(file, 0, 1 << 20, NOW), "nothing checked yet");
        memo.resident(file, 0, 1 << 20, NOW);
        assertTrue(memo.covers(file, 0, 1 << 20, NOW));
        assertTrue(memo.covers(file, 4096, 8192, NOW + WINDOW - 1), "a part of the range, just inside the window");
        assertFalse(memo.covers(file, 0, 1 << 20, NOW + WINDOW), "the window is over: check again");
    }

    @Test
    void hitsDoNotExtendTheWindow() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        FileStat file = stat(12, 1 << 20, 100);
        memo.resident(file, 0, 1 << 20, NOW);
        for (long t = NOW; t < NOW + WINDOW; t += WINDOW / 4) {
            assertTrue(memo.covers(file, 0, 1 << 20, t));
        }
        assertFalse(memo.covers(file, 0, 1 << 20, NOW + WINDOW));
    }

    @Test
    void onlyTheCheckedRangeIsCovered() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        FileStat file = stat(12, 1 << 20, 100);
        memo.resident(file, 4096, 65536, NOW);
        assertTrue(memo.covers(file, 4096, 65536, NOW));
        assertFalse(memo.covers(file, 0, 65536, NOW), "starts before the checked range");
        assertFalse(memo.covers(file, 4096, 65537, NOW), "ends after the checked range");
    }

    @Test
    void anotherVersionOfTheFileIsNotCovered() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        memo.resident(stat(12, 1 << 20, 100), 0, 1 << 20, NOW);
        assertFalse(memo.covers(stat(12, 1 << 20, 101), 0, 1 << 20, NOW), "changed in place: new mtime");
        assertFalse(memo.covers(stat(12, 2 << 20, 100), 0, 1 << 20, NOW), "changed in place: new size");
        assertFalse(memo.covers(stat(13, 1 << 20, 100), 0, 1 << 20, NOW), "another inode (replaced on disk)");
    }

    @Test
    void forgettingAFileDropsItsEntry() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        FileStat file = stat(12, 1 << 20, 100);
        memo.resident(file, 0, 1 << 20, NOW);
        memo.forget(file);
        assertFalse(memo.covers(file, 0, 1 << 20, NOW));
    }

    @Test
    void anEvictionThroughPageCacheVoidsEveryEntry() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        FileStat file = stat(12, 1 << 20, 100);
        memo.resident(file, 0, 1 << 20, NOW);
        ResidencyMemo.evicted();
        assertFalse(memo.covers(file, 0, 1 << 20, NOW));
        memo.resident(file, 0, 1 << 20, NOW);
        assertTrue(memo.covers(file, 0, 1 << 20, NOW), "checked again after the eviction");
    }

    @Test
    void aZeroWindowRemembersNothing() {
        ResidencyMemo memo = new ResidencyMemo(0);
        FileStat file = stat(12, 1 << 20, 100);
        memo.resident(file, 0, 1 << 20, NOW);
        assertFalse(memo.covers(file, 0, 1 << 20, NOW));
    }

    @Test
    void filesSharingASlotDisplaceEachOther() {
        ResidencyMemo memo = new ResidencyMemo(WINDOW);
        FileStat first = stat(1, 4096, 100);
        memo.resident(first, 0, 4096, NOW);
        FileStat other = null;
        for (long inode = 2; other == null; inode++) {
            FileStat candidate = stat(inode, 4096, 100);
            memo.resident(candidate, 0, 4096, NOW);
            if (!memo.covers(first, 0, 4096, NOW)) {
                other = candidate;
            }
        }
        assertTrue(memo.covers(other, 0, 4096, NOW));
        assertFalse(memo.covers(first, 0, 4096, NOW), "a displaced file is checked in full again");
    }
}
