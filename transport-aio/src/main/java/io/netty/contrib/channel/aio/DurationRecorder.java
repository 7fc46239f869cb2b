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

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts durations into {@link DurationHistogram}'s buckets. One thread records (the loop's); any thread may take a
 * {@link #snapshot()}, which sees each bucket whole, though a duration being recorded may be in the total and the
 * maximum and not yet in its bucket.
 */
final class DurationRecorder {

    private final AtomicLongArray counts = new AtomicLongArray(DurationHistogram.BUCKETS);
    private volatile long totalNanos;
    private volatile long maxNanos;

    /**
     * Counts one duration; on the recording thread only. The maximum and the total are stored before the count, and
     * a snapshot reads them after the counts: a duration a snapshot counts is in its maximum.
     */
    void record(long nanos) {
        long d = Math.max(0, nanos);
        if (d > maxNanos) {
            maxNanos = d;
        }
        totalNanos += d;
        int b = DurationHistogram.bucket(d);
        counts.lazySet(b, counts.get(b) + 1);
    }

    long maxNanos() {
        return maxNanos;
    }

    DurationHistogram snapshot() {
        long[] copy = new long[DurationHistogram.BUCKETS];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        long total = totalNanos;
        return new DurationHistogram(copy, total, maxNanos);
    }
}
