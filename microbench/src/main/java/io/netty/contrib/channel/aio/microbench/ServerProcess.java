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

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A server under test in a process of its own, listening on 127.0.0.1 only: the project's file server
 * ({@code java -Xmx1g}, through {@link MeteredFileServer}), a framework's ({@link FrameworkServer}, without the
 * loop window and the direct-memory sampler) or nginx (one master, {@code threads} workers). It is
 * started by {@code /bin/sh}, which raises {@code RLIMIT_NOFILE} and, when asked, moves itself into a memory cgroup
 * before it {@code exec}s the server, so the server's every byte is charged to the group.
 */
final class ServerProcess implements AutoCloseable {
    /** The server's open-file limit: enough for the largest scale cell. */
    static final int NOFILE = 65536;

    private final Process process;
    private final int port;
    private final Path peakDirectFile;
    private final Path logFile;

    private ServerProcess(Process process, int port, Path peakDirectFile, Path logFile) {
        this.process = process;
        this.port = port;
        this.peakDirectFile = peakDirectFile;
        this.logFile = logFile;
    }

    /**
     * Starts {@code config} serving {@code root} with {@code threads} event loops or workers; {@code cgroupProcs}
     * is the {@code cgroup.procs} file of the memory group to start it in, or {@code null}.
     */
    static ServerProcess start(ServerConfig config, Path root, int threads, Path workDir, Path cgroupProcs,
                               String baselineClassPath) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        int port = freePort();
        Path log = workDir.resolve("server.log");
        Path peak = null;
        List<String> command = new ArrayList<>();
        if (config.nginx) {
            command.addAll(List.of(Tools.require("nginx"), "-p", workDir.toString(), "-c",
                    nginxConf(config, root, threads, port, workDir).toString()));
        } else if (config.framework != null) {
            command.addAll(FrameworkServer.command(javaExecutable(), config, root, threads, port));
        } else {
            peak = workDir.resolve("direct-memory-peak");
            Files.deleteIfExists(peak);
            command.addAll(List.of(javaExecutable(), "-Xmx1g", "-cp",
                    config.baseline ? baselineClassPath : classPath(),
                    MeteredFileServer.class.getName(), peak.toString(), "--root", root.toString(), "--bind",
                    "127.0.0.1", "--port", Integer.toString(port), "--threads", Integer.toString(threads), "--mode",
                    config.mode, "--transport", config.transport));
            if (config.gzip) {
                command.add("--gzip");
            }
        }
        ProcessBuilder builder = new ProcessBuilder(Tools.limitedShell(cgroupProcs, command))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // File names as UTF-8 whatever the benchmark's locale (the server would otherwise run itself again).
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process p = builder.start();
        ServerProcess server = new ServerProcess(p, port, peak, log);
        server.awaitListening();
        return server;
    }

    int port() {
        return port;
    }

    /** The server's processes: the JVM, or nginx's master and its workers. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    ProcStats stats() throws IOException {
        return ProcStats.of(pids());
    }

    /** The peak of the JVM's direct memory so far, or -1 (nginx, or nothing sampled). */
    long peakDirectBytes() throws IOException {
        if (peakDirectFile == null || !Files.exists(peakDirectFile)) {
            return -1;
        }
        return Long.parseLong(new String(Files.readAllBytes(peakDirectFile), StandardCharsets.US_ASCII).trim());
    }

    /** Opens a window on the server's event loops (see {@link MeteredFileServer}); nothing for nginx. */
    void openLoopWindow() throws IOException {
        if (peakDirectFile != null) {
            Files.deleteIfExists(loopFile());
            process.getOutputStream().write("start\n".getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
        }
    }

    /** Closes the window: what the loops did since {@link #openLoopWindow()}; {@code null} for nginx. */
    LoopWindow closeLoopWindow() throws IOException, InterruptedException {
        if (peakDirectFile == null) {
            return null;
        }
        process.getOutputStream().write("end\n".getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(loopFile())) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IOException("the server wrote no loop window: " + logFile);
            }
            Thread.sleep(10);
        }
        return LoopWindow.read(loopFile());
    }

    private Path loopFile() {
        return peakDirectFile.resolveSibling(peakDirectFile.getFileName() + ".loop");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return logFile;
    }

    /**
     * SIGKILL to the server and its children: the cell has been measured, and a graceful stop would wait for
     * transfers in flight (up to 10 s with a gigabyte of reads queued).
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
        process.destroyForcibly();
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((process.isAlive() || children.stream().anyMatch(ProcessHandle::isAlive))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("the server did not start; its output: " + logFile + "\n"
                            + Tools.tail(logFile, 20), e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This JVM's class path (under Surefire, the test class path it was given), which holds the file server. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isEmpty() ? surefire : System.getProperty("java.class.path");
    }

    private static Path nginxConf(ServerConfig config, Path root, int threads, int port, Path prefix)
            throws IOException {
        Files.createDirectories(prefix.resolve("logs"));
        Path tmp = prefix.resolve("tmp");
        Files.createDirectories(tmp);
        boolean root0 = Tools.isRoot();
        StringBuilder temp = new StringBuilder();
        for (String name : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
            temp.append("  ").append(name).append("_temp_path ").append(tmp.resolve(name)).append(";\n");
        }
        String conf = String.join("\n",
                "worker_processes " + threads + ";",
                "worker_rlimit_nofile " + NOFILE + ";",
                "daemon off;",
                "master_process on;",
                root0 ? "user root;" : "",
                "pid " + prefix.resolve("nginx.pid") + ";",
                "error_log " + prefix.resolve("logs" + File.separator + "error.log") + " warn;",
                "events { worker_connections " + (NOFILE / 2) + "; }",
                "http {",
                "  access_log off;",
                "  keepalive_requests 1000000;",
                "  keepalive_timeout 120s;",
                temp.toString(),
                config.mode.equals("threads") ? "  aio threads; directio 4k; output_buffers 2 1m;" : "  sendfile on;",
                "  server { listen 127.0.0.1:" + port + " backlog=8192; root " + root + "; }",
                "}", "");
        Path file = prefix.resolve("nginx.conf");
        Files.write(file, conf.getBytes(StandardCharsets.US_ASCII));
        return file;
    }
}
