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
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The load benchmark: the project's file server (and nginx beside it) in processes of their own, driven by
 * {@code wrk} over loopback, workload by workload, every configuration of a cell in turn within each repetition
 * (round-robin), each cell a fresh server. Writes a Markdown report, a CSV of every repetition and a chart per
 * workload (see {@link Report}).
 * <p>
 * {@code java -jar microbench/target/load-bench.jar [--quick] [options]}; {@code --help} lists the options.
 */
public final class LoadBench {
    /** Seconds a cell costs beyond its load: server start and stop, page-cache preparation (measured). */
    private static final int OVERHEAD_SECONDS = 2;

    private final BenchOptions options;
    private final List<String> args;

    LoadBench(BenchOptions options, List<String> args) {
        this.options = options;
        this.args = args;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        Path report = new LoadBench(options, List.of(args)).run();
        if (report != null) {
            System.out.println("report: " + report);
        }
    }

    /** Runs every cell and writes the report; returns the report's Markdown file ({@code null} with --plan). */
    Path run() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<Workload, List<ServerConfig>> configs = configs();
        List<Planned> plan = plan(configs);
        int seconds = 0;
        int runs = 0;
        for (Planned p : plan) {
            if (p.same == null) {
                seconds += p.cell.seconds + p.cell.warmupSeconds + p.cell.jitWarmupSeconds + OVERHEAD_SECONDS;
                runs++;
            }
        }
        System.out.printf(Locale.ROOT, "%d cells, %d to run (%s), about %d min %02d s%n", plan.size(), runs,
                options, seconds / 60, seconds % 60);
        if (options.planOnly) {
            for (Planned p : plan) {
                System.out.printf(Locale.ROOT, "rep %d %s %s%s%n", p.rep, p.cell, p.config,
                        p.same == null ? "" : " (the result of " + p.same.cell + ")");
            }
            return null;
        }
        if (plan.stream().anyMatch(p -> !p.cell.stalled() && !p.config.h2load())) {
            Tools.require("wrk");
        }
        if (plan.stream().anyMatch(p -> p.cell.stalled())) {
            Tools.require("curl");
        }
        deleteTree(options.dir.resolve("runs"));
        long start = System.nanoTime();
        List<CellResult> results = new ArrayList<>();
        int n = 0;
        for (Planned p : plan) {
            n++;
            long t0 = System.nanoTime();
            CellResult r = p.same != null ? p.same.result.as(p.cell)
                    : new CellRun(options, p.cell, p.config, p.rep).run();
            p.result = r;
            results.add(r);
            System.out.printf(Locale.ROOT, "[%d/%d %.1f s] rep %d %s %s: %s%n", n, plan.size(),
                    (System.nanoTime() - t0) / 1e9, p.rep, p.cell, p.config, Report.summary(r));
        }
        long wallSeconds = (System.nanoTime() - start) / 1_000_000_000L;
        Path out = options.out != null ? options.out : Paths.get("docs", "benchmarks",
                LocalDate.now(ZoneOffset.UTC) + (options.label.isEmpty() ? "" : "-" + options.label))
                .toAbsolutePath();
        return new Report(options, args, results, notes(configs), wallSeconds).write(out);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    /** Each workload's configurations that can run here (nginx only if installed or installable). */
    private Map<Workload, List<ServerConfig>> configs() throws IOException {
        Map<Workload, List<ServerConfig>> map = new LinkedHashMap<>();
        Boolean nginx = null;
        Boolean h2load = null;
        for (Workload w : options.workloads) {
            List<ServerConfig> list = new ArrayList<>();
            for (String name : options.configs(w)) {
                ServerConfig c = ServerConfig.parse(name);
                // The stalled workload's -h2c configurations have their own clients, not h2load.
                if (c.h2load() && w != Workload.STALLED) {
                    if (h2load == null) {
                        h2load = options.planOnly || Tools.available("h2load", H2load.PACKAGE);
                    }
                    if (!h2load) {
                        continue;
                    }
                }
                if (c.framework != null && !options.planOnly) {
                    FrameworkServer.classPath(); // fails now, with the command that builds them, if not built
                }
                if (c.nginx) {
                    if (nginx == null) {
                        nginx = options.planOnly || Tools.available("nginx");
                    }
                    if (!nginx) {
                        continue;
                    }
                }
                list.add(c);
            }
            map.put(w, list);
        }
        return map;
    }

