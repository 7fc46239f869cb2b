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
package io.netty.contrib.channel.aio.example.file;

import io.netty.channel.uring.IoUring;
import io.netty.contrib.channel.aio.TestFiles;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starting file servers in this JVM, and the clients and probes the server tests share. */
final class TestServers {

    static {
        // The server's certificate is self-signed for "localhost"; the client trusts it and connects to 127.0.0.1.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }

    private TestServers() {
    }

    /**
     * Starts a server on {@code root} with one event loop. {@code mode} is {@code aio}, {@code sendfile} or
     * {@code chunked}, optionally followed by {@code @transport} and then {@code +tls}; {@code extra} are more options.
     */
    static FileServer start(Path root, String mode, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--root", root.toString(), "--port", "0", "--threads", "1"));
        args.addAll(List.of(extra));
        String m = mode.replace("+tls", "");
        if (m.contains("@")) {
            args.add("--transport");
            args.add(m.substring(m.indexOf('@') + 1));
            m = m.substring(0, m.indexOf('@'));
            assumeTrue(IoUring.isAvailable() || !mode.contains("io_uring"), "io_uring is not available here");
        }
        args.add("--mode");
        args.add(m);
        if (mode.endsWith("+tls")) {
            args.add("--tls");
        }
        return FileServer.start(args.toArray(new String[0]));
    }

    /** An SSL context that trusts any certificate (the servers' are self-signed). */
    static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The JDK's HTTP/1.1 client, trusting the servers' certificates. */
    static HttpClient client() {
        return HttpClient.newBuilder().sslContext(trustAll()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The JDK's client in HTTP/2 mode: h2 over TLS through ALPN (in cleartext it would try the h2c upgrade). */
    static HttpClient http2Client() {
        return HttpClient.newBuilder().sslContext(trustAll()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Runs curl with {@code args} and returns what it printed (its {@code -w} text); fails if curl failed. */
    static String curlOutput(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    /** GET {@code path} with headers given as name, value, name, value… */
    static HttpResponse<byte[]> get(HttpClient client, FileServer server, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Downloads with curl into a scratch file next to {@code root}; returns the SHA-256 of what it saved. */
    static String curl(Path root, FileServer server, String path) throws Exception {
        File out = root.getParent().resolve("curl-" + System.nanoTime()).toFile();
        Process p = new ProcessBuilder("curl", "-s", "-k", "--fail", "-o", out.getPath(), server.url() + path)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try {
            return TestFiles.sha256(out, 0, out.length());
        } finally {
            Files.delete(out.toPath());
        }
    }

    /** What one run of curl gave: its exit code, the last response's status, headers (lower-case names) and body. */
    static final class Curl {
        final int exit;
        final int status;
        final Map<String, String> headers;
        final byte[] body;
        final String stderr;

        Curl(int exit, int status, Map<String, String> headers, byte[] body, String stderr) {
            this.exit = exit;
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.stderr = stderr;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "curl exit " + exit + ", status " + status + ", " + headers + ", stderr: " + stderr;
        }
    }

    /**
     * Runs {@code curl -s -S} with {@code args} (options, then the URL), saving what it received in scratch files next
     * to {@code root}; for a HEAD ({@code -I}) the body is empty.
     */
    static Curl curlRun(Path root, String... args) throws Exception {
        Path headers = root.getParent().resolve("curl-headers-" + System.nanoTime());
        Path body = root.getParent().resolve("curl-body-" + System.nanoTime());
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "30", "-D", headers.toString(),
                "-o", body.toString(), "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
        try {
            Map<String, String> names = new LinkedHashMap<>();
            if (Files.exists(headers)) {
                for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("HTTP/")) {
                        names.clear(); // a redirect followed: keep the last response's
                    }
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        names.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).trim());
                    }
                }
            }
            byte[] content = Files.exists(body) && !List.of(args).contains("-I") ? Files.readAllBytes(body)
                    : new byte[0];
            String code = new String(out, StandardCharsets.US_ASCII).trim();
            return new Curl(p.exitValue(), code.isEmpty() ? 0 : Integer.parseInt(code), names, content, err);
        } finally {
            Files.deleteIfExists(headers);
            Files.deleteIfExists(body);
        }
    }

    /**
     * Asserts that process {@code pid} has no file under {@code dir} open, giving a server that just stopped 10 s to
     * close what its terminating loops and threads still hold (on a loaded machine they may finish after its close
     * returned); a descriptor that stays open fails.
     */
    static void assertNoFilesOpenUnder(long pid, Path dir, String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openFilesUnder(pid, dir) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, openFilesUnder(pid, dir), message);
    }

    /**
     * The file descriptors of process {@code pid} open on files under {@code dir} ({@code /proc/<pid>/fd}); not on
     * {@code dir} itself, which a server holds open while it runs.
     */
    static int openFilesUnder(long pid, Path dir) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    Path file = Files.readSymbolicLink(fd);
                    if (file.startsWith(dir) && !file.equals(dir)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed since it was listed
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return n;
    }

    /** {@code O_DIRECT} in the (octal) flags of {@code /proc/<pid>/fdinfo}: 040000 on x86-64, 0200000 on aarch64. */
    private static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;

    /**
     * This process's descriptors of files under {@code dir} (or of {@code dir}, a file): {@code [0]} opened without
     * {@code O_DIRECT} (a response's own, or one that responses share), {@code [1]} with it (the open-file cache of a
     * loop keeps those of recently served files).
     */
    static int[] ownAndDirectFilesUnder(Path dir) throws IOException {
        int[] open = new int[2];
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (!Files.readSymbolicLink(fd).startsWith(dir)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo/" + fd.getFileName()))) {
                        if (line.startsWith("flags:")) {
                            boolean direct = (Integer.parseInt(line.substring(6).trim(), 8) & O_DIRECT) != 0;
                            open[direct ? 1 : 0]++;
                        }
                    }
                } catch (IOException e) {
                    // closed since it was listed
                }
            }
        }
        return open;
    }

    /** The file descriptors of process {@code pid} open on {@code dir} itself (a server's root). */
    static int openOn(long pid, Path dir) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(dir)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed since it was listed
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return n;
    }

    /** All file descriptors of process {@code pid}. */
    static int openFiles(long pid) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/fd"))) {
            int n = 0;
            for (Path ignored : fds) {
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
