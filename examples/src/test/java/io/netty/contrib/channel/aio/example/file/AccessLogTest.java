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
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --access-log}: one Common Log Format line per response, written off the event loop. */
class AccessLogTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    /** host ident authuser [date] "request line" status bytes */
    static final Pattern CLF = Pattern.compile(
            "(\\S+) - - \\[(\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] \"((?:[^\"\\\\]|\\\\.)*)\" "
                    + "(\\d{3}) (\\d+|-)");

    private static Path root;
    private static File big;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("access-log");
        big = TestFiles.create(root, "big.bin", 2_000_003, 21);
        Files.write(root.resolve("hello.txt"), "hello, world\n".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio+tls"})
    void oneLinePerResponseWithItsStatusAndBodySize(String mode) throws Exception {
        Path log = root.getParent().resolve("access-" + mode.replace('+', '-') + ".log");
        Files.deleteIfExists(log);
        FileServer server = TestServers.start(root, mode, "--access-log", log.toString());
        String base = server.url();
        TestServers.Curl etagged;
        TestServers.Curl listing;
        TestServers.Curl multipart;
        try {
            etagged = curl(base + "hello.txt");
            assertEquals(200, etagged.status);
            assertEquals(206, curl("-r", "0-4", base + "big.bin").status);
            assertEquals(304, curl("-H", "If-None-Match: " + etagged.header("etag"), base + "hello.txt").status);
            assertEquals(404, curl(base + "missing.txt").status);
            assertEquals(200, curl("-I", base + "big.bin").status);
            multipart = curl("-r", "0-1,10-19", base + "big.bin");
            assertEquals(206, multipart.status);
            TestServers.Curl whole = curl(base + "big.bin");
            assertEquals(big.length(), whole.body.length);
            listing = curl(base);
            assertEquals(200, listing.status);
        } finally {
            server.close(); // flushes and closes the log
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String[][] expected = {
            {"GET /hello.txt HTTP/1.1", "200", "13"},
            {"GET /big.bin HTTP/1.1", "206", "5"},
            {"GET /hello.txt HTTP/1.1", "304", "-"},
            {"GET /missing.txt HTTP/1.1", "404", "14"},
            {"HEAD /big.bin HTTP/1.1", "200", "-"},
            {"GET /big.bin HTTP/1.1", "206", String.valueOf(multipart.body.length)},
            {"GET /big.bin HTTP/1.1", "200", String.valueOf(big.length())},
            {"GET / HTTP/1.1", "200", String.valueOf(listing.body.length)},
        };
        assertEquals(expected.length, lines.size(), String.join("\n", lines));
        for (int i = 0; i < expected.length; i++) {
            Matcher m = CLF.matcher(lines.get(i));
            assertTrue(m.matches(), "not Common Log Format: " + lines.get(i));
            assertEquals("127.0.0.1", m.group(1), lines.get(i));
            // curl speaks HTTP/2 over TLS (ALPN): those requests are logged as such.
            String requestLine = mode.endsWith("+tls") ? expected[i][0].replace("HTTP/1.1", "HTTP/2.0")
                    : expected[i][0];
            assertEquals(requestLine, m.group(3), lines.get(i));
            assertEquals(expected[i][1], m.group(4), lines.get(i));
            assertEquals(expected[i][2], m.group(5), lines.get(i));
        }
    }

    @Test
    void combinedAndJsonFormatsAndHttp2Requests() throws Exception {
        for (String format : new String[] {"combined", "json"}) {
            Path log = root.getParent().resolve("access-" + format + ".log");
            Files.deleteIfExists(log);
            FileServer server = TestServers.start(root, "aio", "--access-log", log.toString(),
                    "--access-log-format=" + format);
            try {
                assertEquals(200, curl("-e", "http://example.org/a \"b\"", "-A", "agent/1.0",
                        server.url() + "hello.txt").status);
                try (Http2TestClient h2 = Http2TestClient.connect(server, false)) {
                    assertEquals(200, h2.send("GET", "/hello.txt", "user-agent", "h2-agent").status());
                }
            } finally {
                server.close();
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertEquals(2, lines.size(), String.join("\n", lines));
            if (format.equals("combined")) {
                assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /hello\\.txt HTTP/1\\.1\" 200 13 "
                        + "\"http://example\\.org/a \\\\\"b\\\\\"\" \"agent/1\\.0\""), lines.get(0));
                assertTrue(lines.get(1).matches(".*\"GET /hello\\.txt HTTP/2\\.0\" 200 13 \"-\" \"h2-agent\""),
                        lines.get(1));
            } else {
                assertTrue(lines.get(0).matches("\\{\"time\":\"[0-9T:.Z-]+\",\"remote\":\"127\\.0\\.0\\.1\","
                        + "\"method\":\"GET\",\"uri\":\"/hello\\.txt\",\"protocol\":\"HTTP/1\\.1\",\"status\":200,"
                        + "\"bytes\":13,\"referer\":\"http://example\\.org/a \\\\\"b\\\\\"\","
                        + "\"user_agent\":\"agent/1\\.0\"}"),
                        lines.get(0));
                assertTrue(lines.get(1).contains("\"protocol\":\"HTTP/2.0\"") && lines.get(1).contains(
                        "\"referer\":null,\"user_agent\":\"h2-agent\""), lines.get(1));
            }
        }
    }

    /** With {@code --gzip}, a compressed response is logged with the bytes sent, not the file's size. */
    @ParameterizedTest
    @ValueSource(strings = {"aio", "chunked"})
    void aCompressedResponseIsLoggedWithTheCompressedSize(String mode) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append("line ").append(i % 17).append(" of a compressible text file\n");
        }
        Files.write(root.resolve("words.txt"), text.toString().getBytes(StandardCharsets.UTF_8));
        Path log = root.getParent().resolve("access-gzip-" + mode + ".log");
        Files.deleteIfExists(log);
        FileServer server = TestServers.start(root, mode, "--gzip", "--access-log", log.toString());
        TestServers.Curl gzipped;
        TestServers.Curl plain;
        try {
            // Without --compressed curl saves the body as it came: gzip.
            gzipped = curl("-H", "Accept-Encoding: gzip", server.url() + "words.txt");
            assertEquals("gzip", gzipped.header("content-encoding"), gzipped.toString());
            plain = curl(server.url() + "words.txt");
            assertEquals(text.length(), plain.body.length);
        } finally {
            server.close();
        }
        assertTrue(gzipped.body.length < text.length() / 4, "compressed: " + gzipped.body.length);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), String.join("\n", lines));
        Matcher m = CLF.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        assertEquals(String.valueOf(gzipped.body.length), m.group(5), "the compressed bytes sent: " + lines.get(0));
        m = CLF.matcher(lines.get(1));
        assertTrue(m.matches(), lines.get(1));
        assertEquals(String.valueOf(text.length()), m.group(5), lines.get(1));
    }

    private static TestServers.Curl curl(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "-k";
        System.arraycopy(args, 0, all, 1, args.length);
        return TestServers.curlRun(root, all);
    }

    @Test
    void requestLinesAreEscapedAndPipelinedResponsesLoggedInOrder() throws Exception {
        Path log = root.getParent().resolve("access-raw.log");
        Files.deleteIfExists(log);
        FileServer server = TestServers.start(root, "aio", "--access-log", log.toString());
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("GET /say\"hi\"\\\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n" + RawHttp.get("/hello.txt")
                    + "HEAD /hello.txt HTTP/1.0\r\n\r\n");
            assertEquals(404, http.read(false).status);
            assertEquals(200, http.read(false).status);
            assertEquals(200, http.read(true).status);
        } finally {
            server.close();
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(3, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            assertTrue(CLF.matcher(line).matches(), line);
        }
        assertTrue(lines.get(0).endsWith("\"GET /say\\\"hi\\\"\\\\\\xe9 HTTP/1.1\" 404 14"), lines.get(0));
        assertTrue(lines.get(1).endsWith("\"GET /hello.txt HTTP/1.1\" 200 13"), lines.get(1));
        assertTrue(lines.get(2).endsWith("\"HEAD /hello.txt HTTP/1.0\" 200 -"), lines.get(2));
    }

    @Test
    void aFullQueueDropsLinesInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch diskIsBack = new CountDownLatch(1);
        StringWriter written = new StringWriter();
        Writer slowDisk = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                try {
                    diskIsBack.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                written.write(buf, off, len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        AccessLog log = new AccessLog("slow", slowDisk, true, 4);
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        InetSocketAddress client = new InetSocketAddress("127.0.0.1", 1234);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            log.log(client, request, 200, i);
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 1000, "log() waited for the disk: " + tookMillis + " ms");
        // The writer holds one entry while the disk is stuck, the queue four more: the rest are dropped.
        assertTrue(log.dropped() >= 1000 - 5, "dropped: " + log.dropped());
        diskIsBack.countDown();
        log.close();
        String[] lines = written.toString().split("\n");
        assertEquals(1000 - log.dropped(), lines.length, written.toString());
        for (String line : lines) {
            assertTrue(CLF.matcher(line).matches(), line);
        }
    }
}
