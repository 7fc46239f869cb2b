package io.netty.contrib.channel.aio.microbench;

import io.netty.contrib.channel.aio.PageCache;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark: the file server with one event loop, in each mode, in one run.
 * <p>
 * {@code connections} keep-alive clients each fetch random files of {@code fileSize} bytes over and over; with
 * {@code cold}, each client evicts its file from the page cache ({@code POSIX_FADV_DONTNEED}) just before asking
 * for it, so every request goes to the disk. A probe asks for a 100-byte cached file every 10 ms: its latency is
 * what any other connection of a blocked event loop would feel. Reported per mode: throughput, request and probe
 * latency (p50/p99), and the CPU time of the server's event-loop thread per GiB sent.
 * <p>
 * Each mode is first run unmeasured for a third of the time, to warm the JIT up for all of them alike.
 * <p>
 * {@code java -jar microbench/target/load-bench.jar [--seconds N] [--connections N] [--file-size BYTES]
 * [--files N] [--modes aio,sendfile,chunked,sendfile@io_uring,nginx,nginx-threads] [--hot] [--dir DIR]}. A mode is
 * {@code mode[@transport]} of the project's server, or {@code nginx} / {@code nginx-threads} (needs nginx on the PATH).
 */
public final class FileServerLoad {

    /** One mode's numbers. */
    public static final class Result {
        public String mode;
        public double mibPerSecond;
        public long requests;
        public long errors;
        public double requestP50Ms;
        public double requestP99Ms;
        public double probeP50Ms;
        public double probeP99Ms;
        public double loopCpuMsPerGib;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "| %-8s | %8.0f | %7d | %6.1f | %6.1f | %6.2f | %6.2f | %7.0f | %d |", mode,
                    mibPerSecond, requests, requestP50Ms, requestP99Ms, probeP50Ms, probeP99Ms, loopCpuMsPerGib,
                    errors);
        }
    }

    static final String HEADER = "| mode     |    MiB/s |    reqs | req p50 ms | req p99 ms | probe p50 ms | probe p99 ms"
            + " | loop CPU ms/GiB | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";

    private FileServerLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int connections = 32;
        int fileSize = 1 << 20;
        int files = 256;
        boolean cold = true;
        String modes = "aio,sendfile,chunked";
        Path dir = Paths.get("target", "load-bench").toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds": seconds = Integer.parseInt(args[++i]); break;
                case "--connections": connections = Integer.parseInt(args[++i]); break;
                case "--file-size": fileSize = Integer.parseInt(args[++i]); break;
                case "--files": files = Integer.parseInt(args[++i]); break;
                case "--modes": modes = args[++i]; break;
                case "--hot": cold = false; break;
                case "--dir": dir = Paths.get(args[++i]).toAbsolutePath(); break;
                default:
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
            }
        }
        System.out.printf(Locale.ROOT, "%s files, %d connections, %d x %d-byte files, %d s per mode, %d cores%n",
                cold ? "cold" : "hot", connections, files, fileSize, seconds,
                Runtime.getRuntime().availableProcessors());
        // Every mode runs once unmeasured first: the JIT must not favour whichever mode comes last.
        for (String mode : modes.split(",")) {
            run(mode, dir, files, fileSize, connections, Math.max(2, seconds / 3), cold);
        }
        System.out.println(HEADER);
        for (String mode : modes.split(",")) {
            System.out.println(run(mode, dir, files, fileSize, connections, seconds, cold));
        }
    }

    /** Runs one mode (see {@link Target#start}) and returns its numbers; the CPU is the serving thread's. */
    public static Result run(String mode, Path dir, int files, int fileSize, int connections, int seconds,
                             boolean cold) throws Exception {
        List<File> paths = prepare(dir, files, fileSize);
        if (!cold) {
            // O_DIRECT reads never fill the page cache: make "hot" mean hot for every mode alike.
            byte[] buf = new byte[1 << 16];
            for (File f : paths) {
                try (InputStream in = Files.newInputStream(f.toPath())) {
                    while (in.read(buf) > 0) {
                        continue;
                    }
                }
            }
        }
        try (Target server = Target.start(mode, dir)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong bytes = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            List<long[]> latencies = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                long[] lat = new long[1 << 16];
                latencies.add(lat);
                int seed = c;
                Thread t = new Thread(() -> client(server.port(), paths, cold, seed, stop, bytes, errors, lat),
                        "load-client-" + c);
                clients.add(t);
            }
            long[] probe = new long[1 << 16];
            Thread prober = new Thread(() -> probe(server.port(), stop, errors, probe), "load-probe");
            long cpuBefore = server.cpuNanos();
            long start = System.nanoTime();
            clients.forEach(Thread::start);
            prober.start();
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
            prober.join();
            double elapsed = (System.nanoTime() - start) / 1e9;

            long cpu = server.cpuNanos() - cpuBefore;

            Result r = new Result();
            r.mode = mode;
            r.mibPerSecond = bytes.get() / elapsed / (1 << 20);
            long[] all = merge(latencies);
            r.requests = all.length;
            r.errors = errors.get();
            r.requestP50Ms = percentile(all, 0.50);
            r.requestP99Ms = percentile(all, 0.99);
            long[] p = trim(probe);
            r.probeP50Ms = percentile(p, 0.50);
            r.probeP99Ms = percentile(p, 0.99);
            r.loopCpuMsPerGib = bytes.get() == 0 ? 0 : cpu / 1e6 / (bytes.get() / (double) (1L << 30));
            return r;
        }
    }

    private static List<File> prepare(Path dir, int files, int fileSize) throws IOException {
        Files.createDirectories(dir);
        List<File> list = new ArrayList<>();
        byte[] data = new byte[fileSize];
        Random random = new Random(1);
        for (int i = 0; i < files; i++) {
            File f = dir.resolve("f" + i + ".bin").toFile();
            if (f.length() != fileSize) {
                random.nextBytes(data);
                try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
                    raf.setLength(0);
                    raf.write(data);
                }
            }
            list.add(f);
        }
        Files.write(dir.resolve("probe.txt"), new byte[100]);
        return list;
    }

    private static void client(int port, List<File> files, boolean cold, int seed, AtomicBoolean stop,
                               AtomicLong bytes, AtomicLong errors, long[] latencies) {
        Random random = new Random(seed);
        int n = 0;
        byte[] buf = new byte[1 << 16];
        while (!stop.get()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                while (!stop.get()) {
                    File file = files.get(random.nextInt(files.size()));
                    if (cold) {
                        PageCache.evict(file);
                    }
                    long t0 = System.nanoTime();
                    out.write(("GET /" + file.getName() + " HTTP/1.1\r\nHost: x\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    long body = readResponse(in, buf);
                    long t1 = System.nanoTime();
                    bytes.addAndGet(body);
                    if (n < latencies.length) {
                        latencies[n++] = t1 - t0;
                    }
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            }
        }
    }

    private static void probe(int port, AtomicBoolean stop, AtomicLong errors, long[] latencies) {
        int n = 0;
        byte[] buf = new byte[4096];
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (!stop.get()) {
                long t0 = System.nanoTime();
                out.write("GET /probe.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                readResponse(in, buf);
                if (n < latencies.length) {
                    latencies[n++] = System.nanoTime() - t0;
                }
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException e) {
            errors.incrementAndGet();
        }
    }

    /** Reads one response with a Content-Length body; returns the body's length. */
    private static long readResponse(InputStream in, byte[] buf) throws IOException {
        long length = -1;
        StringBuilder line = new StringBuilder();
        for (;;) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c == '\n') {
                String l = line.toString().trim();
                if (l.isEmpty()) {
                    break;
                }
                if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Long.parseLong(l.substring(15).trim());
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("connection closed in a body");
            }
            left -= n;
        }
        return length;
    }

    private static long[] merge(List<long[]> arrays) {
        List<Long> all = new ArrayList<>();
        for (long[] a : arrays) {
            for (long v : a) {
                if (v == 0) {
                    break;
                }
                all.add(v);
            }
        }
        long[] out = new long[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static long[] trim(long[] a) {
        int n = 0;
        while (n < a.length && a[n] != 0) {
            n++;
        }
        return Arrays.copyOf(a, n);
    }

    private static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
