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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of the h2 workload: {@code h2load} (Debian's {@code nghttp2-client}), h2c with prior knowledge, or
 * HTTP/1.1 with {@code --h1}. One {@code h2load} process per connection ({@code -c 1 -m streams}), each walking its
 * own slice of the file set in order from an input file ({@code -i}): h2load sends the same list in the same order
 * on every one of its clients, so one process with many clients would ask for each file on all connections at once,
 * and all but the first would be served from the page cache of a cold set. Per-request latencies come from each
 * process's {@code --log-file} (the response time, third column, in microseconds); the other numbers from its
 * summary ({@link #parseSummary}).
 */
final class H2load {
    /** The Debian package that has {@code h2load}. */
    static final String PACKAGE = "nghttp2-client";

    private static final Pattern FINISHED = Pattern.compile("^finished in ([0-9.]+)(us|ms|s)\\b");
    private static final Pattern REQUESTS = Pattern.compile("^requests: (\\d+) total, (\\d+) started, (\\d+) done,"
            + " (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("^status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx,"
            + " (\\d+) 5xx");
    /** {@code traffic: 1.53GB (1644578490) total, ...} and the older {@code traffic: 1644578490 bytes total, ...}. */
    private static final Pattern TRAFFIC = Pattern.compile("^traffic: (?:[0-9.]+[KMGT]?B \\((\\d+)\\)|(\\d+) bytes)"
            + " total");

    /** One process's summary. */
    static final class Summary {
        double seconds;
        long done;
        long succeeded;
        long failed;
        long errored;
        long timeout;
        long status4xx;
        long status5xx;
        long bytes;
    }

    private final List<Process> processes;
    private final List<Path> outputs;
    private final List<Path> logs;

    private H2load(List<Process> processes, List<Path> outputs, List<Path> logs) {
        this.processes = processes;
        this.outputs = outputs;
        this.logs = logs;
    }

    /**
     * Starts {@code connections} processes of one connection each, {@code streams} concurrent streams, for
     * {@code seconds}; {@code h1} for HTTP/1.1 instead of h2c.
     */
    static H2load start(FileSet files, int port, int connections, int streams, boolean h1, int seconds,
                        Path workDir, String name) throws IOException, InterruptedException {
        String h2load = Tools.require("h2load", PACKAGE);
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int k = 0; k < connections; k++) {
                int first = (int) ((long) k * files.count / connections);
                int span = Math.max(1, (int) ((long) (k + 1) * files.count / connections) - first);
                StringBuilder uris = new StringBuilder();
                for (int j = 0; j < span; j++) {
                    uris.append("http://127.0.0.1:").append(port).append(files.path((first + j) % files.count))
                            .append('\n');
                }
                Path input = workDir.resolve(name + "-" + k + ".uris");
                Files.write(input, uris.toString().getBytes(StandardCharsets.US_ASCII));
                Path log = workDir.resolve(name + "-" + k + ".tsv");
                Files.deleteIfExists(log);
                Path out = workDir.resolve(name + "-" + k + ".log");
                List<String> command = new ArrayList<>(List.of(h2load, "-c", "1", "-t", "1", "-m",
                        Integer.toString(streams), "-D", Integer.toString(seconds), "--log-file=" + log,
                        "-i", input.toString()));
                if (h1) {
                    command.add("--h1");
                }
                processes.add(new ProcessBuilder(Tools.limitedShell(null, command)).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start());
                outputs.add(out);
                logs.add(log);
            }
        } catch (IOException | RuntimeException e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
        return new H2load(processes, outputs, logs);
    }

    /** Waits for every process to end (each stops by itself after its duration) and returns the numbers. */
    Wrk.Result await(int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60);
        for (Process p : processes) {
            if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                processes.forEach(Process::destroyForcibly);
                throw new IOException("h2load did not stop: " + outputs.get(processes.indexOf(p)));
            }
        }
        List<Summary> summaries = new ArrayList<>();
        for (int k = 0; k < processes.size(); k++) {
            String text = new String(Files.readAllBytes(outputs.get(k)), StandardCharsets.UTF_8);
            Summary s = parseSummary(text);
            if (s == null) {
                throw new IOException(String.format(Locale.ROOT, "h2load exited with %d without numbers: %s%n%s",
                        processes.get(k).exitValue(), outputs.get(k), Tools.tail(outputs.get(k), 20)));
            }
            summaries.add(s);
        }
        List<String> logLines = new ArrayList<>();
        for (Path log : logs) {
            if (Files.exists(log)) {
                logLines.addAll(Files.readAllLines(log, StandardCharsets.US_ASCII));
            }
        }
        return combine(summaries, latenciesMicros(logLines));
    }

    /**
     * The numbers of processes that ran side by side: requests, bytes and errors summed, the longest duration,
     * the latency percentiles of all their requests. Errors are h2load's failed requests (which include errored,
     * timed-out and 4xx/5xx ones).
     */
    static Wrk.Result combine(List<Summary> summaries, long[] latenciesMicros) {
        long done = 0;
        long bytes = 0;
        long failed = 0;
        long non2xx = 0;
        double seconds = 0;
        for (Summary s : summaries) {
            done += s.done;
            bytes += s.bytes;
            failed += Math.max(s.failed, s.errored + s.timeout);
            non2xx += s.status4xx + s.status5xx;
            seconds = Math.max(seconds, s.seconds);
        }
        return new Wrk.Result(done, bytes, seconds, percentile(latenciesMicros, 50) / 1e3,
                percentile(latenciesMicros, 99) / 1e3, failed, non2xx);
    }

    /** The summary printed by one h2load run, or {@code null} if it printed none (it failed). */
    static Summary parseSummary(String output) {
        Summary s = new Summary();
        boolean finished = false;
        boolean requests = false;
        boolean traffic = false;
        for (String raw : output.split("\n")) {
            String line = raw.trim();
            Matcher m = FINISHED.matcher(line);
            if (m.find()) {
                double v = Double.parseDouble(m.group(1));
                s.seconds = m.group(2).equals("s") ? v : m.group(2).equals("ms") ? v / 1e3 : v / 1e6;
                finished = true;
                continue;
            }
            m = REQUESTS.matcher(line);
            if (m.find()) {
                s.done = Long.parseLong(m.group(3));
                s.succeeded = Long.parseLong(m.group(4));
                s.failed = Long.parseLong(m.group(5));
                s.errored = Long.parseLong(m.group(6));
                s.timeout = Long.parseLong(m.group(7));
                requests = true;
                continue;
            }
            m = STATUS.matcher(line);
            if (m.find()) {
                s.status4xx = Long.parseLong(m.group(3));
                s.status5xx = Long.parseLong(m.group(4));
                continue;
            }
            m = TRAFFIC.matcher(line);
            if (m.find()) {
                s.bytes = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
                traffic = true;
            }
        }
        return finished && requests && traffic ? s : null;
    }

    /**
     * The response times of h2load's {@code --log-file} lines ({@code start<TAB>status<TAB>micros}), skipping lines
     * that are not of that form (a line cut off when the process ended).
     */
    static long[] latenciesMicros(List<String> lines) {
        long[] out = new long[lines.size()];
        int n = 0;
        for (String line : lines) {
            String[] f = line.trim().split("\t");
            if (f.length < 3) {
                continue;
            }
            try {
                out[n] = Long.parseLong(f[2].trim());
                n++;
            } catch (NumberFormatException ignore) {
                // not a complete line
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The {@code p}-th percentile (nearest rank) of {@code values}, {@code NaN} when there are none. */
    static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