    private List<String> notes(Map<Workload, List<ServerConfig>> configs) {
        List<String> notes = new ArrayList<>();
        for (Map.Entry<Workload, List<ServerConfig>> e : configs.entrySet()) {
            for (String name : options.configs(e.getKey())) {
                if (e.getValue().stream().noneMatch(c -> c.name.equals(name))) {
                    notes.add(e.getKey().id() + ": " + name + " skipped (" + (ServerConfig.parse(name).nginx ? "nginx"
                            : "h2load") + " is not installed and could not be)");
                }
            }
        }
        if (!Tools.isRoot() && options.workloads.stream().anyMatch(w -> w == Workload.FIRST_TOUCH
                || w == Workload.FIRST_TOUCH_PROBE || w == Workload.STALLED)) {
            notes.add("first touch and stalled: not root, so no drop_caches: the sets were dropped from the page cache"
                    + " with posix_fadvise, and the file system's dentries and inodes stayed cached");
        }
        if (options.workloads.contains(Workload.ZIPF) && MemoryCgroup.unavailableReason() != null) {
            notes.add("zipf: no memory cgroup (" + MemoryCgroup.unavailableReason() + "): the server's page cache was"
                    + " bounded only by the machine's memory, and the set was made cold with posix_fadvise, not"
                    + " drop_caches");
        }
        return notes;
    }

    /**
     * Repetition by repetition; in each, every cell of every workload, its configurations one after the other. A cell
     * that another workload has already run in the same repetition (the same files, load and server: the size
     * sweep's 1 MiB cells are the hot and cold cells) is not run again: its result appears in both tables.
     */
    private List<Planned> plan(Map<Workload, List<ServerConfig>> configs) {
        List<Planned> plan = new ArrayList<>();
        for (int rep = 1; rep <= options.reps; rep++) {
            Map<String, Planned> done = new HashMap<>();
            for (Map.Entry<Workload, List<ServerConfig>> e : configs.entrySet()) {
                List<ServerConfig> order = new ArrayList<>(e.getValue());
                // A different configuration goes first in each repetition: none always follows the same neighbour.
                Collections.rotate(order, -(rep - 1));
                for (Cell cell : e.getKey().cells(options)) {
                    for (ServerConfig c : order) {
                        Planned p = new Planned(cell, c, rep);
                        p.same = done.putIfAbsent(cell.loadKey() + " " + c.name, p);
                        plan.add(p);
                    }
                }
            }
        }
        return plan;
    }

    private static final class Planned {
        final Cell cell;
        final ServerConfig config;
        final int rep;
        /** The equal cell planned earlier in the same repetition, whose result this one takes, or null. */
        Planned same;
        CellResult result;

        Planned(Cell cell, ServerConfig config, int rep) {
            this.cell = cell;
            this.config = config;
            this.rep = rep;
        }
    }

    /** Thrown away after use: one cell, one configuration, one repetition. */
    static final class CellRun {
        private final BenchOptions options;
        private final Cell cell;
        private final ServerConfig config;
        private final CellResult result;

        CellRun(BenchOptions options, Cell cell, ServerConfig config, int rep) {
            this.options = options;
            this.cell = cell;
            this.config = config;
            result = new CellResult(cell, config.name, rep);
        }

        CellResult run() throws InterruptedException {
            try {
                measure();
            } catch (IOException | RuntimeException e) {
                result.failure = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
                System.out.println("  failed: " + e);
            }
            return result;
        }

        private void measure() throws IOException, InterruptedException {
            // Each run's Lua scripts, wrk output and server log stay there until the next run of the benchmark.
            Path work = options.dir.resolve("runs").resolve("rep" + result.rep).resolve(cell.workload.id() + "-"
                    + cell.label.replaceAll("[^A-Za-z0-9]+", "-") + "-" + config.name.replace('@', '-'));
            if (cell.stalled()) {
                StalledRun.measure(options, cell, config, result, work);
            } else {
                measureLoad(work);
            }
            try (Stream<String> lines = Files.lines(work.resolve("server.log"), StandardCharsets.UTF_8)) {
                result.serverOutOfMemory = lines.filter(l -> l.contains("OutOfMemoryError")).count();
            }
        }

