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

import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.PageCache;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file server over HTTP/2: h2 through ALPN with {@code --tls}, h2c with prior knowledge, driven by curl, the JDK
 * HttpClient and a Netty frame-level client; every HTTP/1.1 behaviour on streams, many streams on one connection, and
 * a stream reset mid-file.
 */
class Http2Test {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static File big;
    private static File text;
    private static final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("www-h2");
        big = TestFiles.create(root, "big.bin", 3_000_017, 7);
        text = root.resolve("hello.txt").toFile();
        Files.write(text.toPath(), "hello, world\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("empty.txt"), new byte[0]);
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub").resolve("inner.txt"), "x".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (FileServer server : servers) {
            server.close();
        }
    }

    private static FileServer server(String mode, String... extra) throws Exception {
        FileServer server = TestServers.start(root, mode, extra);
        servers.add(server);
        return server;
    }

    private static String protocolOption(String mode) {
        return mode.endsWith("+tls") ? "--http2" : "--http2-prior-knowledge";
    }

    /** curl over HTTP/2 into a scratch file: the SHA-256 of what it saved, after checking that it spoke HTTP/2. */
    private static String curlHttp2(FileServer server, String mode, String path) throws Exception {
        File out = root.getParent().resolve("curl-h2-" + System.nanoTime()).toFile();
        try {
            String version = TestServers.curlOutput(List.of("-s", "-k", "--fail", protocolOption(mode), "-o",
                    out.getPath(), "-w", "%{http_version}", server.url() + path));
            assertEquals("2", version, "the protocol curl spoke");
            return TestFiles.sha256(out, 0, out.length());
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "chunked", "sendfile", "aio+tls", "chunked+tls", "aio@io_uring", "aio@nio"})
    void curlDownloadsOverHttp2AreByteExact(String mode) throws Exception {
        FileServer server = server(mode);
        AioMetrics metrics = AioMetrics.of(server.loop());
        long reads = metrics.readsCompleted() + metrics.pageCacheReads();
        long fallbacks = metrics.fallbacks();
        PageCache.evict(big);
        assertEquals(TestFiles.sha256(big, 0, big.length()), curlHttp2(server, mode, "big.bin"));
        if (mode.startsWith("aio") && !mode.contains("@nio")) {
            // The stream's body was read by AioChunkedInput, without a fallback.
            assertTrue(metrics.readsCompleted() + metrics.pageCacheReads() > reads, metrics.toString());
            assertEquals(fallbacks, metrics.fallbacks(), metrics.toString());
        }
        assertEquals(TestFiles.sha256(text, 0, text.length()), curlHttp2(server, mode, "hello.txt"));
        assertEquals(TestFiles.sha256(root.resolve("empty.txt").toFile(), 0, 0), curlHttp2(server, mode, "empty.txt"));
        // The same server still speaks HTTP/1.1 to a client that does not ask for HTTP/2.
        assertEquals(TestFiles.sha256(big, 0, big.length()), TestServers.curl(root, server, "big.bin"));
    }

    @Test
    void theJdkClientGetsHttp2ThroughAlpn() throws Exception {
        FileServer server = server("aio+tls");
        HttpClient client = TestServers.http2Client();
        HttpResponse<byte[]> res = TestServers.get(client, server, "big.bin");
        assertEquals(HttpClient.Version.HTTP_2, res.version());
        assertEquals(200, res.statusCode());
        assertArrayEquals(TestFiles.read(big, 0, (int) big.length()), res.body());
        assertEquals("application/octet-stream", res.headers().firstValue("content-type").orElse(null));
        assertEquals("3000017", res.headers().firstValue("content-length").orElse(null));
        HttpResponse<byte[]> hello = TestServers.get(client, server, "hello.txt");
        assertEquals("hello, world\n", new String(hello.body(), StandardCharsets.UTF_8));
        assertEquals(HttpClient.Version.HTTP_2, hello.version());
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionAreByteExact() throws Exception {
        FileServer server = server("aio+tls");
        HttpClient client = TestServers.http2Client();
        byte[] whole = TestFiles.read(big, 0, (int) big.length());
        PageCache.evict(big);
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "big.bin"))
                    .timeout(Duration.ofSeconds(60));
            if (i % 4 == 1) {
                b.header("Range", "bytes=" + (i * 10_007) + '-' + (i * 10_007 + 700_000));
            }
            responses.add(client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (int i = 0; i < responses.size(); i++) {
            HttpResponse<byte[]> res = responses.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, res.version());
            if (i % 4 == 1) {
                assertEquals(206, res.statusCode());
                int first = i * 10_007;
                assertArrayEquals(Arrays.copyOfRange(whole, first, first + 700_001), res.body(), "range " + i);
            } else {
                assertEquals(200, res.statusCode());
                assertArrayEquals(whole, res.body(), "response " + i);
            }
        }

        // curl: 20 transfers multiplexed on one connection (one connect in all). Over TLS: curl 7.88 fails the
        // transfers that wait for a prior-knowledge h2c connection ("Error in the HTTP2 framing layer") before it
        // sends them.
        List<String> args = new ArrayList<>(List.of("-s", "-k", "--no-progress-meter", "--fail", "--http2",
                "--parallel", "--parallel-max", "20", "-w", "%{num_connects} %{http_version}\\n"));
        List<File> outs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            File out = root.getParent().resolve("curl-par-" + i + '-' + System.nanoTime()).toFile();
            outs.add(out);
            args.addAll(List.of("-o", out.getPath(), server.url() + "big.bin"));
        }
        String expected = TestFiles.sha256(big, 0, big.length());
        String report = TestServers.curlOutput(args);
        int connects = 0;
        for (String line : report.trim().split("\n")) {
            String[] f = line.trim().split(" ");
            connects += Integer.parseInt(f[0]);
            assertEquals("2", f[1], report);
        }
        assertEquals(1, connects, "connections opened by curl: " + report);
        for (File out : outs) {
            assertEquals(expected, TestFiles.sha256(out, 0, out.length()));
            Files.delete(out.toPath());
        }

        // h2c with prior knowledge: 32 streams at once on one connection.
        FileServer cleartext = server("aio");
        PageCache.evict(big);
        try (Http2TestClient h2 = Http2TestClient.connect(cleartext, false)) {
            List<CompletableFuture<Http2TestClient.Response>> streams = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                streams.add(h2.request("GET", "/big.bin", -1));
            }
            for (CompletableFuture<Http2TestClient.Response> f : streams) {
                Http2TestClient.Response r = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals(expected, TestFiles.hex(TestFiles.sha256().digest(r.body.toByteArray())));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "aio+tls", "chunked"})
    void rangesHeadConditionalRefusalsAndErrorsOverHttp2(String mode) throws Exception {
        FileServer server = server(mode);
        long len = big.length();
        try (Http2TestClient h2 = Http2TestClient.connect(server, mode.endsWith("+tls"))) {
            Http2TestClient.Response range = h2.send("GET", "/big.bin", "range", "bytes=1000-1999");
            assertEquals(206, range.status());
            assertEquals("bytes 1000-1999/" + len, range.header("content-range"));
            assertArrayEquals(TestFiles.read(big, 1000, 1000), range.body.toByteArray());

            Http2TestClient.Response suffix = h2.send("GET", "/big.bin", "range", "bytes=-17");
            assertArrayEquals(TestFiles.read(big, len - 17, 17), suffix.body.toByteArray());

            Http2TestClient.Response multi = h2.send("GET", "/big.bin", "range", "bytes=0-9,100-109");
            assertEquals(206, multi.status());
            assertTrue(multi.header("content-type").startsWith("multipart/byteranges; boundary="));
            assertEquals(Long.parseLong(multi.header("content-length")), multi.body.size());
            String body = new String(multi.body.toByteArray(), StandardCharsets.ISO_8859_1);
            assertTrue(body.contains("Content-Range: bytes 100-109/" + len), body);

            Http2TestClient.Response unsatisfiable = h2.send("GET", "/big.bin", "range", "bytes=" + len + '-');
            assertEquals(416, unsatisfiable.status());
            assertEquals("bytes */" + len, unsatisfiable.header("content-range"));

            Http2TestClient.Response head = h2.send("HEAD", "/big.bin");
            assertEquals(200, head.status());
            assertEquals(Long.toString(len), head.header("content-length"));
            assertEquals(0, head.body.size());

            String etag = head.header("etag");
            Http2TestClient.Response notModified = h2.send("GET", "/big.bin", "if-none-match", etag);
            assertEquals(304, notModified.status());
            assertEquals(0, notModified.body.size());
            assertNull(notModified.header("content-length"));
            Http2TestClient.Response since = h2.send("GET", "/hello.txt", "if-modified-since",
                    h2.send("HEAD", "/hello.txt").header("last-modified"));
            assertEquals(304, since.status());
            Http2TestClient.Response ifRange = h2.send("GET", "/hello.txt", "range", "bytes=0-4", "if-range",
                    "\"stale\"");
            assertEquals(200, ifRange.status(), "an If-Range that does not match: the whole file");

            assertEquals(404, h2.send("GET", "/missing.txt").status());
            assertEquals(403, h2.send("GET", "/%2e%2e/etc/passwd").status());
            assertEquals(301, h2.send("GET", "/sub").status());
            assertEquals("/sub/", h2.send("GET", "/sub").header("location"));
            Http2TestClient.Response listing = h2.send("GET", "/sub/");
            assertEquals(200, listing.status());
            assertTrue(new String(listing.body.toByteArray(), StandardCharsets.UTF_8).contains("inner.txt"));
            Http2TestClient.Response delete = h2.send("DELETE", "/hello.txt");
            assertEquals(405, delete.status());
            assertEquals("GET, HEAD", delete.header("allow"));
            assertEquals(417, h2.send("GET", "/hello.txt", "expect", "nonsense").status());

            assertEquals("hello, world\n", new String(h2.send("GET", "/hello.txt").body.toByteArray(),
                    StandardCharsets.UTF_8), "the connection still serves after the refusals");
            assertTrue(h2.connection().isActive());
        }
    }

    @Test
    void uploadsAndDeletesOverHttp2() throws Exception {
        FileServer server = server("aio", "--uploads");
        Path target = root.resolve("uploaded-h2.bin");
        Files.deleteIfExists(target);
        try {
            String put = TestServers.curlOutput(List.of("-s", "--fail", "--http2-prior-knowledge", "-T",
                    big.getPath(), "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                    server.url() + "uploaded-h2.bin"));
            assertEquals("2 201", put);
            assertEquals(TestFiles.sha256(big, 0, big.length()),
                    TestFiles.sha256(target.toFile(), 0, target.toFile().length()));
            String delete = TestServers.curlOutput(List.of("-s", "--fail", "--http2-prior-knowledge", "-X", "DELETE",
                    "-o", "/dev/null", "-w", "%{http_version} %{http_code}", server.url() + "uploaded-h2.bin"));
            assertEquals("2 204", delete);
            assertFalse(Files.exists(target));
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "aio+tls", "chunked", "aio@nio"})
    void aStreamResetMidFileLeavesTheOthersServedAndNothingOpen(String mode) throws Exception {
        FileServer server = server(mode);
        String expected = TestFiles.sha256(big, 0, big.length());
        PageCache.evict(big);
        int[] before = TestServers.ownAndDirectFilesUnder(root);
        try (Http2TestClient h2 = Http2TestClient.connect(server, mode.endsWith("+tls"))) {
            List<CompletableFuture<Http2TestClient.Response>> whole = new ArrayList<>();
            List<CompletableFuture<Http2TestClient.Response>> cut = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                cut.add(h2.request("GET", "/big.bin", 100_000L * (i + 1)));
                whole.add(h2.request("GET", "/big.bin", -1));
            }
            for (CompletableFuture<Http2TestClient.Response> f : cut) {
                Http2TestClient.Response r = f.get(30, TimeUnit.SECONDS);
                assertTrue(r.reset);
                assertTrue(r.body.size() < big.length(), "reset before the end: " + r.body.size());
            }
            for (CompletableFuture<Http2TestClient.Response> f : whole) {
                Http2TestClient.Response r = f.get(60, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals(expected, TestFiles.hex(TestFiles.sha256().digest(r.body.toByteArray())));
            }
            assertEquals(200, h2.send("GET", "/hello.txt").status(), "the connection goes on after the resets");
            assertTrue(h2.connection().isActive());
            // The responses' own descriptors are closed; this server's open-file cache may keep one O_DIRECT
            // descriptor per file served (big.bin, hello.txt).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (TestServers.ownAndDirectFilesUnder(root)[0] > before[0] && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int[] open = TestServers.ownAndDirectFilesUnder(root);
            assertEquals(before[0], open[0], "files left open by the reset streams");
            assertTrue(open[1] <= before[1] + 2, "O_DIRECT descriptors: " + open[1] + ", before: " + before[1]);
        }
    }

    /**
     * Streams at a zero flow-control window (a client that takes no byte of the bodies and sends no
     * {@code WINDOW_UPDATE}) hold the chunks read for them: enough of them could fill the loop's memory budget and
     * leave every other client without bodies. They may take at most half of it; another client's cold file arrives.
     */
    @ParameterizedTest
    @ValueSource(strings = {"aio", "aio@io_uring"})
    void streamsAtAZeroWindowCannotStarveAnotherClient(String mode) throws Exception {
        Path dir = TestFiles.directory("h2-zero-window-" + mode.replace('@', '-'));
        List<File> held = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            held.add(TestFiles.create(dir, "held" + i + ".bin", 1 << 20, 300 + i));
        }
        File wanted = TestFiles.create(dir, "wanted.bin", 8 << 20, 399);
        String expected = TestFiles.sha256(wanted, 0, wanted.length());
        for (File f : held) {
            PageCache.evict(f);
        }
        PageCache.evict(wanted);
        // 1 MiB chunks, 4 MiB of them per loop: 24 streams at a zero window would want 24 MiB.
        FileServer server = TestServers.start(dir, mode, "--memory-budget", "4m");
        servers.add(server);
        AioMetrics metrics = AioMetrics.of(server.loop());
        try (Http2TestClient stalled = Http2TestClient.connect(server, 0)) {
            List<CompletableFuture<Http2TestClient.Response>> stuck = new ArrayList<>();
            for (File f : held) {
                stuck.add(stalled.request("GET", "/" + f.getName(), -1));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (metrics.regions() < held.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            try (Http2TestClient client = Http2TestClient.connect(server, false)) {
                CompletableFuture<Http2TestClient.Response> got = client.request("GET", "/wanted.bin", -1);
                Http2TestClient.Response r;
                try {
                    r = got.get(30, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("the other client's file did not arrive: " + metrics, e);
                }
                assertEquals(200, r.status());
                assertEquals(expected, TestFiles.hex(TestFiles.sha256().digest(r.body.toByteArray())));
            }
            for (CompletableFuture<Http2TestClient.Response> f : stuck) {
                assertFalse(f.isDone(), "a stream at a zero window got its whole body");
            }
            assertTrue(metrics.maxMemoryUsed() <= 4 << 20, "over the budget: " + metrics);
        }
    }
}

