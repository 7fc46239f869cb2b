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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of a JVM's JIT compiler threads over a window: {@code utime + stime} of every thread under
 * {@code /proc/<pid>/task} whose name ({@code comm}) starts with {@code C1 Compiler} or {@code C2 Compiler}
 * (HotSpot's {@code C1 CompilerThread0}, cut to 15 bytes). HotSpot starts and stops compiler threads as the queue
 * grows and empties, and an exited thread's time is no longer listed, so a daemon thread samples every 200 ms and
 * keeps each thread's last figure: a thread born in the window counts from zero, and one that exits in it loses at
 * most its last 200 ms (it exits after being idle). Nothing for a process without such threads (nginx).
 */
final class CompilerCpu implements AutoCloseable {
    private static final long PERIOD_MILLIS = 200;

    private final List<Long> pids;
    /** Per thread id: {@code [C2 ? 1 : 0, CPU nanos at the window's start, CPU nanos last seen]}. */
    private final Map<Long, long[]> threads = new HashMap<>();
    private final Thread sampler;
    private volatile boolean stop;

    private CompilerCpu(List<Long> pids) {
        this.pids = pids;
        sample(true);
        sampler = new Thread(this::run, "compiler-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts the window now, on the processes {@code pids}. */
    static CompilerCpu start(List<Long> pids) {
        return new CompilerCpu(pids);
    }

    private void run() {
        while (!stop) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sample(false);
        }
    }

    private void sample(boolean first) {
        for (long pid : pids) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid),
                    "task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = new String(Files.readAllBytes(task.resolve("stat")), StandardCharsets.US_ASCII);
                    } catch (IOException gone) {
                        continue; // the thread has exited since the listing
                    }
                    int kind = kind(ProcStats.statName(stat));
                    if (kind < 0) {
                        continue;
                    }
                    long nanos = ProcStats.statCpuNanos(ProcStats.statFields(stat));
                    long tid = Long.parseLong(task.getFileName().toString());
                    synchronized (threads) {
                        long[] t = threads.computeIfAbsent(tid, k -> new long[] {kind, first ? nanos : 0, 0});
                        t[2] = Math.max(t[2], nanos);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone: what was seen stands
            }
        }
    }

    /** 0 for a C1 compiler thread's name, 1 for C2's, -1 for any other thread. */
    static int kind(String comm) {
        if (comm.startsWith("C1 Compiler")) {
            return 0;
        }
        return comm.startsWith("C2 Compiler") ? 1 : -1;
    }

    /** Ends the window (a last sample now): milliseconds of CPU, {@code [C1, C2]}. */
    double[] stop() throws InterruptedException {
        stop = true;
        sampler.interrupt();
        sampler.join(1000);
        sample(false);
        double[] ms = new double[2];
        synchronized (threads) {
            for (long[] t : threads.values()) {
                ms[(int) t[0]] += (t[2] - t[1]) / 1e6;
            }
        }
        return ms;
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
    }
}
