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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code wrk} (a process of its own) with a Lua script that this class writes: which files are asked
 * for, in which order, and a {@code done()} that prints the numbers as one machine-readable line.
 * <ul>
 *   <li>{@link #walk}: each wrk thread walks its own slice of the file set in order, so a file is asked for again
 *   only after the whole slice; with an eviction FIFO, each request first writes the file's number into it (the
 *   {@link Evictor} drops that file from the page cache before the request leaves);</li>
 *   <li>{@link #zipf}: file {@code k} (rank {@code k + 1}) with probability proportional to {@code 1 / (k + 1)^s};</li>
 *   <li>{@link #probe}: the 100-byte {@code /probe.bin} every 10 ms on one connection ({@code delay()}, which wrk
 *   does not count in the latency).</li>
 * </ul>
 */
final class Wrk {
    /** The Lua {@code done} function that prints the numbers {@link #await} reads. */
    static final String DONE = done("", "");

    /** Its numbers. */
    static final class Result {
        final long requests;
        final long bytes;
        final double seconds;
        final double p50Ms;
        final double p99Ms;
        /** Socket errors (connect, read, write, timeout) and responses that were not 2xx or 3xx. */
        final long errors;
        final long non2xx;
        /** wrk threads that ran out of paths and stopped ({@link FirstTouch}); 0 for the other scripts. */
        final long exhausted;

        Result(long requests, long bytes, double seconds, double p50Ms, double p99Ms, long errors, long non2xx) {
            this.requests = requests;
            this.bytes = bytes;
            this.seconds = seconds;
            this.p50Ms = p50Ms;
            this.p99Ms = p99Ms;
            this.errors = errors;
            this.non2xx = non2xx;
            exhausted = 0;
        }

        Result(Map<String, Double> v) {
            requests = v.get("requests").longValue();
            bytes = v.get("bytes").longValue();
            seconds = v.get("duration_us") / 1e6;
            p50Ms = v.get("p50_us") / 1e3;
            p99Ms = v.get("p99_us") / 1e3;
            non2xx = v.get("status").longValue();
            errors = v.get("connect").longValue() + v.get("read").longValue() + v.get("write").longValue()
                    + v.get("timeout").longValue() + non2xx;
            exhausted = v.getOrDefault("exhausted", 0.0).longValue();
        }
    }

    private final Process process;
    private final Path log;

    private Wrk(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The Lua {@code done} function that prints the numbers {@link #await} reads, and more: {@code extraFormat}
     * (e.g. {@code " exhausted=%.0f"}) appended to the line's format, {@code extraArgs} (e.g.
     * {@code ", exhausted_threads()"}) to its arguments.
     */
    static String done(String extraFormat, String extraArgs) {
        return String.join("\n",
                "function done(summary, latency, requests)",
                "  local e = summary.errors",
                "  io.write(string.format('LOADBENCH requests=%.0f bytes=%.0f duration_us=%.0f p50_us=%.0f"
                        + " p99_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f" + extraFormat
                        + "\\n',",
                "    summary.requests, summary.bytes, summary.duration, latency:percentile(50),"
                        + " latency:percentile(99),",
                "    e.connect, e.read, e.write, e.status, e.timeout" + extraArgs + "))",
                "end", "");
    }

    /** Lua of the in-order walk over {@code files}, with {@code threads} wrk threads; {@code fifo} may be null. */
    static String walk(FileSet files, int threads, Path fifo) {
        return String.join("\n",
                "local prefix, suffix, count, threads = '" + files.pathPrefix() + "', '" + files.pathSuffix() + "', "
                        + files.count + ", " + threads,
                "local fifo_path = " + (fifo == null ? "nil" : "'" + fifo + "'"),
                "local next_id = 0",
                "function setup(thread)",
                "  thread:set('tid', next_id)",
                "  next_id = next_id + 1",
                "end",
                "local first, span, pos, fifo",
                "function init(args)",
                "  first = math.floor(tid * count / threads)",
                "  span = math.max(1, math.floor((tid + 1) * count / threads) - first)",
                "  pos = 0",
                "  if fifo_path then fifo = assert(io.open(fifo_path, 'a')) end",
                "end",
                "function request()",
                "  local i = (first + pos) % count",
                "  pos = (pos + 1) % span",
                "  if fifo then",
                "    fifo:write(i, '\\n')",
                "    fifo:flush()",
                "  end",
                "  return wrk.format(nil, prefix .. i .. suffix)",
                "end", DONE);
    }

    /** Lua of Zipf-distributed requests over the first {@code n} files of the set, exponent {@code s}. */
    static String zipf(FileSet files, int n, double s) {
        return String.join("\n",
                "local prefix, n, s = '" + files.pathPrefix() + "', " + n + ", " + s,
                "local next_id = 0",
                "function setup(thread)",
                "  thread:set('tid', next_id)",
                "  next_id = next_id + 1",
                "end",
                "local cdf = {}",
                "function init(args)",
                "  math.randomseed(7919 * (tid + 1))",
                "  local sum = 0",
                "  for k = 1, n do",
                "    sum = sum + 1 / k ^ s",
                "    cdf[k] = sum",
                "  end",
                "  for k = 1, n do cdf[k] = cdf[k] / sum end",
                "end",
                "function request()",
                "  local u = math.random()",
                "  local lo, hi = 1, n",
                "  while lo < hi do",
                "    local mid = math.floor((lo + hi) / 2)",
                "    if cdf[mid] < u then lo = mid + 1 else hi = mid end",
                "  end",
                "  return wrk.format(nil, prefix .. (lo - 1))",
                "end", DONE);
    }

    /** Lua of the probe: {@code /probe.bin} every {@code periodMs}. */
    static String probe(int periodMs) {
        return String.join("\n",
                "function delay() return " + periodMs + " end",
                "function request() return wrk.format(nil, '/probe.bin') end", DONE);
    }

    /** Starts wrk: {@code connections} connections, {@code threads} threads, for {@code seconds}. */
    static Wrk start(String script, int port, int connections, int threads, int seconds, Path workDir, String name)
            throws IOException, InterruptedException {
        return start(script, port, connections, threads, seconds, workDir, name, List.of());
    }

    /** As above, with request headers ({@code -H}, e.g. {@code Accept-Encoding: gzip}). */
    static Wrk start(String script, int port, int connections, int threads, int seconds, Path workDir, String name,
                     List<String> headers) throws IOException, InterruptedException {
        Path lua = workDir.resolve(name + ".lua");
        Files.write(lua, script.getBytes(StandardCharsets.UTF_8));
        Path log = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Tools.require("wrk"), "-t",
                Integer.toString(Math.min(threads, connections)), "-c", Integer.toString(connections), "-d",
                seconds + "s", "--timeout", "60s", "--latency", "-s", lua.toString()));
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add("http://127.0.0.1:" + port + "/");
        Process p = new ProcessBuilder(Tools.limitedShell(null, command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new Wrk(p, log);
    }

    /** Waits for wrk to end (it stops by itself after its duration) and returns its numbers. */
    Result await(int seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds + 60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("wrk did not stop: " + log);
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("LOADBENCH ")) {
                Map<String, Double> v = new HashMap<>();
                for (String kv : line.substring(10).trim().split(" ")) {
                    String[] p = kv.split("=");
                    v.put(p[0], Double.parseDouble(p[1]));
                }
                return new Result(v);
            }
        }
        throw new IOException(String.format(Locale.ROOT, "wrk exited with %d without numbers: %s%n%s",
                process.exitValue(), log, Tools.tail(log, 20)));
    }
}
