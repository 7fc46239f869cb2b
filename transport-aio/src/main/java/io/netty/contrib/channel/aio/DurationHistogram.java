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

import io.netty.util.internal.ObjectUtil;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A snapshot of durations (loop iterations, loop lag) counted in buckets: 8 per power of two, so a quantile is
 * reported as an upper bound at most 12.5 % above the real value (and never above the largest duration seen).
 * Durations under 8 ns have a bucket each; from about 34 minutes on, all share the last one.
 *
 * <p>A snapshot never changes. The metrics count from the loop's start; {@link #since(DurationHistogram)} gives the
 * durations of a window, for example between two scrapes.
 */
public final class DurationHistogram {

    /** Sub-buckets per power of two, as a power of two. */
    private static final int SUB_BITS = 3;
    private static final int SUBS = 1 << SUB_BITS;
    /** The largest power of two with buckets of its own: 2^40 ns, about 18 minutes (the last from ~34 minutes). */
    private static final int MAX_EXPONENT = 40;
    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUBS;

    private final long[] counts;
    private final long count;
    private final long totalNanos;
    private final long maxNanos;

    DurationHistogram(long[] counts, long totalNanos, long maxNanos) {
        this.counts = counts;
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        count = n;
        this.totalNanos = totalNanos;
        this.maxNanos = n == 0 ? 0 : maxNanos;
    }

    /** The bucket of a duration of {@code nanos}. */
    static int bucket(long nanos) {
        if (nanos < SUBS) {
            return (int) Math.max(0, nanos);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        return (exponent - SUB_BITS + 1) * SUBS + (int) ((nanos >>> (exponent - SUB_BITS)) & (SUBS - 1));
    }

    /** The smallest duration of bucket {@code b}. */
    static long lowerBound(int b) {
        if (b < SUBS) {
            return b;
        }
        int exponent = b / SUBS + SUB_BITS - 1;
        return (long) (SUBS + b % SUBS) << (exponent - SUB_BITS);
    }

    /** The smallest duration above bucket {@code b}: its durations are below it. */
    static long upperBound(int b) {
        return b == BUCKETS - 1 ? Long.MAX_VALUE : lowerBound(b + 1);
    }

    /** The sum of {@code histograms}, bucket by bucket; the largest of their maxima. */
    static DurationHistogram sum(List<DurationHistogram> histograms) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        long max = 0;
        for (DurationHistogram h : histograms) {
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] += h.counts[i];
            }
            total += h.totalNanos;
            max = Math.max(max, h.maxNanos);
        }
        return new DurationHistogram(counts, total, max);
    }

    /**
     * How many durations were counted.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The sum of the durations.
     *
     * @return nanoseconds
     */
    public long totalNanos() {
        return totalNanos;
    }

    /**
     * The longest duration: exact in a snapshot of the metrics; in a {@link #since window}, exact when the window
     * saw a new longest duration, else just below the upper bound of its highest bucket.
     *
     * @return nanoseconds; 0 when nothing was counted
     */
    public long maxNanos() {
        return maxNanos;
    }

    /**
     * The duration below which a fraction {@code quantile} of the durations fell, as the upper bound of its bucket
     * (at most 12.5 % above it, and never above {@link #maxNanos()}).
     *
     * @param quantile from 0 to 1, for example 0.99
     * @return nanoseconds; 0 when nothing was counted
     * @throws IllegalArgumentException if {@code quantile} is not within 0..1
     */
    public long nanosAt(double quantile) {
        checkQuantile(quantile);
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), maxNanos);
            }
        }
        return maxNanos;
    }

    static void checkQuantile(double quantile) {
        if (!(quantile >= 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile: " + quantile + " (expected: 0..1)");
        }
    }

    /**
     * How many durations were at least {@code nanos} long, to the precision of the buckets: the durations of the
     * bucket that holds {@code nanos} count in full.
     *
     * @param nanos the bound
     * @return the count
     */
    public long countAtLeast(long nanos) {
        long n = 0;
        for (int i = bucket(nanos); i < BUCKETS; i++) {
            n += counts[i];
        }
        return n;
    }

    /**
     * The durations counted after {@code earlier}, a snapshot of the same metrics taken before this one.
     *
     * @param earlier the earlier snapshot
     * @return the durations of the window between the two snapshots
     * @throws IllegalArgumentException if {@code earlier} has counts this snapshot does not (it is not an earlier
     *                                  snapshot of the same metrics)
     */
    public DurationHistogram since(DurationHistogram earlier) {
        ObjectUtil.checkNotNull(earlier, "earlier");
        long[] window = new long[BUCKETS];
        int highest = -1;
        for (int i = 0; i < BUCKETS; i++) {
            window[i] = counts[i] - earlier.counts[i];
            if (window[i] < 0) {
                throw new IllegalArgumentException("not an earlier snapshot of the same durations");
            }
            if (window[i] > 0) {
                highest = i;
            }
        }
        long max;
        if (highest < 0) {
            max = 0;
        } else if (maxNanos > earlier.maxNanos && window[bucket(maxNanos)] > 0) {
            max = maxNanos;
        } else {
            max = Math.min(upperBound(highest) - 1, maxNanos);
        }
        return new DurationHistogram(window, totalNanos - earlier.totalNanos, max);
    }

    /**
     * For example {@code count 1200, mean 35 µs, p50 12 µs, p99 1.1 ms, p99.9 4.2 ms, max 6.3 ms}.
     *
     * @return a one-line summary
     */
    @Override
    public String toString() {
        if (count == 0) {
            return "count 0";
        }
        return "count " + count + ", mean " + format(totalNanos / count) + ", p50 " + format(nanosAt(0.5))
                + ", p99 " + format(nanosAt(0.99)) + ", p99.9 " + format(nanosAt(0.999)) + ", max "
                + format(maxNanos);
    }

    /** A duration in the unit that suits it: {@code 850 ns}, {@code 35 µs}, {@code 1.1 ms}, {@code 2.5 s}. */
    static String format(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return nanos / 1_000 + " µs";
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DurationHistogram)) {
            return false;
        }
        DurationHistogram h = (DurationHistogram) o;
        return totalNanos == h.totalNanos && maxNanos == h.maxNanos && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Long.hashCode(totalNanos);
    }
}
