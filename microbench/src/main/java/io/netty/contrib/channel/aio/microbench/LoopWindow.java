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
package io.netty.contrib.channel.aio.microbench;

import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.DurationHistogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server's event loops did in a measured window, written by {@link MeteredFileServer} and read by the load
 * benchmark: where a request of the probe could have waited inside the server. All times in milliseconds.
 * <ul>
 *   <li>iterations: the busy time of each loop iteration (I/O events plus tasks), its p99 and max, how many took
 *   5 ms or more, and how busy the loops were over the window;</li>
 *   <li>lag: how late a task scheduled every 10 ms ran (an iteration in progress, and the thread waiting for a
 *   core, both show here);</li>
 *   <li>GC: the JVM's stop-the-world pauses in the window;</li>
 *   <li>AIO memory: the chunk buffers in use at the window's end ({@link AioMetrics#memoryUsed()}, summed over the
 *   loops) and the most ever in use at once since the server started ({@link AioMetrics#maxMemoryUsed()}, the
 *   highest loop's), in MiB; 0 where no AIO handler ran (sendfile, chunked).</li>
 * </ul>
 */
final class LoopWindow {

    private static final double MS = 1e6;
    private static final double MIB = 1 << 20;

    final Map<String, Double> values;

    private LoopWindow(Map<String, Double> values) {
        this.values = values;
    }

    LoopWindow(Snapshot from, Snapshot to, int loops, List<Long> sortedLag, List<Long> sortedGcPauses) {
        DurationHistogram it = to.iterations.since(from.iterations);
        double wall = (double) (to.nanoTime - from.nanoTime) * loops;
        values = new LinkedHashMap<>();
        values.put("iterations", (double) it.count());
        values.put("iteration_p99_ms", it.nanosAt(0.99) / MS);
        values.put("iteration_max_ms", it.maxNanos() / MS);
        values.put("iterations_over_5ms", (double) it.countAtLeast(5_000_000));
        values.put("busy_pct", 100 * (to.io - from.io + to.tasks - from.tasks) / wall);
        values.put("io_pct", 100 * (to.io - from.io) / wall);
        values.put("lag_p99_ms", quantile(sortedLag, 0.99) / MS);
        values.put("lag_max_ms", sortedLag.isEmpty() ? Double.NaN : sortedLag.get(sortedLag.size() - 1) / MS);
        values.put("gc_pauses", (double) sortedGcPauses.size());
        values.put("gc_total_ms", sortedGcPauses.stream().mapToLong(Long::longValue).sum() / MS);
        values.put("gc_max_ms", sortedGcPauses.isEmpty() ? 0 : sortedGcPauses.get(sortedGcPauses.size() - 1) / MS);
        values.put("aio_memory_used_mib", to.memoryUsed / MIB);
        values.put("aio_memory_max_mib", to.maxMemoryUsed / MIB);
    }

    double get(String key) {
        Double v = values.get(key);
        return v == null ? Double.NaN : v;
    }

    String format() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append('=').append(String.format(Locale.ROOT, "%.4f", v))
                .append('\n'));
        return sb.toString();
    }

    static LoopWindow read(Path file) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
            }
        }
        return new LoopWindow(values);
    }

    /** The nearest-rank quantile of sorted samples, or NaN for none. */
    static double quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The loops' figures at one moment. */
    static final class Snapshot {
        final long nanoTime = System.nanoTime();
        final DurationHistogram iterations;
        final long io;
        final long tasks;
        final long memoryUsed;
        final long maxMemoryUsed;

        Snapshot(AioMetrics metrics) {
            iterations = metrics.loopIterations();
            io = metrics.loopIoNanos();
            tasks = metrics.loopTaskNanos();
            memoryUsed = metrics.memoryUsed();
            maxMemoryUsed = metrics.maxMemoryUsed();
        }
    }
}
