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
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file server in all three modes (and with TLS), driven by curl, the JDK HttpClient and raw sockets.
 */
class FileServerTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static File big;
    private static File text;
    private static final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("www");
        big = TestFiles.create(root, "big.bin", 3_000_017, 1);
        text = root.resolve("hello.txt").toFile();
        Files.write(text.toPath(), "hello, world\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("empty.txt"), new byte[0]);
        Files.createDirectories(root.resolve("sub dir"));
        Files.write(root.resolve("sub dir").resolve("a <b>&\"c\".txt"), "x".getBytes(StandardCharsets.UTF_8));
        Files.deleteIfExists(root.resolve("escape"));
        Files.createSymbolicLink(root.resolve("escape"), Paths.get("/etc/passwd"));
        Files.deleteIfExists(root.resolve("inside"));
        Files.createSymbolicLink(root.resolve("inside"), Paths.get("hello.txt"));
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

    private static HttpClient client() {
        return TestServers.client();
    }

    private static HttpResponse<byte[]> get(HttpClient client, FileServer server, String path, String... headers)
            throws Exception {
        return TestServers.get(client, server, path, headers);
    }

    private static String curl(FileServer server, String path) throws Exception {
        return TestServers.curl(root, server, path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio+tls", "chunked+tls", "aio@io_uring",
                            "sendfile@io_uring", "aio@nio"})
    void downloadsAreByteExact(String mode) throws Exception {
        FileServer server = server(mode);
        PageCache.evict(big);
        String expected = TestFiles.sha256(big, 0, big.length());
        PageCache.evict(big);
        assertEquals(expected, curl(server, "big.bin"));
        assertEquals(TestFiles.sha256(text, 0, text.length()), curl(server, "hello.txt"));
        HttpResponse<byte[]> res = get(client(), server, "big.bin");
        assertEquals(200, res.statusCode());
        assertEquals(expected, TestFiles.hex(TestFiles.sha256().digest(res.body())));
        assertEquals("application/octet-stream", res.headers().firstValue("content-type").orElse(null));
        assertEquals("text/plain; charset=utf-8",
                get(client(), server, "hello.txt").headers().firstValue("content-type").orElse(null));
        HttpResponse<byte[]> empty = get(client(), server, "empty.txt");
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);
        assertEquals("hello, world\n", new String(get(client(), server, "inside").body(), StandardCharsets.UTF_8));
        if (mode.equals("aio") || mode.equals("aio@io_uring")) {
            AioMetrics metrics = AioMetrics.of(serverLoop(server));
            assertTrue(metrics.readsCompleted() > 0 || metrics.pageCacheReads() > 0, metrics.toString());
            assertEquals(0, metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP), metrics.toString());
        }
    }

    private static io.netty.channel.EventLoop serverLoop(FileServer server) {
        return server.loop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void everyRangeForm(String mode) throws Exception {
        FileServer server = server(mode);
        HttpClient c = client();
        long len = big.length();

        HttpResponse<byte[]> single = get(c, server, "big.bin", "Range", "bytes=10-19");
        assertEquals(206, single.statusCode());
        assertEquals("bytes 10-19/" + len, single.headers().firstValue("content-range").orElse(null));
        assertArrayEquals(TestFiles.read(big, 10, 10), single.body());

        HttpResponse<byte[]> suffix = get(c, server, "big.bin", "Range", "bytes=-100");
        assertEquals(206, suffix.statusCode());
        assertArrayEquals(TestFiles.read(big, len - 100, 100), suffix.body());

        HttpResponse<byte[]> open = get(c, server, "big.bin", "Range", "bytes=2999000-");
        assertEquals(206, open.statusCode());
        assertEquals("bytes 2999000-" + (len - 1) + '/' + len, open.headers().firstValue("content-range").get());
        assertArrayEquals(TestFiles.read(big, 2_999_000, (int) (len - 2_999_000)), open.body());

        HttpResponse<byte[]> beyond = get(c, server, "big.bin", "Range", "bytes=100-99999999");
        assertEquals(206, beyond.statusCode());
        assertEquals(len - 100, beyond.body().length);

        HttpResponse<byte[]> multi = get(c, server, "big.bin", "Range", "bytes=0-1,1000-1999,-5");
        assertEquals(206, multi.statusCode());
        String type = multi.headers().firstValue("content-type").get();
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        byte[] expected = concat(
                part(boundary, 0, 1, len), TestFiles.read(big, 0, 2),
                part(boundary, 1000, 1999, len), TestFiles.read(big, 1000, 1000),
                part(boundary, len - 5, len - 1, len), TestFiles.read(big, len - 5, 5),
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, multi.body());

        HttpResponse<byte[]> unsatisfiable = get(c, server, "big.bin", "Range", "bytes=" + len + "-");
        assertEquals(416, unsatisfiable.statusCode());
        assertEquals("bytes */" + len, unsatisfiable.headers().firstValue("content-range").orElse(null));

        HttpResponse<byte[]> malformed = get(c, server, "big.bin", "Range", "bytes=abc");
        assertEquals(200, malformed.statusCode());
        assertEquals(len, malformed.body().length);

        String etag = single.headers().firstValue("etag").get();
        HttpResponse<byte[]> ifRangeMatch = get(c, server, "big.bin", "Range", "bytes=0-4", "If-Range", etag);
        assertEquals(206, ifRangeMatch.statusCode());
        HttpResponse<byte[]> ifRangeStale = get(c, server, "big.bin", "Range", "bytes=0-4", "If-Range", "\"old\"");
        assertEquals(200, ifRangeStale.statusCode());
        assertEquals(len, ifRangeStale.body().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void rangesNeverSendMoreThanTheFile(String mode) throws Exception {
        FileServer server = server(mode, "--max-ranges", "5");
        long len = big.length();
        try (RawHttp http = new RawHttp(server.port())) {
            // The whole file three times over: the file once, with 200.
            http.send(ranged("/big.bin", "bytes=0-,0-,0-"));
            RawHttp.Response thrice = http.read(false);
            assertEquals(200, thrice.status);
            assertEquals(len, thrice.body.length);

            // Overlapping and touching ranges coalesce; the parts keep the order of their first range.
            http.send(ranged("/big.bin", "bytes=5000-5099,0-99,50-149,150-199,5050-5200"));
            RawHttp.Response merged = http.read(false);
            assertEquals(206, merged.status);
            String boundary = merged.header("content-type").substring(merged.header("content-type").indexOf('=') + 1);
            assertArrayEquals(concat(
                    part(boundary, 5000, 5200, len), TestFiles.read(big, 5000, 201),
                    part(boundary, 0, 199, len), TestFiles.read(big, 0, 200),
                    ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)), merged.body);

            // Ranges that coalesce into one are a single-part 206.
            http.send(ranged("/big.bin", "bytes=10-19,0-9,20-29"));
            RawHttp.Response one = http.read(false);
            assertEquals(206, one.status);
            assertEquals("bytes 0-29/" + len, one.header("content-range"));
            assertArrayEquals(TestFiles.read(big, 0, 30), one.body);

            // More ranges than --max-ranges: the header is ignored.
            http.send(ranged("/big.bin", "bytes=0-0,10-10,20-20,30-30,40-40,50-50"));
            RawHttp.Response many = http.read(false);
            assertEquals(200, many.status);
            assertEquals(len, many.body.length);

            // HEAD of a multipart response announces the length that GET sends.
            http.send("HEAD /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9,100-109\r\n\r\n");
            RawHttp.Response head = http.read(true);
            assertEquals(206, head.status);
            String headBoundary = head.header("content-type").substring(head.header("content-type").indexOf('=') + 1);
            assertEquals(part(headBoundary, 0, 9, len).length + part(headBoundary, 100, 109, len).length + 20
                    + ("\r\n--" + headBoundary + "--\r\n").length(), Long.parseLong(head.header("content-length")));
        }
    }

    private static String ranged(String path, String range) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nRange: " + range + "\r\n\r\n";
    }

    @Test
    void hostVersionExpectationAndNotModifiedAsHttpRequires() throws Exception {
        FileServer server = server("aio");
        String[][] refused = {
            // RFC 9112, section 3.2: an HTTP/1.1 request without Host, with two, or with an invalid one.
            {"GET /hello.txt HTTP/1.1\r\n\r\n", "400"},
            {"GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"},
            {"GET /hello.txt HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", "400"},
            {"GET /hello.txt HTTP/1.1\r\nHost: a/b\r\n\r\n", "400"},
            {"GET /hello.txt HTTP/1.1\r\nHost: a:b\r\n\r\n", "400"},
            {"GET /hello.txt HTTP/1.1\r\nHost: [::1\r\n\r\n", "400"},
            // RFC 9110, section 2.5: a major version this server does not implement.
            {"GET /hello.txt HTTP/2.0\r\nHost: x\r\n\r\n", "505"},
            {"GET /hello.txt HTTP/9.9\r\nHost: x\r\n\r\n", "505"},
            // RFC 9110, section 10.1.1: an expectation other than 100-continue; Connection: close is honoured.
            {"GET /hello.txt HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n", "417"},
        };
        for (String[] c : refused) {
            try (RawHttp http = new RawHttp(server.port())) {
                http.send(c[0]);
                RawHttp.Response r = http.read(false);
                assertEquals(Integer.parseInt(c[1]), r.status, c[0]);
                assertTrue(http.closedByPeer(), "the connection is closed after: " + c[0]);
            }
        }
        String[] served = {
            "GET /hello.txt HTTP/1.0\r\n\r\n",
            "GET /hello.txt HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
            "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n",
            "GET /hello.txt HTTP/1.1\r\nHost: \r\n\r\n",
            "GET /hello.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n",
            "GET /hello.txt HTTP/1.2\r\nHost: x\r\n\r\n",
        };
        for (String request : served) {
            try (RawHttp http = new RawHttp(server.port())) {
                http.send(request);
                RawHttp.Response r = http.read(false);
                assertEquals(200, r.status, request);
                assertEquals("hello, world\n", new String(r.body, StandardCharsets.UTF_8), request);
            }
        }
        try (RawHttp http = new RawHttp(server.port())) {
            // Without a body, a 417 leaves a keep-alive connection usable.
            http.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n" + RawHttp.get("/hello.txt"));
            assertEquals(417, http.read(false).status);
            assertEquals(200, http.read(false).status);

            // A 304 carries no Content-Length (RFC 9110, section 8.6: it could only be the 200's).
            http.send(RawHttp.get("/hello.txt"));
            String etag = http.read(false).header("etag");
            http.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n");
            RawHttp.Response notModified = http.read(false);
            assertEquals(304, notModified.status);
            assertNull(notModified.header("content-length"));
            http.send(RawHttp.get("/hello.txt"));
            assertEquals(200, http.read(false).status, "the connection is still in step after the 304");
        }
    }

    private static byte[] part(String boundary, long first, long last, long len) {
        return ("\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes " + first
                + '-' + last + '/' + len + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void headAndConditionalRequests(String mode) throws Exception {
        FileServer server = server(mode);
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = http.read(true);
            assertEquals(200, head.status);
            assertEquals(String.valueOf(big.length()), head.header("content-length"));
            String etag = head.header("etag");
            String lastModified = head.header("last-modified");
            assertNotNull(etag);
            assertNotNull(lastModified);
            assertEquals("bytes", head.header("accept-ranges"));

            http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"x\", " + etag + "\r\n\r\n");
            RawHttp.Response notModified = http.read(false);
            assertEquals(304, notModified.status);
            assertEquals(etag, notModified.header("etag"));

            http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + lastModified + "\r\n\r\n");
            assertEquals(304, http.read(false).status);

            http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n");
            RawHttp.Response modified = http.read(false);
            assertEquals(200, modified.status);
            assertEquals(big.length(), modified.body.length);

            http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\"\r\nIf-Modified-Since: "
                    + lastModified + "\r\n\r\n");
            assertEquals(200, http.read(false).status, "If-None-Match wins over If-Modified-Since");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void ifMatchAndIfUnmodifiedSinceGuardGetsAndRanges(String mode) throws Exception {
        FileServer server = server(mode);
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = http.read(true);
            String etag = head.header("etag");
            String lastModified = head.header("last-modified");
            String epoch = "Thu, 01 Jan 1970 00:00:00 GMT";
            for (String range : new String[] {"", "Range: bytes=0-9\r\n"}) {
                int served = range.isEmpty() ? 200 : 206;
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Match: \"other\"\r\n\r\n");
                assertEquals(412, http.read(false).status, "If-Match with another tag " + range);
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Match: W/" + etag + "\r\n\r\n");
                assertEquals(412, http.read(false).status, "If-Match compares strongly " + range);
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Unmodified-Since: " + epoch
                        + "\r\n\r\n");
                assertEquals(412, http.read(false).status, "modified since the date " + range);
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Match: \"x\", " + etag + "\r\n\r\n");
                assertEquals(served, http.read(false).status, "If-Match with the current tag " + range);
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Match: *\r\n\r\n");
                assertEquals(served, http.read(false).status, "If-Match: * and a file " + range);
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Unmodified-Since: " + lastModified
                        + "\r\n\r\n");
                assertEquals(served, http.read(false).status, "not modified since the date " + range);
                // If-Match decides without If-Unmodified-Since (RFC 9110, section 13.2.2).
                http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n" + range + "If-Match: " + etag
                        + "\r\nIf-Unmodified-Since: " + epoch + "\r\n\r\n");
                assertEquals(served, http.read(false).status, "If-Match wins " + range);
            }
            // The connection stays usable after a 412.
            http.send(RawHttp.get("/hello.txt"));
            assertEquals("hello, world\n", new String(http.read(false).body, StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile"})
    void targetsAreNormalizedAsUrisAreAndAFileIsNotADirectory(String mode) throws Exception {
        FileServer server = server(mode);
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(RawHttp.get("/hello.txt/"));
            assertEquals(404, http.read(false).status, "a file followed by /");
            http.send(RawHttp.get("/sub%20dir/."));
            RawHttp.Response dot = http.read(false);
            assertEquals(200, dot.status, "/dir/. is /dir/");
            assertTrue(new String(dot.body, StandardCharsets.UTF_8).contains("Index of /sub dir/"));
            for (String merged : new String[] {"/./hello.txt", "//hello.txt", "/sub%20dir//..%2F..%2Fhello.txt"}) {
                http.send(RawHttp.get(merged));
                RawHttp.Response r = http.read(false);
                if (merged.contains("..")) {
                    assertEquals(403, r.status, merged);
                } else {
                    assertEquals("hello, world\n", new String(r.body, StandardCharsets.UTF_8), merged);
                }
            }
            http.send(RawHttp.get("/sub%20dir?sort=name&x=%2F"));
            RawHttp.Response redirect = http.read(false);
            assertEquals(301, redirect.status);
            assertEquals("/sub%20dir/?sort=name&x=%2F", redirect.header("location"), "the query is kept");
            http.send(RawHttp.get("/bad%FF.txt"));
            assertEquals(400, http.read(false).status, "a path that is not UTF-8");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void nothingOutsideTheRootIsServed(String mode) throws Exception {
        FileServer server = server(mode);
        String[][] cases = {
            {"/../etc/passwd", "403"},
            {"/%2e%2e/%2e%2e/etc/passwd", "403"},
            {"/sub%20dir/%2E%2E/%2E%2E/etc/passwd", "403"},
            {"/sub%20dir%2f..%2f..%2fetc%2fpasswd", "403"},
            {"/escape", "403"},
            {"/hello.txt%00.png", "403"},
            {"/missing.txt", "404"},
            {"/%zz", "400"},
        };
        try (RawHttp http = new RawHttp(server.port())) {
            for (String[] c : cases) {
                http.send(RawHttp.get(c[0]));
                RawHttp.Response r = http.read(false);
                assertEquals(Integer.parseInt(c[1]), r.status, c[0]);
                if (c[1].equals("400")) {
                    assertTrue(http.closedByPeer(), "a bad request closes the connection");
                }
            }
        }
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertEquals(405, r.status);
            assertEquals("GET, HEAD", r.header("allow"));
            http.send("GARBAGE\r\n\r\n");
            assertEquals(400, http.read(false).status);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void keepAlivePipeliningAndListings(String mode) throws Exception {
        FileServer server = server(mode);
        try (RawHttp http = new RawHttp(server.port())) {
            // Three requests in one write: three responses, in order, on the same connection.
            http.send(RawHttp.get("/big.bin") + RawHttp.get("/hello.txt") + RawHttp.get("/sub%20dir/"));
            RawHttp.Response first = http.read(false);
            assertEquals(200, first.status);
            assertArrayEquals(TestFiles.read(big, 0, (int) big.length()), first.body);
            RawHttp.Response second = http.read(false);
            assertEquals("hello, world\n", new String(second.body, StandardCharsets.UTF_8));
            RawHttp.Response listing = http.read(false);
            assertEquals(200, listing.status);
            String html = new String(listing.body, StandardCharsets.UTF_8);
            assertTrue(html.contains("href=\"a%20%3Cb%3E%26%22c%22.txt\""), html);
            assertTrue(html.contains(">a &lt;b&gt;&amp;&quot;c&quot;.txt<"), html);
            assertTrue(!html.contains("<b>"), html);

            http.send(RawHttp.get("/sub%20dir"));
            RawHttp.Response redirect = http.read(false);
            assertEquals(301, redirect.status);
            assertEquals("/sub%20dir/", redirect.header("location"));

            http.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttp.Response last = http.read(false);
            assertEquals("close", last.header("connection"));
            assertTrue(http.closedByPeer());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void aClientThatHangsUpOrAFileThatShrinksLeavesTheServerServing(String mode) throws Exception {
        FileServer server = server(mode);
        File large = TestFiles.create(root, "large-" + mode + ".bin", 48 << 20, 2);
        PageCache.evict(large);
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(RawHttp.get("/" + large.getName()));
            http.readRaw(64 * 1024);
        }
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(RawHttp.get("/" + large.getName()));
            http.readRaw(1 << 20);
            try (RandomAccessFile raf = new RandomAccessFile(large, "rw")) {
                raf.setLength(8 << 20);
            }
            // The server cannot finish the response: it must close the connection, not hang.
            assertTrue(http.readUntilClosed(30), "the connection of a truncated file is closed");
        }
        assertEquals(TestFiles.sha256(text, 0, text.length()), curl(server, "hello.txt"));
        assertTrue(large.delete());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void aStalledClientAndAnIdleConnectionAreClosed(String mode) throws Exception {
        FileServer server = server(mode, "--idle-timeout", "1");
        File large = TestFiles.create(root, "stall-" + mode + ".bin", 32 << 20, 6);
        try (RawHttp stalled = new RawHttp(server.port()); RawHttp idle = new RawHttp(server.port())) {
            // Reads the headers and a little of the body, then stops reading: the server's writes stall.
            stalled.send(RawHttp.get("/" + large.getName()));
            stalled.readRaw(1024);
            idle.send(RawHttp.get("/hello.txt"));
            assertEquals(200, idle.read(false).status);
            Thread.sleep(3000);
            assertTrue(idle.closedByPeer(), "an idle keep-alive connection is closed after the idle timeout");
            assertTrue(stalled.readUntilClosed(20), "a stalled transfer is closed after the idle timeout");
        }
        assertEquals(TestFiles.sha256(text, 0, text.length()), curl(server, "hello.txt"));
        assertTrue(large.delete());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void aSlowClientThatKeepsReadingIsNotCutOff(String mode) throws Exception {
        FileServer server = server(mode, "--idle-timeout", "1");
        File file = TestFiles.create(root, "slow-" + mode + ".bin", 12 << 20, 7);
        try (RawHttp slow = new RawHttp(server.port())) {
            slow.send(RawHttp.get("/" + file.getName()));
            // About 2.6 MB/s, far slower than the server: its writes stall on a full socket for seconds, yet bytes
            // keep moving.
            java.security.MessageDigest digest = TestFiles.sha256();
            java.io.InputStream in = slow.input();
            RawHttp.Response head = slow.readHeaders();
            assertEquals(200, head.status);
            long left = file.length();
            byte[] buf = new byte[64 * 1024];
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                assertTrue(n > 0, "the server closed a client that was still reading");
                digest.update(buf, 0, n);
                left -= n;
                Thread.sleep(25);
            }
            assertEquals(TestFiles.sha256(file, 0, file.length()), TestFiles.hex(digest.digest()));
        }
        assertTrue(file.delete());
    }
}
