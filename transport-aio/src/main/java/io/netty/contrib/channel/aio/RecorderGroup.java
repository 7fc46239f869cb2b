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

import io.netty.contrib.channel.aio.AioMetrics.Fallback;
import io.netty.contrib.channel.aio.LoopRecorder.Figure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The loops an {@link AioMetrics} view reads, one or a group's, and how their figures combine: counters and gauges
 * summed, maxima and quantiles the highest of the loops', histograms added together. Reads each loop's figures as
 * {@link LoopRecorder} publishes them, from any thread.
 */
final class RecorderGroup {

    private static final Fallback[] REASONS = Fallback.values();

    private final LoopRecorder[] loops;

    RecorderGroup(LoopRecorder... loops) {
        this.loops = loops;
    }

    int size() {
        return loops.length;
    }

    /** A figure of the loops: their sum, or for a maximum, the highest of theirs. */
    long figure(Figure figure) {
        long value = 0;
        for (LoopRecorder loop : loops) {
            long own = loop.get(figure);
            value = figure.max ? Math.max(value, own) : value + own;
        }
        return value;
    }

    /** The loops' fallbacks for {@code reason}, summed. */
    long fallbacks(Fallback reason) {
        long total = 0;
        for (LoopRecorder loop : loops) {
            total += loop.fallbacks(reason);
        }
        return total;
    }

    /** The fallback counts by {@link Fallback#ordinal()}. */
    long[] fallbacksByReason() {
        long[] counts = new long[REASONS.length];
        for (Fallback reason : REASONS) {
            counts[reason.ordinal()] = fallbacks(reason);
        }
        return counts;
    }

    /** The highest of the loops' longest lags. */
    long maxLagNanos() {
        return highest(loop -> loop.lag().maxNanos());
    }

    /** The highest of the loops' lag quantiles, so that one lagging loop is not averaged away by idle ones. */
    long lagNanosAt(double quantile) {
        return highest(loop -> loop.lag().nanosAt(quantile));
    }

    private long highest(ToLongFunction<LoopRecorder> value) {
        long max = 0;
        for (LoopRecorder loop : loops) {
            max = Math.max(max, value.applyAsLong(loop));
        }
        return max;
    }

    /** A histogram of the loops: one loop's, or theirs together. */
    DurationHistogram histogram(Function<LoopRecorder, DurationHistogram> histogram) {
        if (loops.length == 1) {
            return histogram.apply(loops[0]);
        }
        List<DurationHistogram> all = new ArrayList<>(loops.length);
        for (LoopRecorder loop : loops) {
            all.add(histogram.apply(loop));
        }
        return DurationHistogram.sum(all);
    }

    /**
     * The one-line summary of {@link AioMetrics#toString()}: every figure, the loop's lag and iterations when
     * measured, and the fallbacks with the reasons taken.
     */
    String summary(boolean group) {
        StringBuilder sb = new StringBuilder("AioMetrics(");
        if (group) {
            sb.append("loops: ").append(loops.length).append(", ");
        }
        String sep = "";
        for (Figure figure : Figure.values()) {
            if (figure != Figure.LOOP_IO_NANOS && figure != Figure.LOOP_TASK_NANOS) {
                sb.append(sep).append(figure.label).append(": ").append(figure(figure));
                sep = ", ";
            }
        }
        if (histogram(LoopRecorder::lag).count() > 0) {
            sb.append(", loop lag p99: ").append(lagNanosAt(0.99) / 1000).append(" µs, max: ")
                    .append(maxLagNanos() / 1000).append(" µs");
        } else {
            sb.append(", loop lag: not measured");
        }
        DurationHistogram iterations = histogram(LoopRecorder::iterations);
        if (iterations.count() > 0) {
            sb.append(", loop iterations: ").append(iterations.count()).append(", p99: ")
                    .append(iterations.nanosAt(0.99) / 1000).append(" µs, max: ").append(iterations.maxNanos() / 1000)
                    .append(" µs, handling I/O: ").append(figure(Figure.LOOP_IO_NANOS) / 1000)
                    .append(" µs, running tasks: ").append(figure(Figure.LOOP_TASK_NANOS) / 1000).append(" µs");
        }
        long[] byReason = fallbacksByReason();
        long total = 0;
        for (long n : byReason) {
            total += n;
        }
        sb.append(", fallbacks: ").append(total);
        if (total > 0) {
            sep = " {";
            for (Fallback reason : REASONS) {
                long n = byReason[reason.ordinal()];
                if (n > 0) {
                    sb.append(sep).append(reason).append('=').append(n);
                    sep = ", ";
                }
            }
            sb.append('}');
        }
        return sb.append(')').toString();
    }
}
