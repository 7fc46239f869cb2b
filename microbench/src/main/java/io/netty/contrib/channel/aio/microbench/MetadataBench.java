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

import io.netty.contrib.channel.aio.FileLookups;
import io.netty.contrib.channel.aio.example.file.FileServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a cold metadata lookup costs, and what it does to the other connections of a loop:
 * {@code sudo java -cp microbench/target/load-bench.jar io.netty.contrib.channel.aio.microbench.MetadataBench
 * [files [dirs [repetitions [seconds [connections]]]]]} (defaults 20000 200 5 6 2). Root only: it drops the
 * kernel's caches.
 *
 * <p>First, in this process: after {@code drop_caches}, the latency of {@code toRealPath} + {@code readAttributes}
 * + {@code FileChannel.open} (and close) of each of {@code files} 4 KiB files spread over {@code dirs} directories
 * under {@code microbench/target/metadata-files}, then the same warm, then the cost of the non-blocking probe
 * ({@code FileLookups.isLookupCached}) warm and cold. Then, out of process: the file server with one event loop, and
 * {@code --metadata-lookup loop} (every lookup on the loop) against {@code auto} (cached lookups on the loop, the rest
 * on metadata threads), interleaved, {@code repetitions} times: after {@code drop_caches}, wrk fetches the cold small
 * files (in random order) over {@code connections} connections (few: the loop is not saturated, its
 * stalls show) for {@code seconds} while a second wrk asks for the 100-byte {@code /probe.bin} every
 * 10 ms on one connection; the probe's p99 is what the cold lookups cost the loop's other connections.
 */
public final class MetadataBench {

    private static final int FILE_SIZE = 4096;

    private MetadataBench() {
    }

