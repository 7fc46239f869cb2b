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

import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.PageCache;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
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
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --gzip}: compressible files compressed on the fly for clients that accept gzip, over HTTP/1.1 and HTTP/2;
 * {@code Accept-Encoding}, {@code Vary}, validators, ranges and {@code HEAD} as RFC 9110 has them.
 */
class GzipTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static byte[] text;
    private static File big;
    private static final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("www-gzip");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 3_000_000; i++) {
            sb.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog ").append(i * 7919L)
                    .append('\n');
        }
        text = sb.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("text.txt"), text);
        Files.write(root.resolve("data.json"), Arrays.copyOf(("{\"a\": \"" + sb.substring(0, 4000) + "\"}")
                .getBytes(StandardCharsets.UTF_8), 4000));
        Files.write(root.resolve("small.txt"), "tiny\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("image.png"), Arrays.copyOf(text, 10_000));
        big = TestFiles.create(root, "big.bin", 1_000_003, 3);
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

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    private static HttpResponse<byte[]> send(HttpClient client, FileServer server, String method, String path,
                                             String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> res, String name) {
        return res.headers().firstValue(name).orElse(null);
    }

    /** curl {@code --compressed}: what it saved (decompressed) and the response's headers, lower case. */
    private static String[] curlCompressed(FileServer server, String protocol, String path, File out)
            throws Exception {
        File headers = root.getParent().resolve("curl-headers-" + System.nanoTime()).toFile();
        try {
            List<String> args = new ArrayList<>(List.of("-s", "-k", "--fail", "--compressed", "-D", headers.getPath(),
                    "-o", out.getPath(), "-w", "%{http_version}"));
            if (protocol != null) {
                args.add(protocol);
            }
            args.add(server.url() + path);
            String version = TestServers.curlOutput(args);
            return new String[] {version, Files.readString(headers.toPath()).toLowerCase(Locale.ROOT)};
        } finally {
            Files.deleteIfExists(headers.toPath());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "chunked", "sendfile", "aio+tls", "aio@io_uring", "aio@nio"})
    void curlCompressedIsByteExactOverHttp1AndHttp2(String mode) throws Exception {
        FileServer server = server(mode, "--gzip");
        boolean tls = mode.endsWith("+tls");
        File out = root.getParent().resolve("curl-gzip-" + System.nanoTime()).toFile();
        try {
            PageCache.evict(root.resolve("text.txt").toFile());
            for (String protocol : new String[] {"--http1.1", tls ? "--http2" : "--http2-prior-knowledge"}) {
                String[] r = curlCompressed(server, protocol, "text.txt", out);
                assertArrayEquals(text, Files.readAllBytes(out.toPath()), protocol);
                assertTrue(r[1].contains("content-encoding: gzip"), r[1]);
                assertTrue(r[1].contains("vary: accept-encoding"), r[1]);
                assertTrue(r[1].contains("etag: w/\""), r[1]);
                assertFalse(r[1].contains("content-length"), r[1]);
                if (protocol.equals("--http1.1")) {
                    assertEquals("1.1", r[0]);
                    assertTrue(r[1].contains("transfer-encoding: chunked"), r[1]);
                } else {
                    assertEquals("2", r[0]);
                }
                // Not compressible: sent as it is, with its length (in aio and sendfile modes, as a file region).
                String[] b = curlCompressed(server, protocol, "big.bin", out);
                assertEquals(TestFiles.sha256(big, 0, big.length()), TestFiles.sha256(out, 0, out.length()));
                assertTrue(b[1].contains("content-length: " + big.length()), b[1]);
                assertFalse(b[1].contains("content-encoding"), b[1]);
                assertFalse(b[1].contains("vary"), b[1]);
            }
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    @Test
    void acceptEncodingVaryValidatorsRangesAndHead() throws Exception {
        FileServer server = server("aio", "--gzip");
        HttpClient client = TestServers.client();

        HttpResponse<byte[]> gzip = send(client, server, "GET", "text.txt", "Accept-Encoding", "gzip, deflate");
        assertEquals(200, gzip.statusCode());
        assertEquals("gzip", header(gzip, "content-encoding"));
        assertEquals("accept-encoding", header(gzip, "vary"));
        assertNull(header(gzip, "content-length"));
        assertTrue(gzip.body().length < text.length / 3, "compressed to " + gzip.body().length);
        assertArrayEquals(text, gunzip(gzip.body()));
        String weak = header(gzip, "etag");
        assertTrue(weak.startsWith("W/\""), weak);

        // Codings are whole tokens, case-insensitive, with weights (RFC 9110 §12.5.3).
        for (String refusal : new String[] {"gzip;q=0", "identity", "br", "gzip;q=0, *", "*;q=0", "gzipfoo",
            "x-gzipped", "GZIP;Q=0", "gzip;q=0.000", "gzip;q=2"}) {
            HttpResponse<byte[]> plain = send(client, server, "GET", "text.txt", "Accept-Encoding", refusal);
            assertNull(header(plain, "content-encoding"), refusal);
            assertEquals(Integer.toString(text.length), header(plain, "content-length"), refusal);
            assertEquals("accept-encoding", header(plain, "vary"), refusal);
            assertEquals(weak.substring(2), header(plain, "etag"), "the identity representation's validator is strong");
            assertArrayEquals(text, plain.body(), refusal);
        }
        HttpResponse<byte[]> none = send(client, server, "GET", "text.txt");
        assertNull(header(none, "content-encoding"));
        assertEquals("accept-encoding", header(none, "vary"));
        assertEquals("gzip", header(send(client, server, "GET", "text.txt", "Accept-Encoding", "*"),
                "content-encoding"));
        assertEquals("gzip", header(send(client, server, "GET", "text.txt", "Accept-Encoding", "br, gzip;q=0.5"),
                "content-encoding"));
        for (String accepted : new String[] {"GZIP", "Gzip;Q=0.5", "x-gzip", "deflate, gzip ; q=0.001", "br, *"}) {
            assertEquals("gzip", header(send(client, server, "GET", "text.txt", "Accept-Encoding", accepted),
                    "content-encoding"), accepted);
        }

        // Ranges are served on the identity representation.
        HttpResponse<byte[]> range = send(client, server, "GET", "text.txt", "Accept-Encoding", "gzip",
                "Range", "bytes=100-1099");
        assertEquals(206, range.statusCode());
        assertNull(header(range, "content-encoding"));
        assertEquals("accept-encoding", header(range, "vary"));
        assertEquals("bytes 100-1099/" + text.length, header(range, "content-range"));
        assertArrayEquals(Arrays.copyOfRange(text, 100, 1100), range.body());

        // HEAD says what GET would send.
        HttpResponse<byte[]> head = send(client, server, "HEAD", "text.txt", "Accept-Encoding", "gzip");
        assertEquals(200, head.statusCode());
        assertEquals("gzip", header(head, "content-encoding"));
        assertNull(header(head, "content-length"));
        assertEquals(weak, header(head, "etag"));
        assertEquals(0, head.body().length);
        HttpResponse<byte[]> plainHead = send(client, server, "HEAD", "text.txt");
        assertEquals(Integer.toString(text.length), header(plainHead, "content-length"));
        assertNull(header(plainHead, "content-encoding"));

        // Conditional requests: either validator matches (weak comparison), the 304 names the representation's.
        for (String tag : new String[] {weak, weak.substring(2)}) {
            HttpResponse<byte[]> notModified = send(client, server, "GET", "text.txt", "Accept-Encoding", "gzip",
                    "If-None-Match", tag);
            assertEquals(304, notModified.statusCode(), tag);
            assertEquals(weak, header(notModified, "etag"));
            assertEquals("accept-encoding", header(notModified, "vary"));
        }

        HttpResponse<byte[]> json = send(client, server, "GET", "data.json", "Accept-Encoding", "gzip");
        assertEquals("gzip", header(json, "content-encoding"));
        assertArrayEquals(Files.readAllBytes(root.resolve("data.json")), gunzip(json.body()));
        for (String path : new String[] {"small.txt", "image.png", "big.bin"}) {
            HttpResponse<byte[]> res = send(client, server, "GET", path, "Accept-Encoding", "gzip");
            assertNull(header(res, "content-encoding"), path);
            assertNull(header(res, "vary"), path);
            assertArrayEquals(Files.readAllBytes(root.resolve(path)), res.body(), path);
        }
        HttpResponse<byte[]> missing = send(client, server, "GET", "missing.txt", "Accept-Encoding", "gzip");
        assertEquals(404, missing.statusCode());
        assertNull(header(missing, "content-encoding"));

        // HTTP/1.0 has no chunked framing: identity, with its length.
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("GET /text.txt HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertEquals(200, r.status);
            assertNull(r.header("content-encoding"));
            assertArrayEquals(text, r.body);
        }
    }

    @Test
    void http2StreamsAreCompressedAndRangesAreNot() throws Exception {
        FileServer server = server("aio+tls", "--gzip");
        HttpClient client = TestServers.http2Client();
        HttpResponse<byte[]> gzip = send(client, server, "GET", "text.txt", "Accept-Encoding", "gzip");
        assertEquals(HttpClient.Version.HTTP_2, gzip.version());
        assertEquals("gzip", header(gzip, "content-encoding"));
        assertEquals("accept-encoding", header(gzip, "vary"));
        assertNull(header(gzip, "content-length"));
        assertArrayEquals(text, gunzip(gzip.body()));
        HttpResponse<byte[]> range = send(client, server, "GET", "text.txt", "Accept-Encoding", "gzip",
                "Range", "bytes=-500");
        assertEquals(206, range.statusCode());
        assertNull(header(range, "content-encoding"));
        assertArrayEquals(Arrays.copyOfRange(text, text.length - 500, text.length), range.body());
        HttpResponse<byte[]> head = send(client, server, "HEAD", "text.txt", "Accept-Encoding", "gzip");
        assertEquals("gzip", header(head, "content-encoding"));
        assertEquals(0, head.body().length);
    }

    @Test
    void withoutTheOptionNothingIsCompressed() throws Exception {
        FileServer server = server("aio");
        HttpResponse<byte[]> res = send(TestServers.client(), server, "GET", "text.txt", "Accept-Encoding", "gzip");
        assertNull(header(res, "content-encoding"));
        assertNull(header(res, "vary"));
        assertEquals(Integer.toString(text.length), header(res, "content-length"));
        assertArrayEquals(text, res.body());
    }
}
