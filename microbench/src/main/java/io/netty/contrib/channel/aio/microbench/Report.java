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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The report of a run, in one directory: {@code results.md} (the machine, the exact command line, a table per
 * workload with the median and min–max over the repetitions), {@code results.csv} (every repetition of every cell)
 * and a PNG bar chart per workload (plus the probe's p99 for the workloads with a probe). Every table has the
 * server's CPU, minor page faults per GiB sent and its JIT compilers' CPU in the window; the stalled workload has a
 * table of its own (fetch times beside the stall, memory during it).
 */
final class Report {
    /** The figures of {@link LoopWindow} in the CSV. */
    private static final String[] LOOP_KEYS = {"iterations", "iteration_p99_ms", "iteration_max_ms",
        "iterations_over_5ms", "busy_pct", "io_pct", "lag_p99_ms", "lag_max_ms", "gc_pauses", "gc_total_ms",
        "gc_max_ms"};
    /** The AIO memory figures of {@link LoopWindow}, last in the CSV. */
    private static final String[] MEMORY_KEYS = {"aio_memory_used_mib", "aio_memory_max_mib"};
    private final BenchOptions options;
    private final List<String> args;
    private final List<CellResult> results;
    private final List<String> notes;
    private final long wallSeconds;

    Report(BenchOptions options, List<String> args, List<CellResult> results, List<String> notes, long wallSeconds) {
        this.options = options;
        this.args = args;
        this.results = results;
        this.notes = notes;
        this.wallSeconds = wallSeconds;
    }

    /** One line for the progress log. */
    static String summary(CellResult r) {
        if (r.failure != null) {
            return "FAILED: " + r.failure;
        }
        String costs = String.format(Locale.ROOT, ", minflt %s/GiB, JIT %s ms", num(r.minorFaultsPerGib),
                num(r.jitMs()));
        if (r.cell.stalled()) {
            return String.format(Locale.ROOT, "%d stalled (%d begun), full bodies %d/%d, time to full body"
                            + " median/p99/max %s/%s/%s ms, RSS during stall %s MiB, AIO memory %s MiB (peak %s),"
                            + " CPU %s ms/GiB%s", r.stalledRequests, r.stalledStarted, r.fullBodies, r.fetches,
                    num(r.fetchMedianMs), num(r.fetchP99Ms), num(r.fetchMaxMs), num(r.stallRssMib),
                    num(loop(r, "aio_memory_used_mib")), num(loop(r, "aio_memory_max_mib")), num(r.cpuMsPerGib),
                    costs) + (r.serverOutOfMemory > 0 ? ", server log: " + r.serverOutOfMemory + " OutOfMemoryError"
                    : "");
        }
        return String.format(Locale.ROOT, "%.0f MiB/s, %s req/s, p50 %s ms, p99 %s ms%s, CPU %s ms/GiB, RSS %s MiB,"
                        + " direct %s MiB, disk/sent %s%s, errors %d", r.mibPerSecond, num(r.requestsPerSecond),
                num(r.p50Ms), num(r.p99Ms),
                Double.isNaN(r.probeP99Ms) ? "" : ", probe p50/p99 " + num(r.probeP50Ms) + "/" + num(r.probeP99Ms)
                        + " ms", num(r.cpuMsPerGib), num(r.peakRssMib), num(r.peakDirectMib), num(r.diskPerSent),
                Double.isNaN(r.cacheMib) ? "" : ", cgroup page cache " + num(r.cacheMib) + " MiB", r.errors)
                + costs + (r.threadsOutOfFiles > 0 ? ", " + r.threadsOutOfFiles + " wrk threads ran out of files" : "")
                + (r.serverOutOfMemory > 0 ? ", server log: " + r.serverOutOfMemory + " OutOfMemoryError" : "")
                + (r.loops == null ? "" : String.format(Locale.ROOT, ", loop busy %s %%, iteration p99/max %s/%s ms,"
                        + " lag p99/max %s/%s ms, GC max %s ms", num(r.loops.get("busy_pct")),
                        num(r.loops.get("iteration_p99_ms")), num(r.loops.get("iteration_max_ms")),
                        num(r.loops.get("lag_p99_ms")), num(r.loops.get("lag_max_ms")),
                        num(r.loops.get("gc_max_ms"))))
                + (Double.isNaN(r.stealPct) ? "" : ", steal " + num(r.stealPct) + " %");
    }

    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder();
        md.append("# Load benchmark, ").append(ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append("\n\n");
        md.append("- Machine: ").append(Machine.describe(options.dir)).append('\n');
        md.append("- Command: `java -jar microbench/target/load-bench.jar");
        for (String a : args) {
            md.append(' ').append(a);
        }
        md.append("`\n");
        md.append(String.format(Locale.ROOT, "- Wall time: %d min %02d s; %d repetitions, configurations"
                + " round-robin within each; every cell a fresh server (`java -Xmx1g`, or nginx), wrk over"
                + " loopback%n", wallSeconds / 60, wallSeconds % 60, options.reps));
        for (String note : notes) {
            md.append("- Note: ").append(note).append('\n');
        }
        md.append("\nColumns: median over the repetitions, (min–max) for throughput and probe p99. MiB/s: bytes wrk"
                + " received per second. CPU: utime+stime of the whole server process (all threads, io_uring workers"
                + " included; nginx: master and workers) per GiB sent. RSS: peak (VmHWM). Direct: peak of the"
                + " JVM's direct buffers (sampled every 50 ms). Disk/sent: bytes the server read from the disk"
                + " (/proc/PID/io read_bytes) per byte sent: ~1 or more means cold, ~0 hot. Errors: socket errors"
                + " and non-2xx responses, summed over the repetitions; server OOM (when any): lines of the server's"
                + " log with an OutOfMemoryError. h2: the client is h2load (one process per connection, h2c with"
                + " prior knowledge, or `--h1`), latency from its per-request log. gzip: MiB/s, CPU per GiB and"
                + " disk/sent count the files' uncompressed bytes (requests x file size); wire MiB/s is what the"
                + " client received, compressed. minflt/GiB: the server's minor page faults (minflt of"
                + " /proc/PID/stat, all threads) per GiB sent. JIT ms: CPU time of the server JVM's C1 and C2 compiler"
                + " threads (/proc/PID/task/*/stat) over the measured window, in ms (nginx: –). first-touch: 1 MiB"
                + " files, each asked for once in a random order after drop_caches, by a JVM warmed up on other files"
                + " read once each; out of files: wrk threads that reached the end of their slice and stopped"
                + " (the throughput is then too low). evicted-repeat (formerly cold): each file evicted just before"
                + " it is asked for again.\n");
        Map<Workload, List<CellResult>> byWorkload = new LinkedHashMap<>();
        for (CellResult r : results) {
            byWorkload.computeIfAbsent(r.cell.workload, w -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<Workload, List<CellResult>> e : byWorkload.entrySet()) {
            table(md, e.getKey(), e.getValue(), dir);
        }
        Path file = dir.resolve("results.md");
        Files.write(file, md.toString().getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("results.csv"), csv().getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private void table(StringBuilder md, Workload w, List<CellResult> rs, Path dir) throws IOException {
        Map<String, Map<String, List<CellResult>>> cells = new LinkedHashMap<>();
        List<String> configs = new ArrayList<>();
        for (CellResult r : rs) {
            cells.computeIfAbsent(r.cell.label, k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.config, k -> new ArrayList<>()).add(r);
            if (!configs.contains(r.config)) {
                configs.add(r.config);
            }
        }
        boolean probe = rs.stream().anyMatch(r -> r.cell.probe());
        boolean cache = rs.stream().anyMatch(r -> !Double.isNaN(r.cacheMib));
        boolean oom = rs.stream().anyMatch(r -> r.serverOutOfMemory > 0);
        boolean rate = w == Workload.H2 || w == Workload.GZIP;
        boolean wire = w == Workload.GZIP;
        boolean once = w == Workload.FIRST_TOUCH || w == Workload.FIRST_TOUCH_PROBE;
        md.append("\n## ").append(w.id()).append("\n\n");
        md.append("![").append(w.id()).append("](").append(w.id()).append(".png)\n\n");
        if (w == Workload.STALLED) {
            stalledTable(md, w, cells, configs, dir);
            failures(md, rs);
            return;
        }
        md.append("| cell | config | ").append(wire ? "MiB/s uncompressed" : "MiB/s").append(" |");
        md.append(wire ? " wire MiB/s |" : "").append(rate ? " req/s |" : "").append(" req p50 ms | req p99 ms |");
        md.append(probe ? " probe p50 ms | probe p99 ms |" : "");
        md.append(" CPU ms/GiB | minflt/GiB | JIT ms | peak RSS MiB | peak direct MiB |");
        md.append(cache ? " cgroup page cache MiB |" : "");
        md.append(" disk/sent | errors |").append(oom ? " server OOM |" : "").append(once ? " out of files |" : "");
        md.append(" reps |\n|---|---|---:|").append(wire ? "---:|" : "").append(rate ? "---:|" : "")
                .append("---:|---:|");
        md.append(probe ? "---:|---:|" : "").append("---:|---:|---:|---:|---:|").append(cache ? "---:|" : "");
        md.append("---:|---:|").append(oom ? "---:|" : "").append(once ? "---:|" : "").append("---:|\n");
        Stats[][] throughput = new Stats[cells.size()][configs.size()];
        Stats[][] probeP99 = new Stats[cells.size()][configs.size()];
        int gi = 0;
        for (Map.Entry<String, Map<String, List<CellResult>>> cell : cells.entrySet()) {
            for (Map.Entry<String, List<CellResult>> c : cell.getValue().entrySet()) {
                List<CellResult> reps = c.getValue();
                int si = configs.indexOf(c.getKey());
                throughput[gi][si] = Stats.of(reps, r -> r.mibPerSecond);
                probeP99[gi][si] = Stats.of(reps, r -> r.probeP99Ms);
                long failed = reps.stream().filter(r -> r.failure != null).count();
                md.append("| ").append(cell.getKey()).append(" | ").append(c.getKey()).append(" | ")
                        .append(range(throughput[gi][si])).append(" | ");
                if (wire) {
                    md.append(median(reps, r -> r.wireMibPerSecond)).append(" | ");
                }
                if (rate) {
                    md.append(range(Stats.of(reps, r -> r.requestsPerSecond))).append(" | ");
                }
                md.append(median(reps, r -> r.p50Ms)).append(" | ").append(median(reps, r -> r.p99Ms))
                        .append(" | ");
                if (probe) {
                    md.append(median(reps, r -> r.probeP50Ms)).append(" | ").append(range(probeP99[gi][si]))
                            .append(" | ");
                }
                md.append(median(reps, r -> r.cpuMsPerGib)).append(" | ")
                        .append(median(reps, r -> r.minorFaultsPerGib)).append(" | ")
                        .append(median(reps, CellResult::jitMs)).append(" | ")
                        .append(median(reps, r -> r.peakRssMib)).append(" | ")
                        .append(median(reps, r -> r.peakDirectMib)).append(" | ");
                if (cache) {
                    md.append(median(reps, r -> r.cacheMib)).append(" | ");
                }
                md.append(median(reps, r -> r.diskPerSent)).append(" | ")
                        .append(reps.stream().mapToLong(r -> r.errors).sum()).append(" | ");
                if (oom) {
                    md.append(reps.stream().mapToLong(r -> r.serverOutOfMemory).sum()).append(" | ");
                }
                if (once) {
                    md.append(reps.stream().mapToLong(r -> r.threadsOutOfFiles).sum()).append(" | ");
                }
                md.append(reps.size() - failed).append(failed > 0 ? " (" + failed + " failed)" : "")
                        .append(" |\n");
            }
            gi++;
        }
        if (probe) {
            loopTable(md, w, cells);
        }
        failures(md, rs);
        List<String> groups = new ArrayList<>(cells.keySet());
        BarChart.draw(w.id() + ": throughput", wire ? "MiB/s (uncompressed)" : "MiB/s", groups, configs, throughput,
                dir.resolve(w.id() + ".png"));
        if (probe) {
            BarChart.draw(w.id() + ": 100-byte probe p99 under load (lower is better)", "ms", groups, configs,
                    probeP99, dir.resolve(w.id() + "-probe-p99.png"));
            md.append("\n![probe p99](").append(w.id()).append("-probe-p99.png)\n");
        }
    }

    private static void failures(StringBuilder md, List<CellResult> rs) {
        for (CellResult r : rs) {
            if (r.failure != null) {
                md.append("\nFailed: rep ").append(r.rep).append(' ').append(r.cell.label).append(' ')
                        .append(r.config).append(": ").append(r.failure).append('\n');
            }
        }
    }

    /**
     * The stalled workload: the fetches beside the stall (how many got the whole file in time, and how long it took)
     * and what the stall cost the server; a chart of the median time to a full body.
     */
    private static void stalledTable(StringBuilder md, Workload w, Map<String, Map<String, List<CellResult>>> cells,
                                     List<String> configs, Path dir) throws IOException {
        md.append("Stalled: HTTP/1.1 connections (plain configurations) or h2c streams with a zero window (-h2c"
                        + " configurations) that each asked for a cold 8 MiB file and never read it; beside them,"
                        + " rounds of curl processes fetching other cold 8 MiB files at once (-h2c: over h2c). Medians"
                        + " over the repetitions. Stalled (begun): requests sent, and those whose response had begun"
                        + " (bytes waiting unread, or a HEADERS frame). Full bodies: fetches that got the whole file"
                        + " with status 200 within the timeout, summed over the repetitions; a missed fetch counts as"
                        + " the timeout in the times. Server RSS during the stall: the highest VmRSS sampled between"
                        + " rounds. AIO memory: chunk buffers in use at the end, with the stall still in place, and the"
                        + " most ever in use at once (AioMetrics). CPU and minflt per GiB of the fetched bodies.\n\n")
                .append("| cell | config | stalled (begun) | full bodies | time to full body ms, median |"
                        + " p99 ms | max ms | server RSS during stall MiB | peak RSS MiB | peak direct MiB |"
                        + " AIO memory in use MiB | AIO memory peak MiB | CPU ms/GiB | minflt/GiB | JIT ms | reps |\n"
                        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Stats[][] median = new Stats[cells.size()][configs.size()];
        int gi = 0;
        for (Map.Entry<String, Map<String, List<CellResult>>> cell : cells.entrySet()) {
            for (Map.Entry<String, List<CellResult>> c : cell.getValue().entrySet()) {
                List<CellResult> reps = c.getValue();
                median[gi][configs.indexOf(c.getKey())] = Stats.of(reps, r -> r.fetchMedianMs);
                long failed = reps.stream().filter(r -> r.failure != null).count();
                md.append("| ").append(cell.getKey()).append(" | ").append(c.getKey()).append(" | ")
                        .append(median(reps, r -> r.stalledRequests)).append(" (")
                        .append(median(reps, r -> r.stalledStarted)).append(") | ")
                        .append(reps.stream().mapToLong(r -> r.fullBodies).sum()).append('/')
                        .append(reps.stream().mapToLong(r -> r.fetches).sum()).append(" | ")
                        .append(range(median[gi][configs.indexOf(c.getKey())])).append(" | ")
                        .append(median(reps, r -> r.fetchP99Ms)).append(" | ")
                        .append(median(reps, r -> r.fetchMaxMs)).append(" | ")
                        .append(median(reps, r -> r.stallRssMib)).append(" | ")
                        .append(median(reps, r -> r.peakRssMib)).append(" | ")
                        .append(median(reps, r -> r.peakDirectMib)).append(" | ")
                        .append(median(reps, r -> loop(r, "aio_memory_used_mib"))).append(" | ")
                        .append(median(reps, r -> loop(r, "aio_memory_max_mib"))).append(" | ")
                        .append(median(reps, r -> r.cpuMsPerGib)).append(" | ")
                        .append(median(reps, r -> r.minorFaultsPerGib)).append(" | ")
                        .append(median(reps, CellResult::jitMs)).append(" | ")
                        .append(reps.size() - failed).append(failed > 0 ? " (" + failed + " failed)" : "")
                        .append(" |\n");
            }
            gi++;
        }
        BarChart.draw(w.id() + ": time to a full 8 MiB body beside the stall, median (lower is better)", "ms",
                new ArrayList<>(cells.keySet()), configs, median, dir.resolve(w.id() + ".png"));
    }

    /** A figure of the result's loop window, or NaN without one (nginx). */
    private static double loop(CellResult r, String key) {
        return r.loops == null ? Double.NaN : r.loops.get(key);
    }

    /**
     * Where a probe request could wait inside the server: the loop's iterations, its lag and GC pauses, next to the
     * probe's p99 and the machine's CPU steal (medians over the repetitions).
     */
    private static void loopTable(StringBuilder md, Workload w, Map<String, Map<String, List<CellResult>>> cells) {
        md.append("\n### ").append(w.id()).append(": where the probe waits\n\n")
                .append("Inside the server (the project's server only; medians over the repetitions): each loop"
                        + " iteration's busy time (I/O events plus tasks; a request that arrives during one waits"
                        + " for its end), the lag of a task scheduled every 10 ms on the loop (iterations and the"
                        + " loop thread waiting for a core both show there), the JVM's GC pauses, and the machine's"
                        + " CPU steal. A probe p99 well above the lag p99 and the longest iteration waited outside"
                        + " the server's loop: in the kernel, or in the client.\n\n")
                .append("| cell | config | probe p99 ms | lag p99 ms | lag max ms | iteration p99 ms |"
                        + " iteration max ms | iterations ≥ 5 ms | loop busy % | GC pauses | GC max ms |"
                        + " steal % |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, List<CellResult>>> cell : cells.entrySet()) {
            for (Map.Entry<String, List<CellResult>> c : cell.getValue().entrySet()) {
                List<CellResult> reps = c.getValue();
                md.append("| ").append(cell.getKey()).append(" | ").append(c.getKey()).append(" | ")
                        .append(range(Stats.of(reps, r -> r.probeP99Ms))).append(" | ");
                for (String key : new String[] {"lag_p99_ms", "lag_max_ms", "iteration_p99_ms", "iteration_max_ms",
                        "iterations_over_5ms", "busy_pct", "gc_pauses", "gc_max_ms"}) {
                    md.append(median(reps, r -> r.loops == null ? Double.NaN : r.loops.get(key))).append(" | ");
                }
                md.append(median(reps, r -> r.stealPct)).append(" |\n");
            }
        }
    }

    private String csv() {
        StringBuilder sb = new StringBuilder("workload,cell,config,rep,mib_per_s,requests,p50_ms,p99_ms,probe_p50_ms,"
                + "probe_p99_ms,cpu_ms_per_gib,peak_rss_mib,peak_direct_mib,cgroup_cache_mib,disk_per_sent,errors,"
                + "failure,server_oom_lines,req_per_s,wire_mib_per_s,steal_pct," + String.join(",", LOOP_KEYS)
                + ",minflt_per_gib,majflt_per_gib,jit_c1_ms,jit_c2_ms,threads_out_of_files,stalled_requests,"
                + "stalled_started,fetches,full_bodies,fetch_median_ms,fetch_p99_ms,fetch_max_ms,stall_rss_mib,"
                + String.join(",", MEMORY_KEYS) + "\n");
        for (CellResult r : results) {
            sb.append(String.join(",", r.cell.workload.id(), csvField(r.cell.label), r.config, Integer.toString(r.rep),
                    num(r.mibPerSecond), Long.toString(r.requests), num(r.p50Ms), num(r.p99Ms), num(r.probeP50Ms),
                    num(r.probeP99Ms), num(r.cpuMsPerGib), num(r.peakRssMib), num(r.peakDirectMib),
                    num(r.cacheMib), num(r.diskPerSent), Long.toString(r.errors),
                    r.failure == null ? "" : csvField(r.failure), Long.toString(r.serverOutOfMemory),
                    num(r.requestsPerSecond), num(r.wireMibPerSecond), num(r.stealPct)));
            for (String key : LOOP_KEYS) {
                sb.append(',').append(num(loop(r, key)));
            }
            sb.append(',').append(String.join(",", num(r.minorFaultsPerGib), num(r.majorFaultsPerGib),
                    num(r.jitC1Ms), num(r.jitC2Ms), Long.toString(r.threadsOutOfFiles),
                    Long.toString(r.stalledRequests), Long.toString(r.stalledStarted), Long.toString(r.fetches),
                    Long.toString(r.fullBodies), num(r.fetchMedianMs), num(r.fetchP99Ms), num(r.fetchMaxMs),
                    num(r.stallRssMib)));
            for (String key : MEMORY_KEYS) {
                sb.append(',').append(num(loop(r, key)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String median(List<CellResult> reps, ToDoubleFunction<CellResult> f) {
        return num(Stats.of(reps, f).median);
    }

    private static String range(Stats s) {
        if (Double.isNaN(s.median)) {
            return "–";
        }
        return num(s.median) + (s.n > 1 ? " (" + num(s.min) + "–" + num(s.max) + ")" : "");
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
