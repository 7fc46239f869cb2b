package io.netty.contrib.channel.aio.microbench;

import io.netty.contrib.channel.aio.example.file.FileServer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under load: the project's file server in one mode and transport (one event loop), or nginx (one worker
 * process) for comparison. Knows its port and how much CPU its serving thread or process has used.
 */
abstract class Target implements AutoCloseable {

    abstract int port();

    /** CPU time used so far by the thread or process that serves (nanoseconds). */
    abstract long cpuNanos() throws IOException;

    @Override
    public abstract void close() throws Exception;

    /**
     * {@code mode[@transport]} (for example {@code aio}, {@code sendfile@io_uring}), {@code nginx} (sendfile) or
     * {@code nginx-threads} (O_DIRECT reads in nginx's thread pool: {@code aio threads; directio}; Debian's nginx is
     * built without Linux native AIO).
     */
    static Target start(String spec, Path root) throws Exception {
        if (spec.equals("nginx") || spec.equals("nginx-threads")) {
            return new Nginx(root, spec.equals("nginx-threads"));
        }
        String[] parts = spec.split("@");
        List<String> args = new ArrayList<>(List.of("--root", root.toString(), "--port", "0", "--threads", "1",
                "--mode", parts[0]));
        if (parts.length > 1) {
            args.add("--transport");
            args.add(parts[1]);
        }
        return new Netty(FileServer.start(args.toArray(new String[0])));
    }

    /** The project's server. */
    private static final class Netty extends Target {
        private final FileServer server;
        private final long loopThread;

        Netty(FileServer server) throws Exception {
            this.server = server;
            long[] id = new long[1];
            server.loop().submit(() -> id[0] = Thread.currentThread().getId()).sync();
            loopThread = id[0];
        }

        @Override
        int port() {
            return server.port();
        }

        @Override
        long cpuNanos() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return threads.getThreadCpuTime(loopThread);
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    /** nginx from the system, one worker, started with a configuration of its own under target/. */
    private static final class Nginx extends Target {
        private final Process master;
        private final Path prefix;
        private final int port;

        Nginx(Path root, boolean threads) throws Exception {
            prefix = root.getParent().resolve(threads ? "nginx-threads" : "nginx");
            Files.createDirectories(prefix.resolve("logs"));
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String conf = String.join("\n",
                    "worker_processes 1;",
                    "daemon off;",
                    "master_process on;",
                    "user root;",
                    "pid " + prefix.resolve("nginx.pid") + ";",
                    "error_log " + prefix.resolve("logs/error.log") + " warn;",
                    "events { worker_connections 4096; }",
                    "http {",
                    "  access_log off;",
                    "  keepalive_requests 1000000;",
                    tempPaths(prefix.resolve("tmp")),
                    threads ? "  aio threads; directio 4k; output_buffers 2 1m;" : "  sendfile on;",
                    "  server { listen 127.0.0.1:" + port + "; root " + root + "; }",
                    "}", "");
            Path file = prefix.resolve("nginx.conf");
            Files.write(file, conf.getBytes(StandardCharsets.US_ASCII));
            master = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", file.toString())
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException e) {
                    if (!master.isAlive() || System.nanoTime() > deadline) {
                        throw new IOException("nginx did not start: see " + prefix.resolve("logs"), e);
                    }
                    Thread.sleep(50);
                }
            }
        }

        /** nginx's temp directories, which default to places under /var that a test run must not touch. */
        private static String tempPaths(Path tmp) {
            StringBuilder sb = new StringBuilder();
            for (String name : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
                sb.append("  ").append(name).append("_temp_path ").append(tmp).append(";\n");
            }
            return sb.toString();
        }

        @Override
        int port() {
            return port;
        }

        /** utime + stime of the worker processes (children of the master, with their thread pools), from /proc. */
        @Override
        long cpuNanos() throws IOException {
            long ticks = 0;
            for (ProcessHandle child : master.children().toArray(ProcessHandle[]::new)) {
                String stat = new String(Files.readAllBytes(Path.of("/proc/" + child.pid() + "/stat")),
                        StandardCharsets.US_ASCII);
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        }

        @Override
        public void close() throws Exception {
            master.destroy();
            master.waitFor(10, TimeUnit.SECONDS);
            master.destroyForcibly();
        }
    }
}
