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

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The load benchmark's command line, validated once. */
final class BenchOptions {

    static final String USAGE = String.join("\n",
            "usage: java -jar microbench/target/load-bench.jar [options]",
            "  --workloads LIST   hot,evicted-repeat,isolation,zipf,size,scale,h2,gzip (default: these), and",
            "                     first-touch, first-touch-probe, stalled (run only when listed); cold is",
            "                     evicted-repeat's former name",
            "  --configs LIST     aio,sendfile,chunked,aio@io_uring,sendfile@io_uring,nginx,nginx-threads, and",
            "                     MODE-h2c, MODE-h1 (h2 workload), MODE-gzip (gzip workload), MODE-h2c (stalled:",
            "                     the h2c variant); reactor, webflux, vertx and reactor-aio, webflux-aio,",
            "                     vertx-aio: a file server on the framework without and with the one line of",
            "                     docs/frameworks.md (build it first: ./mvnw -B -pl frameworks -am package",
            "                     -DskipTests) (default: each workload's own list, see docs/benchmarks.md;",
            "                     a workload runs those of the list that fit it)",
            "  --reps N           repetitions, configurations interleaved round-robin (default: 5)",
            "  --duration S       measured seconds per cell (default: 3; zipf: --zipf-duration)",
            "  --warmup S         unmeasured seconds of the same load before each cell (default: 1; zipf, stalled:",
            "                     none; first touch: --first-touch-warmup)",
            "  --zipf-duration S  measured seconds of a zipf cell (default: 25)",
            "  --threads N|all    server event loops / nginx workers (default: 1; scale runs 1 and all)",
            "  --connections N    connections of hot, evicted-repeat, isolation, size, zipf and first touch",
            "                     (default: 32)",
            "  --sizes LIST       file sizes of the size sweep (default: 4k,64k,1m,16m,256m)",
            "  --scale-connections LIST  (default: 32,256,1024,4096)",
            "  --streams N        concurrent streams per connection of the h2 workload, h2load -m (default: 4)",
            "  --text-size B      size of the gzip workload's HTML files (default: 256k)",
            "  --files N          files per set (default: 4 GiB / size, at least 32, at most 4096)",
            "  --zipf-files N     files the zipf load picks from (default: 4000)",
            "  --cgroup-limit B   memory.limit_in_bytes of the zipf server's cgroup (default: 2.5g)",
            "  --first-touch-files N  1 MiB files of a first-touch cell's measured load, each asked for once",
            "                     (default: --duration x 2.5 GiB/s, 7680 for 3 s; a wrk thread that runs out",
            "                     stops, and the table says so)",
            "  --first-touch-warmup S  seconds of the first-touch warm-up on other files (default: 20)",
            "  --first-touch-warmup-files N  its 1 MiB files, each asked for once (default: warm-up x 1 GiB/s,",
            "                     20480 for 20 s; a wrk thread that runs out stops early)",
            "  --first-touch-jit-warmup S  seconds, before the warm-up, of requests for 40,000 4 KiB files walked",
            "                     round-robin: the O_DIRECT path compiled before the load (default: 0, none)",
            "  --first-touch-drop D  all | pages: before a first-touch cell's load, drop the page cache and the",
            "                     dentries and inodes (all, as root: opening a file reads the disk too), or only",
            "                     the files' pages (pages: the file system's metadata stays cached) (default: all)",
            "  --stalled N        HTTP/1.1 connections of the stalled cell that never read (default: 150; this",
            "                     JVM needs N + 100 open files and the server about 2N + the files in use + 100,",
            "                     both at most 'ulimit -Hn': raise it, as root, before java)",
            "  --stalled-files F  distinct files the stalled requests ask for, round-robin (default: one each;",
            "                     fewer lets 10,000 readers share a set that fits on the disk)",
            "  --stalled-h2-connections N  h2c connections of the stalled cell's -h2c configurations (default: 20)",
            "  --stalled-h2-streams N  zero-window streams over them, round-robin; at most 128 per connection are",
            "                     served (default: 128)",
            "  --stalled-clients K  clients fetching at once beside the stall, curl processes (default: 4)",
            "  --stalled-rounds R  rounds of K fetches, each of another cold 8 MiB file (default: 5)",
            "  --stalled-timeout S  a fetch not complete in S seconds counts as missed (default: 10; keep",
            "                     R x S + 2 below the server's 60 s idle timeout)",
            "  --wrk-threads N    wrk threads of the load (default: the number of cores)",
            "  --dir DIR          where the file sets are created and kept (default: microbench/target/load-bench)",
            "  --out DIR          where the report goes (default: docs/benchmarks/<date>[-label])",
            "  --label NAME       suffix of the report's directory",
            "  --baseline CP      class path of another build of the project (its microbench/target/",
            "                     load-bench.jar): a configuration with +base at the end (aio+base,",
            "                     sendfile+base, ...) runs that build's server, to compare two builds in one run",
            "  --quick            a ~3-minute run: --reps 1 --duration 3 --zipf-duration 10 --configs aio,sendfile",
            "                     --sizes 64k,1m,16m --scale-connections 1024 (options after it override these)",
            "  --plan             print the cells and the estimated wall time, run nothing",
            "  --help             this text");