        private void measureLoad(Path work) throws IOException, InterruptedException {
            FileSet files = cell.files;
            files.create();
            if (cell.jitWarmupFiles != null) {
                cell.jitWarmupFiles.create();
                cell.jitWarmupFiles.makeCold(); // made just now, they are in the page cache
            }
            MemoryCgroup group = null;
            if (cell.zipf() && MemoryCgroup.unavailableReason() == null) {
                MemoryCgroup.dropCaches();
                group = MemoryCgroup.create("netty-aio-load-bench-" + ProcessHandle.current().pid(),
                        options.cgroupLimit);
            } else if (cell.firstTouch()) {
                dropForFirstTouch(files);
            } else if (cell.cold) {
                files.makeCold();
            } else {
                files.makeHot();
            }
            files.makeProbeHot();
            int wrkThreads = Math.min(options.wrkThreads, cell.connections);
            try (ServerProcess server = ServerProcess.start(config, options.dir, cell.threads, work,
                    group == null ? null : group.procs(), options.baseline);
                 Evictor evictor = cell.cold && !cell.zipf() && !cell.firstTouch() ? new Evictor(files, work)
                         : null) {
                // First touch: a fresh order per repetition, each file once; the warm-up has files of its own.
                FirstTouch once = cell.firstTouch() ? FirstTouch.of(files, cell.warmupFiles, wrkThreads, result.rep)
                        : null;
                String script = cell.zipf() ? Wrk.zipf(files, Math.min(options.zipfFiles, files.count), 1.0)
                        : once != null ? once.writeLoad(work, "load")
                        : Wrk.walk(files, wrkThreads, evictor == null ? null : evictor.fifo());
                List<String> headers = config.gzip ? List.of("Accept-Encoding: gzip") : List.of();
                if (cell.jitWarmupFiles != null) {
                    // The compiler's turn, on small files read with O_DIRECT again and again (never admitted).
                    Wrk.start(Wrk.walk(cell.jitWarmupFiles, wrkThreads, null), server.port(), cell.connections,
                            wrkThreads, cell.jitWarmupSeconds, work, "jit-warmup", headers)
                            .await(cell.jitWarmupSeconds);
                }
                if (cell.warmupSeconds > 0) {
                    if (config.h2load()) {
                        H2load.start(files, server.port(), cell.connections, options.streams,
                                config.client == ServerConfig.Client.H2LOAD_H1, cell.warmupSeconds, work, "warmup")
                                .await(cell.warmupSeconds);
                    } else {
                        Wrk.Result w = Wrk.start(once != null ? once.writeWarmup(work, "warmup") : script,
                                server.port(), cell.connections, wrkThreads, cell.warmupSeconds, work, "warmup",
                                headers).await(cell.warmupSeconds);
                        if (w.exhausted > 0) {
                            System.out.printf(Locale.ROOT, "  warm-up: %d of %d wrk threads ran out of files and"
                                    + " stopped early (%d requests)%n", w.exhausted, wrkThreads, w.requests);
                        }
                    }
                    // The warm-up's clients are gone, but a server may still be working through their requests
                    // (4096 cold megabytes take seconds): that must not eat into the measured window.
                    awaitIdle(server);
                    if (cell.cold && config.h2load()) {
                        // h2load has no hook for the evictor: the measured load walks the files the warm-up read.
                        files.makeCold();
                    }
                    if (once != null) {
                        // The warm-up's reads brought in directory blocks and inodes that the measured files share.
                        dropForFirstTouch(files);
                        files.makeProbeHot();
                    }
                }
                server.openLoopWindow();
                long[] machineBefore = ProcStats.machineTicks();
                ProcStats before = server.stats();
                CompilerCpu jit = config.nginx ? null : CompilerCpu.start(server.pids());
                Wrk.Result r;
                Wrk.Result p = null;
                try {
                    if (config.h2load()) {
                        r = H2load.start(files, server.port(), cell.connections, options.streams,
                                config.client == ServerConfig.Client.H2LOAD_H1, cell.seconds, work, "load")
                                .await(cell.seconds);
                    } else {
                        Wrk load = Wrk.start(script, server.port(), cell.connections, wrkThreads, cell.seconds, work,
                                "load", headers);
                        Wrk probe = cell.probe() ? Wrk.start(Wrk.probe(10), server.port(), 1, 1, cell.seconds,
                                work, "probe") : null;
                        r = load.await(cell.seconds);
                        p = probe == null ? null : probe.await(cell.seconds);
                    }
                } finally {
                    result.stopJit(jit);
                }
                ProcStats after = server.stats();
                long[] machineAfter = ProcStats.machineTicks();
                if (!server.isAlive()) {
                    throw new IOException("the server died: " + server.log() + "\n" + Tools.tail(server.log(), 20));
                }
                result.loops = server.closeLoopWindow();
                long ticks = machineAfter[1] - machineBefore[1];
                result.stealPct = ticks > 0 ? 100.0 * (machineAfter[0] - machineBefore[0]) / ticks : Double.NaN;
                // gzip: throughput, CPU and disk per byte of the files' content (uncompressed); else per byte sent.
                double content = config.gzip ? (double) r.requests * files.size : r.bytes;
                result.mibPerSecond = content / r.seconds / (1 << 20);
                result.wireMibPerSecond = r.bytes / r.seconds / (1 << 20);
                result.requestsPerSecond = r.requests / r.seconds;
                result.requests = r.requests;
                result.p50Ms = r.requests > 0 ? r.p50Ms : Double.NaN;
                result.p99Ms = r.requests > 0 ? r.p99Ms : Double.NaN;
                result.errors = r.errors + (p == null ? 0 : p.errors);
                if (p != null && p.requests > 0) {
                    result.probeP50Ms = p.p50Ms;
                    result.probeP99Ms = p.p99Ms;
                }
                result.threadsOutOfFiles = r.exhausted;
                if (r.exhausted > 0) {
                    System.out.printf(Locale.ROOT, "  %d of %d wrk threads ran out of files: raise"
                            + " --first-touch-files%n", r.exhausted, wrkThreads);
                }
                serverCost(result, before, after, content);
                result.peakRssMib = after.peakRssBytes / (double) (1 << 20);
                long direct = server.peakDirectBytes();
                result.peakDirectMib = direct < 0 ? Double.NaN : direct / (double) (1 << 20);
                result.diskPerSent = r.bytes >= 1 << 20 ? (after.readBytes - before.readBytes) / content
                        : Double.NaN;
                if (group != null) {
                    result.cacheMib = group.cacheBytes() / (double) (1 << 20);
                }
            } finally {
                if (group != null) {
                    group.close();
                }
            }
        }

