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
package io.netty.contrib.channel.aio.example.file;

import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.DurationHistogram;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code --stats S}: every S seconds, one line about the last S seconds of the server's event loops (made with
 * {@link AioMetrics#measured}): how busy they were, their longest iterations and lag, and what AIO read. Sampled on a
 * thread of its own, never on a loop. While the server is idle (loops busy less than 5 %, nothing read) one line says
 * so, and no more come until it works again.
 */
final class ServerStats {

    private final AioMetrics metrics;
    private final Consumer<String> out;
    private ScheduledExecutorService timer;
    private Sample last;
    private boolean saidIdle;

    ServerStats(EventExecutorGroup group, Consumer<String> out) {
        metrics = AioMetrics.of(group);
        this.out = out;
        last = new Sample(metrics);
    }

    /** The loops' metrics: a view made while they ran, so it keeps their counts after they terminated. */
    AioMetrics metrics() {
        return metrics;
    }

    /** Prints a line every {@code seconds} from now on. */
    void start(int seconds) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "file-server-stats");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            String line = next();
            if (line != null) {
                out.accept(line);
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /**
     * The line about the time since the last one (or since this was made); {@code null} while the server stays idle
     * after a line that said so.
     */
    synchronized String next() {
        Sample now = new Sample(metrics);
        boolean idle = isIdle(last, now, metrics.loopCount());
        String line = idle && saidIdle ? null : describe(last, now, metrics.loopCount()) + (idle ? " (idle)" : "");
        saidIdle = idle;
        last = now;
        return line;
    }

    /**
     * Loops busy less than 5 % (an idle loop still runs its timers) and nothing read or sent from the page cache
     * between the two samples.
     */
    static boolean isIdle(Sample from, Sample to, int loops) {
        double wall = (to.nanoTime - from.nanoTime) * (double) Math.max(1, loops);
        return to.aioBytes == from.aioBytes && to.pageCacheBytes == from.pageCacheBytes
                && to.fallbacks == from.fallbacks && (to.io - from.io + to.tasks - from.tasks) < wall / 20;
    }

    /** What the loops did between two samples. */
    static String describe(Sample from, Sample to, int loops) {
        double wall = (to.nanoTime - from.nanoTime) * (double) loops;
        DurationHistogram iterations = to.iterations.since(from.iterations);
        DurationHistogram lag = to.lag.since(from.lag);
        StringBuilder sb = new StringBuilder("Stats, last ")
                .append(Math.round((to.nanoTime - from.nanoTime) / 1e9)).append(" s: ");
        if (iterations.count() == 0) {
            sb.append("no loop iteration ended");
        } else {
            sb.append(String.format(Locale.ROOT, "loops busy %.0f %% (I/O %.0f %%, tasks %.0f %%), ",
                    100 * (to.io - from.io + to.tasks - from.tasks) / wall, 100 * (to.io - from.io) / wall,
                    100 * (to.tasks - from.tasks) / wall))
                    .append(iterations.count()).append(" iterations: p99 ").append(ms(iterations.nanosAt(0.99)))
                    .append(", max ").append(ms(iterations.maxNanos()));
        }
        if (lag.count() > 0) {
            sb.append("; lag p99 ").append(ms(lag.nanosAt(0.99))).append(", max ").append(ms(lag.maxNanos()));
        }
        return sb.append("; AIO read ").append(mib(to.aioBytes - from.aioBytes)).append(", page cache ")
                .append(mib(to.pageCacheBytes - from.pageCacheBytes)).append(", fallbacks ")
                .append(to.fallbacks - from.fallbacks).toString();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** The figures at one moment. */
    static final class Sample {
        final long nanoTime = System.nanoTime();
        final DurationHistogram iterations;
        final DurationHistogram lag;
        final long io;
        final long tasks;
        final long aioBytes;
        final long pageCacheBytes;
        final long fallbacks;

        Sample(AioMetrics m) {
            iterations = m.loopIterations();
            lag = m.loopLag();
            io = m.loopIoNanos();
            tasks = m.loopTaskNanos();
            aioBytes = m.bytesRead();
            pageCacheBytes = m.pageCacheBytes();
            fallbacks = m.fallbacks();
        }
    }
}
