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

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationHistogramTest {

    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void everyDurationFallsInABucketAtMostAnEighthWide() {
        int last = -1;
        for (long v = 0; v < (1L << 42); v = v < 64 ? v + 1 : v + v / 7 + 1) {
            int b = DurationHistogram.bucket(v);
            assertTrue(b >= last, "buckets grow with the duration: " + v);
            last = b;
            if (b == DurationHistogram.BUCKETS - 1) {
                assertTrue(v >= DurationHistogram.lowerBound(b), "last bucket: " + v);
                continue;
            }
            assertTrue(DurationHistogram.lowerBound(b) <= v && v < DurationHistogram.upperBound(b),
                    v + " in [" + DurationHistogram.lowerBound(b) + ", " + DurationHistogram.upperBound(b) + ')');
            if (v >= 8) {
                long width = DurationHistogram.upperBound(b) - DurationHistogram.lowerBound(b);
                assertTrue(width * 8 <= DurationHistogram.lowerBound(b), "width of the bucket of " + v);
            }
        }
        assertEquals(DurationHistogram.BUCKETS - 1, DurationHistogram.bucket(Long.MAX_VALUE));
        assertEquals(0, DurationHistogram.bucket(-5), "a clock step back counts as 0");
    }

    @Test
    void quantilesAreUpperBoundsWithinAnEighth() {
        DurationRecorder recorder = new DurationRecorder();
        for (long us = 1; us <= 1000; us++) {
            recorder.record(us * US);
        }
        DurationHistogram h = recorder.snapshot();
        assertEquals(1000, h.count());
        assertEquals(500_500 * US, h.totalNanos());
        assertEquals(1000 * US, h.maxNanos());
        assertBetween(500 * US, h.nanosAt(0.5), 500 * US * 9 / 8);
        assertBetween(990 * US, h.nanosAt(0.99), 1000 * US);
        assertEquals(1000 * US, h.nanosAt(1), "never above the max");
        assertBetween(US, h.nanosAt(0), US * 9 / 8);
        assertThrows(IllegalArgumentException.class, () -> h.nanosAt(1.01));
        assertThrows(IllegalArgumentException.class, () -> h.nanosAt(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> h.nanosAt(-0.1));
    }

    @Test
    void countAtLeastCountsTheBucketOfTheBoundInFull() {
        DurationRecorder recorder = new DurationRecorder();
        recorder.record(100 * US);
        recorder.record(9 * MS);
        recorder.record(11 * MS);
        recorder.record(40 * MS);
        DurationHistogram h = recorder.snapshot();
        assertEquals(2, h.countAtLeast(10 * MS));
        assertEquals(3, h.countAtLeast(9 * MS));
        assertEquals(4, h.countAtLeast(0));
        assertEquals(0, h.countAtLeast(50 * MS));
    }

    @Test
    void aWindowHoldsOnlyWhatCameAfterTheEarlierSnapshot() {
        DurationRecorder recorder = new DurationRecorder();
        recorder.record(30 * MS);
        recorder.record(5 * US);
        DurationHistogram before = recorder.snapshot();
        recorder.record(2 * MS);
        recorder.record(7 * US);
        DurationHistogram after = recorder.snapshot();
        DurationHistogram window = after.since(before);
        assertEquals(2, window.count());
        assertEquals(2 * MS + 7 * US, window.totalNanos());
        // The longest of the window (2 ms) is not the snapshot's max (30 ms): its bucket's bound stands in for it.
        assertBetween(2 * MS, window.maxNanos(), 2 * MS * 9 / 8);
        assertBetween(2 * MS, window.nanosAt(1), 2 * MS * 9 / 8);
        assertEquals(1, window.countAtLeast(MS));

        recorder.record(50 * MS);
        DurationHistogram later = recorder.snapshot().since(after);
        assertEquals(50 * MS, later.maxNanos(), "a new longest duration is exact");
        assertEquals(0, after.since(after).count());
        assertEquals(0, after.since(after).maxNanos());
        assertThrows(IllegalArgumentException.class, () -> before.since(after));
    }

    @Test
    void aSumIsBucketByBucket() {
        DurationRecorder a = new DurationRecorder();
        DurationRecorder b = new DurationRecorder();
        a.record(MS);
        b.record(3 * MS);
        b.record(3 * MS);
        DurationHistogram sum = DurationHistogram.sum(List.of(a.snapshot(), b.snapshot()));
        assertEquals(3, sum.count());
        assertEquals(7 * MS, sum.totalNanos());
        assertEquals(3 * MS, sum.maxNanos());
        assertBetween(3 * MS, sum.nanosAt(0.5), 3 * MS);
    }

    @Test
    void toStringReadsInUnits() {
        DurationRecorder recorder = new DurationRecorder();
        assertEquals("count 0", recorder.snapshot().toString());
        recorder.record(850);
        recorder.record(3_500 * US);
        String s = recorder.snapshot().toString();
        assertTrue(s.startsWith("count 2, mean 1.8 ms, p50 "), s);
        assertTrue(s.endsWith(", max 3.5 ms"), s);
    }

    private static void assertBetween(long low, long actual, long high) {
        assertTrue(low <= actual && actual <= high, actual + " not in [" + low + ", " + high + ']');
    }
}