        /**
         * The server's CPU time and page faults between {@code before} and {@code after}, per GiB of {@code bytes}
         * served; NaN below a mebibyte (a stalled server), where a cost per GiB means nothing.
         */
        static void serverCost(CellResult result, ProcStats before, ProcStats after, double bytes) {
            if (bytes < 1 << 20) {
                return;
            }
            double gib = bytes / (1L << 30);
            result.cpuMsPerGib = (after.cpuNanos - before.cpuNanos) / 1e6 / gib;
            result.minorFaultsPerGib = (after.minorFaults - before.minorFaults) / gib;
            result.majorFaultsPerGib = (after.majorFaults - before.majorFaults) / gib;
        }

        /** Before a first-touch load: all caches (as root), or the files' pages only ({@code --first-touch-drop}). */
        private void dropForFirstTouch(FileSet files) throws IOException, InterruptedException {
            if (options.firstTouchPagesOnly) {
                files.makeCold();
            } else {
                files.dropCaches();
            }
        }

        /** Waits (at most 60 s) until the server has used less than 5 % of a core for two 200 ms periods in a row. */
        private static void awaitIdle(ServerProcess server) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long last = server.stats().cpuNanos;
            int quiet = 0;
            while (quiet < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                long now = server.stats().cpuNanos;
                quiet = now - last <= TimeUnit.MILLISECONDS.toNanos(10) ? quiet + 1 : 0;
                last = now;
            }
        }
    }
}
