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

/**
 * How often each file was asked for lately, in fixed memory whatever the number of files: a count-min sketch of
 * four rows of 4-bit counters (kept in bytes) that all halve after every {@code 10 × width} additions, so that old
 * popularity fades. An estimate never undercounts what was added since the last halving; it may overcount when
 * files collide in every row. Used on one thread.
 */
final class FrequencySketch {

    private static final int DEPTH = 4;
    private static final int MAX = 15;
    private static final long[] SEEDS = {0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L,
        0xD6E8FEB86659FD93L};

    private final byte[] counters;
    private final int mask;
    private final int sampleSize;
    private int additions;

    /** @param width counters per row, a power of two */
    FrequencySketch(int width) {
        if (width < 16 || Integer.bitCount(width) != 1) {
            throw new IllegalArgumentException("width: " + width + " (expected: a power of two, at least 16)");
        }
        counters = new byte[DEPTH * width];
        mask = width - 1;
        sampleSize = 10 * width;
    }

    /** Counts one more request for {@code key} and returns its estimated count, this one included. */
    int add(long key) {
        int estimate = MAX;
        for (int row = 0; row < DEPTH; row++) {
            int i = index(key, row);
            int c = counters[i];
            if (c < MAX) {
                counters[i] = (byte) ++c;
            }
            estimate = Math.min(estimate, c);
        }
        if (++additions >= sampleSize) {
            halve();
        }
        return estimate;
    }

    /** The estimated count of {@code key}, without counting. */
    int estimate(long key) {
        int estimate = MAX;
        for (int row = 0; row < DEPTH; row++) {
            estimate = Math.min(estimate, counters[index(key, row)]);
        }
        return estimate;
    }

    private int index(long key, int row) {
        long h = (key + SEEDS[row]) * SEEDS[(row + 1) & (DEPTH - 1)];
        h ^= h >>> 29;
        return row * (mask + 1) + ((int) h & mask);
    }

    private void halve() {
        additions = 0;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = (byte) (counters[i] >>> 1);
        }
    }
}
