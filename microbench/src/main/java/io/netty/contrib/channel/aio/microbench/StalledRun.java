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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One cell of the stalled workload. The page cache is dropped ({@link FileSet#dropCaches()}), a fresh server
 * started, and {@link StalledClients} ask for the first files of the 8 MiB set and never read them (request i for
 * file i modulo {@code --stalled-files}, by default one file each): {@code --stalled} HTTP/1.1 connections, or for a
 * {@code -h2c} configuration {@code --stalled-h2-streams} zero-window streams on {@code --stalled-h2-connections}
 * connections. {@value #SETTLE_SECONDS} s later, once every response has begun (at most
 * {@value #SETTLE_MAX_SECONDS} s), the server has filled what it may and the window opens: {@code --stalled-rounds}
 * rounds of {@code --stalled-clients} {@code curl} processes at once, each fetching another cold file of the set
 * (h2c configurations with {@code --http2-prior-knowledge}), each with {@code -m --stalled-timeout}. A fetch that did
 * not get the whole file with status 200 in time is missed and counts as the timeout in the times. Between rounds
 * the server's resident set ({@code VmRSS}) is sampled; the highest sample is the RSS during the stall. The window
 * closes with the stall still in place, so the AIO memory in use at its end ({@link LoopWindow}) is what the stalled
 * responses hold.
 * The server's JVM is fresh (no warm-up): the first fetches run partly interpreted, which costs milliseconds, not
 * the seconds a starved fetch waits.
 */
final class StalledRun {
    /** The least seconds between the stalled requests and the first fetch. */
    static final int SETTLE_SECONDS = 2;
    /** The most seconds waited for every stalled response to begin. */
    static final int SETTLE_MAX_SECONDS = 30;

    private StalledRun() {
    }

    /** What one {@code curl} fetch did. */
    static final class Fetch {
        final double seconds;
        final long bytes;
        final int status;
        final boolean full;

        Fetch(double seconds, long bytes, int status, boolean full) {
            this.seconds = seconds;
            this.bytes = bytes;
            this.status = status;
            this.full = full;
        }

        /**
         * A fetch from curl's {@code -w '%{time_total} %{size_download} %{http_code}'} output and exit status: full
         * when curl succeeded with status 200 and {@code expected} bytes; else (timed out, failed) its time is
         * {@code timeoutSeconds}, so that a missed fetch is never faster than the slowest full one.
         */
        static Fetch parse(String output, int exitStatus, long expected, double timeoutSeconds) {
            String[] f = output.trim().split("\\s+");
            double seconds = timeoutSeconds;
            long bytes = 0;
            int status = 0;
            if (f.length >= 3) {
                try {
                    seconds = Double.parseDouble(f[0]);
                    bytes = (long) Double.parseDouble(f[1]);
                    status = Integer.parseInt(f[2]);
                } catch (NumberFormatException e) {
                    seconds = timeoutSeconds;
                }
            }
            boolean full = exitStatus == 0 && status == 200 && bytes == expected;
            return new Fetch(full ? seconds : timeoutSeconds, bytes, status, full);
        }
    }

    /**
     * The descriptors a server needs for a stalled cell, at most: the stalled sockets, the files of their responses,
     * each loop's {@code O_DIRECT} descriptor of each file in use (AIO), the fetches' and 100 more. This build's file
     * server sends a file as a region over HTTP/1.1 in the aio and sendfile modes, and its stalled responses of one
     * file share one descriptor of it; a chunked response, an HTTP/2 stream, nginx, a framework's server and an older
     * build ({@code +base}) hold one per response.
     */
    static long serverFiles(BenchOptions o, ServerConfig config, int threads) {
        boolean h2 = config.client == ServerConfig.Client.H2LOAD_H2C;
        int stalled = h2 ? o.stalledH2Streams : o.stalled;
        int sockets = h2 ? Math.min(o.stalledH2Connections, stalled) : stalled;
        long distinct = Math.min(stalled, o.stalledFiles());
        boolean shares = !h2 && !config.nginx && config.framework == null && !config.baseline
                && !"chunked".equals(config.mode);
        return sockets + (shares ? distinct : stalled) + distinct * threads + 2L * o.stalledClients + 100;
    }

    static void measure(BenchOptions o, Cell cell, ServerConfig config, CellResult result, Path work)
            throws IOException, InterruptedException {
        FileSet files = cell.files;
        files.create();
        boolean h2 = config.client == ServerConfig.Client.H2LOAD_H2C;
        int stalled = h2 ? o.stalledH2Streams : o.stalled;
        int sockets = h2 ? Math.min(o.stalledH2Connections, stalled) : stalled;
        requireOpenFiles(sockets + 100, openFileLimit(Paths.get("/proc/self/limits")), "this JVM");
        String curl = Tools.require("curl");
        files.dropCaches();
        try (ServerProcess server = ServerProcess.start(config, o.dir, cell.threads, work, null, o.baseline)) {
            // A server short of descriptors would refuse the fetches instead of serving them.
            requireOpenFiles(serverFiles(o, config, cell.threads), openFileLimit(Paths.get("/proc", Long.toString(server.pids().get(0)),
                    "limits")), "the server");
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < stalled; i++) {
                paths.add(files.path(i % o.stalledFiles()));
            }
            try (StalledClients clients = h2 ? StalledClients.h2c(server.port(), paths, sockets)
                    : StalledClients.http1(server.port(), paths)) {
                settle(clients);
                long rss = ProcStats.rssBytes(server.pids());
                server.openLoopWindow();
                ProcStats before = server.stats();
                CompilerCpu jit = config.nginx ? null : CompilerCpu.start(server.pids());
                List<Fetch> fetches = new ArrayList<>();
                try {
                    // The fetches' files follow the stalled ones of either variant: the same in every configuration.
                    int next = o.stalledFiles();
                    for (int round = 0; round < o.stalledRounds; round++) {
                        fetches.addAll(round(curl, h2, server.port(), files, next, o.stalledClients,
                                o.stalledTimeout, work, "fetch-" + round));
                        next += o.stalledClients;
                        rss = Math.max(rss, ProcStats.rssBytes(server.pids()));
                    }
                } finally {
                    result.stopJit(jit);
                }
                ProcStats after = server.stats();
                result.loops = server.closeLoopWindow();
                result.stalledRequests = clients.requests();
                result.stalledStarted = clients.started();
                if (!server.isAlive()) {
                    throw new IOException("the server died: " + server.log() + "\n" + Tools.tail(server.log(), 20));
                }
                if (h2) {
                    System.out.printf(Locale.ROOT, "  h2c stall: %d streams on %d connections, %d answered with"
                                    + " HEADERS, %d reset, %d GOAWAY, %d DATA bytes%n", clients.requests(),
                            clients.connections(), clients.started(), clients.h2Resets(), clients.h2GoAways(),
                            clients.h2DataBytes());
                }
                double bytes = fetches.stream().mapToLong(f -> f.bytes).sum();
                LoadBench.CellRun.serverCost(result, before, after, bytes);
                result.peakRssMib = after.peakRssBytes / (double) (1 << 20);
                long direct = server.peakDirectBytes();
                result.peakDirectMib = direct < 0 ? Double.NaN : direct / (double) (1 << 20);
                result.stallRssMib = rss / (double) (1 << 20);
                double[] ms = fetches.stream().mapToDouble(f -> f.seconds * 1e3).sorted().toArray();
                result.fetches = ms.length;
                result.fullBodies = fetches.stream().filter(f -> f.full).count();
                result.errors = result.fetches - result.fullBodies;
                result.requests = result.fetches;
                result.fetchMedianMs = quantile(ms, 0.5);
                result.fetchP99Ms = quantile(ms, 0.99);
                result.fetchMaxMs = ms.length == 0 ? Double.NaN : ms[ms.length - 1];
            }
        }
    }

    /**
     * Waits {@value #SETTLE_SECONDS} s, then until every stalled response has begun or {@value #SETTLE_MAX_SECONDS} s
     * have passed (thousands of cold first chunks take the disk a while).
     */
    private static void settle(StalledClients clients) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(SETTLE_SECONDS));
        int started;
        while ((started = clients.started()) < clients.requests()
                && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(SETTLE_MAX_SECONDS)) {
            Thread.sleep(500);
        }
        if (started < clients.requests()) {
            System.out.printf(Locale.ROOT, "  stall: %d of %d responses begun after %d s%n", started,
                    clients.requests(), SETTLE_MAX_SECONDS);
        }
    }

    /** {@code clients} curl processes at once, on files {@code first ...}; waits for all of them. */
    private static List<Fetch> round(String curl, boolean h2, int port, FileSet files, int first, int clients,
                                     int timeout, Path work, String name) throws IOException, InterruptedException {
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            for (int k = 0; k < clients; k++) {
                List<String> command = new ArrayList<>(List.of(curl, "-s", "-o", "/dev/null", "-m",
                        Integer.toString(timeout), "-w", "%{time_total} %{size_download} %{http_code}"));
                if (h2) {
                    command.add("--http2-prior-knowledge");
                }
                command.add("http://127.0.0.1:" + port + files.path(first + k));
                Path out = work.resolve(name + "-" + k + ".out");
                outputs.add(out);
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .start());
            }
            List<Fetch> fetches = new ArrayList<>();
            for (int k = 0; k < processes.size(); k++) {
                Process p = processes.get(k);
                int exit = p.waitFor(timeout + 10, TimeUnit.SECONDS) ? p.exitValue() : -1;
                String output = new String(Files.readAllBytes(outputs.get(k)), StandardCharsets.US_ASCII);
                fetches.add(Fetch.parse(output, exit, files.size, timeout));
            }
            return fetches;
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** The nearest-rank quantile of sorted values, or NaN for none. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * Fails unless {@code who} may open {@code needed} files ({@code limit}, -1 for unknown). This JVM raises its soft
     * {@code RLIMIT_NOFILE} to the hard one when it starts (HotSpot's {@code -XX:+MaxFDLimit}), and the server's shell
     * tries {@link ServerProcess#NOFILE}, but neither can go past the hard limit: the caller must.
     */
    static void requireOpenFiles(long needed, long limit, String who) throws IOException {
        if (limit >= 0 && limit < needed) {
            throw new IOException(String.format(Locale.ROOT, "the stalled cell needs %d open files and %s may"
                    + " open %d: raise 'ulimit -Hn' (as root with CAP_SYS_RESOURCE) before java, or lower"
                    + " --stalled", needed, who, limit));
        }
    }

    /** The soft limit on open files in a {@code /proc/PID/limits} file, or -1 if unknown or unlimited. */
    static long openFileLimit(Path limits) {
        try {
            for (String line : Files.readAllLines(limits, StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
