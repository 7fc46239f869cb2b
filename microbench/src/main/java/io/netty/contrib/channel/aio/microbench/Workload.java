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

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What the clients ask for and how the page cache is prepared; each expands into the cells of one table. */
enum Workload {
    /** 1 MiB files, all in the page cache. */
    HOT,
    /**
     * 1 MiB files, every request a page-cache miss: a slice of the set walked again and again, each file evicted
     * just before its request (id {@code evicted-repeat}; {@code cold} is still accepted).
     */
    COLD,
    /** {@link #COLD} plus a 100-byte probe on its own connection every 10 ms. */
    ISOLATION,
    /** Zipf (s = 1.0) popularity over the 1 MiB set, from a cold start, the server in a memory cgroup. */
    ZIPF,
    /** The file size swept, hot and cold. */
    SIZE,
    /** The number of connections swept, hot and cold, one event loop and all cores. */
    SCALE,
    /** 1 MiB files, hot and cold, over HTTP/2 ({@code h2load}, h2c with prior knowledge). */
    H2,
    /** Generated HTML files ({@code --text-size}, 256 KiB), hot and cold, the server with {@code --gzip}. */
    GZIP,
    /**
     * 1 MiB files each asked for exactly once, in a random order, after {@code drop_caches}, by a JVM warmed up on
     * other files read once each ({@link FirstTouch}).
     */
    FIRST_TOUCH,
    /** {@link #FIRST_TOUCH} plus the 100-byte probe every 10 ms on its own connection, as {@link #ISOLATION}. */
    FIRST_TOUCH_PROBE,
    /**
     * Connections (or HTTP/2 streams) that ask for a cold 8 MiB file and never read it, and a few clients beside them
     * that fetch other cold 8 MiB files: how long a full body takes, and what the stall costs the server
     * ({@link StalledRun}).
     */
    STALLED;

    /** The workloads of a run without {@code --workloads}: all but first-touch and stalled, which are asked for. */
    static Set<Workload> defaults() {
        return EnumSet.complementOf(EnumSet.of(FIRST_TOUCH, FIRST_TOUCH_PROBE, STALLED));
    }

    static Workload parse(String name) {
        String id = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (id.equals("cold")) {
            return COLD;
        }
        for (Workload w : values()) {
            if (w.id().equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("--workloads: unknown workload '" + name + "' (hot, evicted-repeat or"
                + " cold, isolation, zipf, size, scale, h2, gzip, first-touch, first-touch-probe, stalled)");
    }

    /** The name in {@code --workloads}, the report's headings and its file names. */
    String id() {
        return this == COLD ? "evicted-repeat" : name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The cells of this workload, without their configuration. */
    List<Cell> cells(BenchOptions o) {
        List<Cell> cells = new ArrayList<>();
        long mib = 1L << 20;
        FileSet main = FileSet.of(o.dir, mib, o.filesOf(mib));
        switch (this) {
            case HOT:
                cells.add(new Cell(this, "1 MiB hot", main, false, o.connections, o.threads, o.duration, o.warmup));
                break;
            case COLD:
                cells.add(new Cell(this, "1 MiB evicted-repeat", main, true, o.connections, o.threads, o.duration,
                        o.warmup));
                break;
            case ISOLATION:
                cells.add(new Cell(this, "1 MiB cold + probe", main, true, o.connections, o.threads, o.duration,
                        o.warmup));
                break;
            case ZIPF:
                FileSet zipf = FileSet.of(o.dir, mib, Math.max(o.filesOf(mib), o.zipfFiles));
                cells.add(new Cell(this, "zipf " + o.zipfFiles + " x 1 MiB", zipf, true, o.connections, o.threads,
                        o.zipfDuration, 0));
                break;
            case SIZE:
                for (long size : o.sizes) {
                    FileSet set = FileSet.of(o.dir, size, o.filesOf(size));
                    for (boolean cold : new boolean[] {false, true}) {
                        cells.add(new Cell(this, BenchOptions.size(size) + (cold ? " cold" : " hot"), set, cold,
                                o.connections, o.threads, o.duration, o.warmup));
                    }
                }
                break;
            case H2:
                for (boolean cold : new boolean[] {false, true}) {
                    cells.add(new Cell(this, "1 MiB " + (cold ? "cold" : "hot"), main, cold, o.connections,
                            o.threads, o.duration, o.warmup));
                }
                break;
            case GZIP:
                FileSet text = FileSet.text(o.dir, o.textSize, o.filesOf(o.textSize));
                for (boolean cold : new boolean[] {false, true}) {
                    cells.add(new Cell(this, BenchOptions.size(o.textSize) + " text " + (cold ? "cold" : "hot"), text,
                            cold, o.connections, o.threads, o.duration, o.warmup));
                }
                break;
            case FIRST_TOUCH:
            case FIRST_TOUCH_PROBE:
                // One set: the warm-up's files, then the measured load's (which of them is random: FirstTouch).
                int warmupFiles = o.firstTouchWarmupFiles();
                FileSet once = FileSet.of(o.dir, mib, warmupFiles + o.firstTouchFiles());
                FileSet small = o.firstTouchJitWarmup > 0
                        ? FileSet.of(o.dir, 4096, BenchOptions.JIT_WARMUP_FILES) : null;
                cells.add(new Cell(this, "1 MiB first touch" + (this == FIRST_TOUCH_PROBE ? " + probe" : ""), once,
                        true, o.connections, o.threads, o.duration, o.firstTouchWarmup, warmupFiles, small,
                        o.firstTouchJitWarmup));
                break;
            case STALLED:
                long eight = 8L << 20;
                int fetches = o.stalledClients * o.stalledRounds;
                FileSet stalled = FileSet.of(o.dir, eight, o.stalledFiles() + fetches);
                String shared = o.stalledFiles() < Math.max(o.stalled, o.stalledH2Streams)
                        ? String.format(Locale.ROOT, " (over %d files)", o.stalledFiles()) : "";
                cells.add(new Cell(this, String.format(Locale.ROOT, "8 MiB cold: %d stalled h1 conns or %d h2c"
                                + " streams on %d conns%s; %d clients x %d", o.stalled, o.stalledH2Streams,
                        o.stalledH2Connections, shared, o.stalledClients, o.stalledRounds), stalled, true, o.stalled,
                        o.threads, StalledRun.SETTLE_SECONDS + o.stalledRounds * 2, 0));
                break;
            default:
                List<Integer> loops = BenchOptions.allCores() > 1 ? List.of(1, BenchOptions.allCores()) : List.of(1);
                // Hot cells first, for both loop counts: the set is made hot once, then cold once.
                for (boolean cold : new boolean[] {false, true}) {
                    for (int threads : loops) {
                        for (int c : o.scaleConnections) {
                            // At least two files per connection: with fewer, a cold file would be asked for again
                            // while it is still being sent, and evicted under that transfer.
                            FileSet set = FileSet.of(o.dir, mib, Math.max(o.filesOf(mib), 2 * c));
                            cells.add(new Cell(this, c + " conn " + (cold ? "cold " : "hot ") + threads
                                    + (threads == 1 ? " loop" : " loops"), set, cold, c, threads, o.duration,
                                    o.warmup));
                        }
                    }
                }
                break;
        }
        return cells;
    }
}