    /** The default configurations of a workload when {@code --configs} is not given. */
    static List<String> defaultConfigs(Workload w) {
        switch (w) {
            case HOT:
            case COLD:
            case ISOLATION:
            case FIRST_TOUCH:
            case FIRST_TOUCH_PROBE:
                return List.of("aio", "sendfile", "chunked", "aio@io_uring", "sendfile@io_uring", "nginx",
                        "nginx-threads");
            case ZIPF:
                return List.of("aio", "sendfile", "aio@io_uring", "sendfile@io_uring", "nginx-threads");
            case H2:
                return List.of("aio-h2c", "chunked-h2c", "sendfile-h1");
            case GZIP:
                return List.of("aio-gzip", "chunked-gzip");
            case STALLED:
                return List.of("aio", "sendfile", "chunked", "sendfile@io_uring", "nginx", "aio-h2c", "chunked-h2c");
            default:
                return List.of("aio", "sendfile");
        }
    }

    /** The measured load of a first-touch cell must not run out of files: it is sized for this many bytes/s. */
    static final long FIRST_TOUCH_RATE = 5L << 29;
    /** The first-touch warm-up may run out (its threads stop early): it is sized for this many bytes/s. */
    static final long FIRST_TOUCH_WARMUP_RATE = 1L << 30;

    Set<Workload> workloads = Workload.defaults();
    List<String> configs;
    /** The class path of the build that {@code +base} configurations run ({@code --baseline}), or {@code null}. */
    String baseline;
    int reps = 5;
    int duration = 3;
    int warmup = 1;
    int zipfDuration = 25;
    int threads = 1;
    int connections = 32;
    List<Long> sizes = List.of(4L << 10, 64L << 10, 1L << 20, 16L << 20, 256L << 20);
    List<Integer> scaleConnections = List.of(32, 256, 1024, 4096);
    int streams = 4;
    long textSize = 256L << 10;
    int files;
    int zipfFiles = 4000;
    long cgroupLimit = 5L << 29;
    int firstTouchFiles;
    int firstTouchWarmup = 20;
    int firstTouchWarmupFiles;
    /**
     * Seconds of the first-touch compiler warm-up ({@code --first-touch-jit-warmup}): {@link #JIT_WARMUP_FILES} files
     * of 4 KiB walked round-robin, before the warm-up on 1 MiB files; 0 for none.
     */
    int firstTouchJitWarmup;
    /**
     * Files of the compiler warm-up: more than twice what one loop's page-cache admission remembers (16,384
     * requests), so that with two loops a file is not taken for one asked for again.
     */
    static final int JIT_WARMUP_FILES = 40_000;
    /** {@code --first-touch-drop pages}: the measured files' pages only, their metadata stays cached. */
    boolean firstTouchPagesOnly;
    int stalled = 150;
    int stalledFiles;
    int stalledH2Connections = 20;
    int stalledH2Streams = 128;
    int stalledClients = 4;
    int stalledRounds = 5;
    int stalledTimeout = 10;
    int wrkThreads = Runtime.getRuntime().availableProcessors();
    Path dir = Paths.get("microbench", "target", "load-bench").toAbsolutePath();
    Path out;
    String label = "";
    boolean help;
    boolean planOnly;

