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
import java.util.List;
import java.util.Locale;

/** What the clients ask for and how the page cache is prepared; each expands into the cells of one table. */
enum Workload {
    /** 1 MiB files, all in the page cache. */
    HOT,
    /** 1 MiB files, every request a page-cache miss. */
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
    GZIP;

    static Workload parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--workloads: unknown workload '" + name
                    + "' (hot, cold, isolation, zipf, size, scale, h2, gzip)");
        }
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
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
                cells.add(new Cell(this, "1 MiB cold", main, true, o.connections, o.threads, o.duration, o.warmup));
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
