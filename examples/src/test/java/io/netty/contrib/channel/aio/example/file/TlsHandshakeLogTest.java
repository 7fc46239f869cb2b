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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed TLS handshake is one clear INFO line, rate-limited, without a stack trace: a client that rejects the
 * self-signed certificate (curl without {@code -k}, the JDK's client), plain HTTP sent to the TLS port.
 */
class TlsHandshakeLogTest {

    private static final Logger SERVER_LOG = Logger.getLogger(FileServer.class.getPackageName());
    private static final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private FileServer server;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("tls-log");
        Files.write(root.resolve("hello.txt"), "hello, world\n".getBytes(StandardCharsets.UTF_8));
        SERVER_LOG.addHandler(CAPTURE);
    }

    @AfterAll
    static void removeHandler() {
        SERVER_LOG.removeHandler(CAPTURE);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Waits for the INFO lines about handshakes to come to {@code n}, then a little longer; returns them. */
    private static List<String> handshakeLines(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (lines().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        return lines();
    }

    private static List<String> lines() {
        return records.stream().map(LogRecord::getMessage).collect(Collectors.toList());
    }

    /** The rate limit allows one INFO line a second. */
    private static void nextSecond() throws InterruptedException {
        Thread.sleep(1100);
        records.clear();
    }

    @Test
    void theClientsAlertIsFoundWhereverTheReadsSplitItsRecords() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Promise<Void> handshake = ch.eventLoop().newPromise();
        TlsHandshakeLog log = new TlsHandshakeLog(handshake, new FailureLog());
        ch.pipeline().addLast(log);
        byte[] hello = new byte[5 + 300];
        hello[0] = 22;
        hello[1] = 3;
        hello[2] = 1;
        hello[3] = 1;
        hello[4] = 44; // 300
        hello[5] = 21; // inside a record's body: not an alert
        byte[] rest = {20, 3, 3, 0, 1, 1, /* alert: */ 21, 3, 3, 0, 2, 2, 42};
        // Split inside the first record's body, inside the alert's header and between its two bytes.
        byte[] all = new byte[hello.length + rest.length];
        System.arraycopy(hello, 0, all, 0, hello.length);
        System.arraycopy(rest, 0, all, hello.length, rest.length);
        int[] cuts = {0, 100, hello.length + 8, hello.length + 12, all.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            ByteBuf part = Unpooled.wrappedBuffer(all, cuts[i], cuts[i + 1] - cuts[i]);
            assertTrue(ch.writeInbound(part));
            ByteBuf passed = ch.readInbound();
            assertEquals(cuts[i + 1] - cuts[i], passed.readableBytes(), "bytes pass through untouched");
            passed.release();
        }
        assertEquals("the client rejected the certificate (alert: bad_certificate)",
                log.reason(new SSLHandshakeException("Insufficient buffer remaining for AEAD cipher fragment (2)")));
        ch.finishAndReleaseAll();

        EmbeddedChannel plain = new EmbeddedChannel();
        TlsHandshakeLog plainLog = new TlsHandshakeLog(plain.eventLoop().newPromise(), new FailureLog());
        plain.pipeline().addLast(plainLog);
        plain.writeInbound(Unpooled.copiedBuffer("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        assertEquals("the client sent plain HTTP, not TLS (\"BREW /pot HTTP/1.1\")",
                plainLog.reason(new DecoderException(new NotSslRecordException("not an SSL/TLS record"))));
        plain.finishAndReleaseAll();

        assertEquals("the client ended it (alert: protocol_version)",
                new TlsHandshakeLog(handshake, new FailureLog()).reason(
                        new SSLHandshakeException("Received fatal alert: protocol_version")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio+tls", "chunked+tls", "aio@nio+tls"})
    void eachFailedHandshakeIsOneClearLine(String mode) throws Exception {
        server = TestServers.start(root, mode);
        String https = server.url() + "hello.txt";
        nextSecond();

        // curl does not trust the self-signed certificate: it says so with an alert and hangs up.
        TestServers.Curl rejected = TestServers.curlRun(root, https);
        assertEquals(60, rejected.exit, rejected.toString()); // CURLE_PEER_FAILED_VERIFICATION
        List<String> lines = handshakeLines(1);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(Pattern.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client rejected the "
                + "certificate \\(alert: \\w+\\)", lines.get(0)), lines.get(0));
        for (LogRecord r : records) {
            assertNull(r.getThrown(), "a stack trace was logged with " + r.getMessage());
        }

        // Plain HTTP on the TLS port.
        nextSecond();
        TestServers.Curl plain = TestServers.curlRun(root, https.replace("https://", "http://"));
        assertEquals(400, plain.status, plain.toString());
        assertTrue(new String(plain.body, StandardCharsets.UTF_8).contains("https://"), plain.toString());
        lines = handshakeLines(1);
        assertEquals(List.of("TLS handshake with /127.0.0.1:" + lines.get(0).replaceAll(".*127\\.0\\.0\\.1:(\\d+).*",
                "$1") + " failed: the client sent plain HTTP, not TLS (\"GET /hello.txt HTTP/1.1\")"), lines);

        // The JDK's client rejects the certificate too: it hangs up during the handshake.
        nextSecond();
        HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThrows(SSLHandshakeException.class, () -> jdk.send(HttpRequest.newBuilder(URI.create(https))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()));
        lines = handshakeLines(1);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(Pattern.matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client [^\n]+", lines.get(0)),
                lines.get(0));

        // A connection that is opened and closed without a byte (a port probe) is not worth a line.
        nextSecond();
        new Socket("127.0.0.1", server.port()).close();
        assertEquals(List.of(), handshakeLines(0));

        // Many failures at once: one line a second, which counts the others.
        nextSecond();
        for (int i = 0; i < 5; i++) {
            assertEquals(60, TestServers.curlRun(root, https).exit);
        }
        assertEquals(1, handshakeLines(1).size(), lines().toString());
        nextSecond();
        assertEquals(60, TestServers.curlRun(root, https).exit);
        lines = handshakeLines(1);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith("(4 similar failures not logged in the last second)"), lines.get(0));

        // And the server still serves a client that trusts it.
        TestServers.Curl ok = TestServers.curlRun(root, "-k", https);
        assertEquals(200, ok.status, ok.toString());
        assertEquals("hello, world\n", ok.text());
    }
}