    /**
     * The configurations of one workload: those of {@code --configs} that fit it (h2load ones in h2, gzip ones in
     * gzip, the others elsewhere; none may fit), or its defaults.
     */
    List<String> configs(Workload w) {
        if (configs == null) {
            return defaultConfigs(w);
        }
        List<String> out = new ArrayList<>();
        for (String c : configs) {
            if (ServerConfig.parse(c).fits(w)) {
                out.add(c);
            }
        }
        return out;
    }

    static BenchOptions parse(String... args) {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                case "--plan":
                    o.planOnly = true;
                    break;
                case "--quick":
                    o.reps = 1;
                    o.duration = 3;
                    o.zipfDuration = 10;
                    o.configs = List.of("aio", "sendfile");
                    o.sizes = List.of(64L << 10, 1L << 20, 16L << 20);
                    o.scaleConnections = List.of(1024);
                    break;
                case "--workloads":
                    o.workloads = EnumSet.noneOf(Workload.class);
                    for (String w : list(args, ++i, arg)) {
                        o.workloads.add(Workload.parse(w));
                    }
                    break;
                case "--configs":
                    o.configs = list(args, ++i, arg);
                    for (String c : o.configs) {
                        ServerConfig.parse(c);
                    }
                    break;
                case "--reps":
                    o.reps = intValue(args, ++i, arg, 1, 1000);
                    break;
                case "--duration":
                    o.duration = intValue(args, ++i, arg, 1, 3600);
                    break;
                case "--warmup":
                    o.warmup = intValue(args, ++i, arg, 0, 3600);
                    break;
                case "--zipf-duration":
                    o.zipfDuration = intValue(args, ++i, arg, 1, 3600);
                    break;
                case "--threads":
                    i++;
                    o.threads = "all".equals(value(args, i, arg)) ? allCores() : intValue(args, i, arg, 1, 1024);
                    break;
                case "--connections":
                    o.connections = intValue(args, ++i, arg, 1, 100_000);
                    break;
                case "--sizes":
                    List<Long> sizes = new ArrayList<>();
                    for (String s : list(args, ++i, arg)) {
                        sizes.add(bytes(s, arg));
                    }
                    o.sizes = sizes;
                    break;
                case "--scale-connections":
                    List<Integer> conns = new ArrayList<>();
                    for (String s : list(args, ++i, arg)) {
                        conns.add(intValue(new String[] {s}, 0, arg, 1, 100_000));
                    }
                    o.scaleConnections = conns;
                    break;
                case "--streams":
                    o.streams = intValue(args, ++i, arg, 1, 1000);
                    break;
                case "--text-size":
                    o.textSize = bytes(value(args, ++i, arg), arg);
                    break;
                case "--files":
                    o.files = intValue(args, ++i, arg, 1, 1_000_000);
                    break;
                case "--zipf-files":
                    o.zipfFiles = intValue(args, ++i, arg, 1, 1_000_000);
                    break;
                case "--cgroup-limit":
                    o.cgroupLimit = bytes(value(args, ++i, arg), arg);
                    break;
                case "--first-touch-files":
                    o.firstTouchFiles = intValue(args, ++i, arg, 1, 10_000_000);
                    break;
                case "--first-touch-warmup":
                    o.firstTouchWarmup = intValue(args, ++i, arg, 0, 3600);
                    break;
                case "--first-touch-jit-warmup":
                    o.firstTouchJitWarmup = intValue(args, ++i, arg, 0, 3600);
                    break;
                case "--first-touch-drop":
                    String drop = value(args, ++i, arg);
                    if (!drop.equals("all") && !drop.equals("pages")) {
                        throw new IllegalArgumentException("--first-touch-drop must be all or pages, not '" + drop
                                + "'");
                    }
                    o.firstTouchPagesOnly = drop.equals("pages");
                    break;
                case "--first-touch-warmup-files":
                    o.firstTouchWarmupFiles = intValue(args, ++i, arg, 1, 10_000_000);
                    break;
                case "--stalled":
                    o.stalled = intValue(args, ++i, arg, 1, 100_000);
                    break;
                case "--stalled-files":
                    o.stalledFiles = intValue(args, ++i, arg, 1, 1_000_000);
                    break;
                case "--stalled-h2-connections":
                    o.stalledH2Connections = intValue(args, ++i, arg, 1, 100_000);
                    break;
                case "--stalled-h2-streams":
                    o.stalledH2Streams = intValue(args, ++i, arg, 1, 1_000_000);
                    break;
                case "--stalled-clients":
                    o.stalledClients = intValue(args, ++i, arg, 1, 1000);
                    break;
                case "--stalled-rounds":
                    o.stalledRounds = intValue(args, ++i, arg, 1, 1000);
                    break;
                case "--stalled-timeout":
                    o.stalledTimeout = intValue(args, ++i, arg, 1, 3600);
                    break;
                case "--wrk-threads":
                    o.wrkThreads = intValue(args, ++i, arg, 1, 1024);
                    break;
                case "--dir":
                    o.dir = Paths.get(value(args, ++i, arg)).toAbsolutePath();
                    break;
                case "--out":
                    o.out = Paths.get(value(args, ++i, arg)).toAbsolutePath();
                    break;
                case "--label":
                    o.label = value(args, ++i, arg);
                    break;
                case "--baseline":
                    o.baseline = value(args, ++i, arg);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + arg + "' (try --help)");
            }
        }
        if (o.workloads.isEmpty()) {
            throw new IllegalArgumentException("--workloads: none given");
        }
        if (o.configs != null && o.baseline == null
                && o.configs.stream().anyMatch(c -> c.endsWith(ServerConfig.BASELINE))) {
            throw new IllegalArgumentException("--configs: a " + ServerConfig.BASELINE
                    + " configuration needs --baseline CLASSPATH");
        }
        return o;
    }

    static int allCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Files in a set of files of {@code size} bytes: {@code --files}, else about 4 GiB of them, 32 to 4096. */
    int filesOf(long size) {
        if (files > 0) {
            return files;
        }
        return (int) Math.max(32, Math.min(4096, (4L << 30) / size));
    }

    /** 1 MiB files of a first-touch cell's measured load: {@code --first-touch-files}, else duration x 2.5 GiB/s. */
    int firstTouchFiles() {
        return firstTouchFiles > 0 ? firstTouchFiles : (int) (duration * FIRST_TOUCH_RATE >> 20);
    }

    /** 1 MiB files of the first-touch warm-up: {@code --first-touch-warmup-files}, else warm-up x 1 GiB/s. */
    int firstTouchWarmupFiles() {
        if (firstTouchWarmupFiles > 0) {
            return firstTouchWarmupFiles;
        }
        return firstTouchWarmup == 0 ? 0 : (int) Math.max(32, firstTouchWarmup * FIRST_TOUCH_WARMUP_RATE >> 20);
    }

    /**
     * The distinct files the stalled cell's requests ask for: {@code --stalled-files}, or one per request of the
     * larger variant (HTTP/1.1 connections or h2c streams). The fetches beside the stall take the files after them.
     */
    int stalledFiles() {
        int requests = Math.max(stalled, stalledH2Streams);
        return stalledFiles > 0 ? Math.min(stalledFiles, requests) : requests;
    }

    /** {@code 4k}, {@code 1m}, {@code 2.5g} or a plain number of bytes. */
    static long bytes(String s, String option) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
            unit = 1L << (10 * ("kmg".indexOf(v.charAt(v.length() - 1)) + 1));
            v = v.substring(0, v.length() - 1);
        }
        try {
            double n = Double.parseDouble(v);
            if (n > 0) {
                return (long) (n * unit);
            }
        } catch (NumberFormatException ignore) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": not a size: '" + s + "' (e.g. 4k, 1m, 2.5g)");
    }

    /** {@code 4096} as {@code 4 KiB}, {@code 1048576} as {@code 1 MiB}. */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.0f %s", v, units[u]);
    }

    private static List<String> list(String[] args, int i, String option) {
        List<String> out = new ArrayList<>();
        for (String s : value(args, i, option).split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return out;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int intValue(String[] args, int i, String option, int min, int max) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignore) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a number from " + min + " to " + max + ", not '" + v
                + "'");
    }

    @Override
    public String toString() {
        return "workloads " + workloads.stream().map(Workload::id).collect(Collectors.toList()) + ", reps " + reps + ", " + duration + " s per cell (zipf " + zipfDuration
                + " s), warm-up " + warmup + " s, threads " + threads + ", sizes " + Arrays.toString(sizes.toArray());
    }
}