    /**
     * Runs both measurements and prints them.
     *
     * @param args {@code [files [dirs [repetitions [seconds [connections]]]]]}
     * @throws Exception if the files cannot be made, the server does not start or wrk fails
     */
    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int dirs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        if (!"root".equals(System.getProperty("user.name"))) {
            System.out.println("MetadataBench: skipped, dropping the kernel's caches needs root");
            return;
        }
        Path root = Paths.get("microbench", "target", "metadata-files").toAbsolutePath();
        if (!Files.isDirectory(root.getParent())) {
            root = Paths.get("target", "metadata-files").toAbsolutePath();
        }
        createFiles(root, files, dirs);
        System.out.printf(Locale.ROOT, "%d files of %d bytes in %d directories under %s (%s)%n", files, FILE_SIZE,
                dirs, root, Files.getFileStore(root).type());

        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            paths.add(file(root, i, dirs));
        }
        Collections.shuffle(paths, new Random(42)); // as requests come: no help from the order the files were made
        MemoryCgroup.dropCaches();
        print("lookup+open, cold", lookups(paths));
        print("lookup+open, warm", lookups(paths));
        print("isLookupCached, warm", probes(paths));
        MemoryCgroup.dropCaches();
        print("isLookupCached, cold", probes(paths));

        System.out.println();
        System.out.println("probe p99 (ms) and load (requests/s) with cold small files, one event loop, " + connections
                + " load connections:");
        List<String> policies = List.of("loop", "auto");
        double[][] probeP99 = new double[policies.size()][reps];
        double[][] rate = new double[policies.size()][reps];
        Path work = root.resolveSibling("metadata-bench");
        Files.createDirectories(work);
        for (int r = 0; r < reps; r++) {
            for (int p = 0; p < policies.size(); p++) {
                int k = (p + r) % policies.size(); // interleaved, the order alternating
                double[] m = serverCell(root, files, dirs, policies.get(k), seconds, connections, work);
                probeP99[k][r] = m[0];
                rate[k][r] = m[1];
                System.out.printf(Locale.ROOT, "  rep %d %-4s probe p99 %7.2f ms, %8.0f req/s, %s%n", r + 1,
                        policies.get(k), m[0], m[1], m[2] > 0 ? (long) m[2] + " errors" : "no errors");
            }
        }
        for (int p = 0; p < policies.size(); p++) {
            System.out.printf(Locale.ROOT, "--metadata-lookup %-4s probe p99 %s ms, load %s req/s%n",
                    policies.get(p), summary(probeP99[p], 2), summary(rate[p], 0));
        }
    }

    private static Path file(Path root, int i, int dirs) {
        return root.resolve(String.format(Locale.ROOT, "d%03d/f%05d.bin", i % dirs, i));
    }

    private static void createFiles(Path root, int files, int dirs) throws IOException {
        Path done = root.resolve(".created-" + files + "-" + dirs);
        if (Files.exists(done)) {
            return;
        }
        byte[] bytes = new byte[FILE_SIZE];
        for (int d = 0; d < dirs; d++) {
            Files.createDirectories(root.resolve(String.format(Locale.ROOT, "d%03d", d)));
        }
        for (int i = 0; i < files; i++) {
            Arrays.fill(bytes, (byte) i);
            Files.write(file(root, i, dirs), bytes);
        }
        Files.write(root.resolve("probe.bin"), new byte[100]);
        Files.write(done, new byte[0]);
    }

    /** Nanoseconds of toRealPath + readAttributes + open + close, per file. */
    private static long[] lookups(List<Path> paths) throws IOException {
        long[] ns = new long[paths.size()];
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            Path real = paths.get(i).toRealPath();
            Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
                ns[i] = System.nanoTime() - t0 + (ch.size() > 0 ? 0 : 1);
            }
        }
        return ns;
    }

    /** Nanoseconds of {@link FileLookups#isLookupCached}, per file. */
    private static long[] probes(List<Path> paths) throws IOException {
        long[] ns = new long[paths.size()];
        int cached = 0;
        for (int i = 0; i < ns.length; i++) {
            long t0 = System.nanoTime();
            cached += FileLookups.isLookupCached(paths.get(i)) ? 1 : 0;
            ns[i] = System.nanoTime() - t0;
        }
        System.out.printf(Locale.ROOT, "  (%d of %d cached)%n", cached, ns.length);
        return ns;
    }

    private static void print(String what, long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-22s median %8.1f us, p99 %8.1f us, max %8.1f us, total %6.2f s%n", what,
                s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3,
                Arrays.stream(s).sum() / 1e9);
    }

    /** Median and min–max, for example {@code 3.10 (2.80–4.00)}. */
    private static String summary(double[] v, int decimals) {
        double[] s = v.clone();
        Arrays.sort(s);
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " (" + f + "\u2013" + f + ")", s[s.length / 2], s[0], s[s.length - 1]);
    }

    /** One server run: {probe p99 ms, load requests/s, errors}. */
    private static double[] serverCell(Path root, int files, int dirs, String policy, int seconds, int connections,
                                       Path work) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("server-" + policy + ".log");
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), FileServer.class.getName(), "--root",
                root.toString(), "--port", Integer.toString(port), "--threads", "1", "--metadata-lookup", policy);
        Process server = new ProcessBuilder(Tools.limitedShell(null, command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            awaitListening(port, server, log);
            MemoryCgroup.dropCaches();
            String walk = String.join("\n",
                    "local count, dirs, threads = " + files + ", " + dirs + ", " + connections,
                    "local next_id = 0",
                    "function setup(thread)",
                    "  thread:set('tid', next_id)",
                    "  next_id = next_id + 1",
                    "end",
                    "local pos",
                    "function init(args) pos = tid end",
                    "function request()",
                    // a fixed permutation of the files (7919 is prime, not a factor of the count): random-looking
                    "  local i = (pos * 7919) % count",
                    "  pos = pos + threads",
                    "  return wrk.format(nil, string.format('/d%03d/f%05d.bin', i % dirs, i))",
                    "end", Wrk.DONE);
            Wrk load = Wrk.start(walk, port, connections, connections, seconds, work, "metadata-load");
            Wrk probe = Wrk.start(Wrk.probe(10), port, 1, 1, seconds, work, "metadata-probe");
            Wrk.Result l = load.await(seconds);
            Wrk.Result p = probe.await(seconds);
            return new double[] {p.p99Ms, l.requests / l.seconds, l.errors + p.errors};
        } finally {
            server.destroy(); // SIGTERM: the server logs where its lookups ran as it stops
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            for (String line : Files.readAllLines(log)) {
                if (line.contains("metadata lookups")) {
                    System.out.println("    " + line);
                }
            }
        }
    }

    private static void awaitListening(int port, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the server did not start: " + Tools.tail(log, 20), e);
                }
                Thread.sleep(50);
            }
        }
    }
}
