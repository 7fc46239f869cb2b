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
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 clients that break the rules or push the limits: every stream gets an answer (a response, a reset, or a
 * GOAWAY that leaves it out), legitimate cancelling is not cut off, and a rapid-reset flood still is.
 */
class Http2HostileClientTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static File big;
    private static FileServer server;

    @BeforeAll
    static void start() throws Exception {
        root = TestFiles.directory("h2-hostile");
        big = TestFiles.create(root, "big.bin", 2_000_003, 21);
        TestFiles.create(root, "mid.bin", 100_001, 22);
        Files.write(root.resolve("hello.txt"), "hello, world\n".getBytes(StandardCharsets.UTF_8));
        server = TestServers.start(root, "aio", "--uploads");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void assertServed(RawHttp2 h2, int streamId) throws Exception {
        assertTrue(h2.readUntil(() -> h2.answered(streamId), 10_000), "stream " + streamId + " answered");
        RawHttp2.Stream s = h2.streams.get(streamId);
        assertEquals("200", String.valueOf(s.headers.status()), "stream " + streamId);
    }

    @Test
    void requestsWithoutMethodOrPathOrWithAWrongLengthGetAnAnswer() throws Exception {
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            h2.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority("localhost"), true);
            h2.headers(3, new DefaultHttp2Headers().path("/hello.txt").scheme("http").authority("localhost"), true);
            h2.headers(5, RawHttp2.request("PUT", "/short.txt").setLong("content-length", 10), false);
            h2.data(5, "12345".getBytes(StandardCharsets.US_ASCII), true);
            h2.get(7, "/hello.txt").flush();
            assertTrue(h2.readUntil(() -> h2.answered(1) && h2.answered(3) && h2.answered(5) && h2.answered(7),
                    10_000), "every stream answered: " + h2.streams.keySet());
            for (int id : new int[] {1, 3, 5}) {
                RawHttp2.Stream s = h2.streams.get(id);
                assertEquals(Http2Error.PROTOCOL_ERROR.code(), s.reset, "stream " + id + ": a malformed request");
            }
            assertServed(h2, 7);
            assertFalse(Files.exists(root.resolve("short.txt")));
        }
    }

    @Test
    void aThousandRequestsAtOnceAreEachServedOrRefused() throws Exception {
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            for (int i = 0; i < 1000; i++) {
                h2.get(2 * i + 1, "/mid.bin"); // long enough to stay open: those past 128 at once are refused
            }
            h2.flush();
            assertTrue(h2.readUntil(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (!h2.answered(2 * i + 1)) {
                        return false;
                    }
                }
                return true;
            }, 20_000), "every stream answered; GOAWAY " + h2.goAwayLastStream + ", closed " + h2.isClosed());
            int served = 0;
            int refused = 0;
            for (RawHttp2.Stream s : h2.streams.values()) {
                if (s.headers != null && s.ended) {
                    served++;
                } else if (s.reset == Http2Error.REFUSED_STREAM.code()) {
                    refused++;
                }
            }
            assertTrue(served >= Http2ServerInitializer.MAX_CONCURRENT_STREAMS, "served " + served);
            assertEquals(1000, served + refused + (h2.goAwayLastStream >= 0 ? 1999 - h2.goAwayLastStream : 0) / 2,
                    "served " + served + ", refused " + refused + ", GOAWAY after " + h2.goAwayLastStream);
            assertEquals(-1, h2.goAwayError, "no GOAWAY for a client that asked too much at once");
        }
    }

    @Test
    void aClientThatCancelsEachDownloadAfterItsFirstDataIsNotCutOff() throws Exception {
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            for (int i = 0; i < 400; i++) {
                int id = 2 * i + 1;
                h2.get(id, "/big.bin").flush();
                assertTrue(h2.readUntil(() -> h2.streams.containsKey(id) && h2.streams.get(id).data > 0
                        || h2.answered(id), 10_000), "stream " + id);
                assertTrue(h2.streams.containsKey(id) && h2.streams.get(id).data > 0,
                        "stream " + id + " got DATA before it was cancelled");
                h2.reset(id, Http2Error.CANCEL).flush();
            }
            h2.get(801, "/hello.txt").flush();
            assertServed(h2, 801);
            assertEquals(-1, h2.goAwayError);
        }
    }

    @Test
    void aRapidResetFloodIsStillCutOff() throws Exception {
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            // Past the bound of early resets, in one write: the server reads it all before it answers.
            for (int i = 0; i < StreamResets.EARLY_RESETS + 50; i++) {
                int id = 2 * i + 1;
                h2.get(id, "/big.bin").reset(id, Http2Error.CANCEL);
            }
            h2.flush();
            assertTrue(h2.readUntil(() -> h2.goAwayError >= 0, 10_000), "a GOAWAY");
            assertEquals(Http2Error.ENHANCE_YOUR_CALM.code(), h2.goAwayError);
        }
        // The server goes on.
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            h2.get(1, "/hello.txt").flush();
            assertServed(h2, 1);
        }
    }

    @Test
    void aPingFloodFromAClientThatDoesNotReadIsCutOffQuietly() throws Exception {
        // (A SETTINGS flood meets the same bound: the acknowledgements the server cannot send.)
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger(""); // what the server's log prints
        root.addHandler(capture);
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            for (int i = 0; i < 1000; i++) {
                h2.ping(i);
            }
            byte[] thousand = h2.encoded();
            boolean cut = false;
            try {
                for (int i = 0; i < 2000; i++) {
                    h2.send(thousand);
                }
            } catch (IOException e) {
                cut = true; // the server closed the connection: the flood's writes fail
            }
            assertTrue(cut, "the server closed the connection of a client that does not read");
        } finally {
            root.removeHandler(capture);
        }
        synchronized (capture) {
            assertTrue(logged.size() <= 1, "logged " + logged.size() + " lines: "
                    + logged.stream().map(LogRecord::getMessage).collect(Collectors.toList()));
            for (LogRecord r : logged) {
                assertEquals(null, r.getThrown(), "no stack trace: " + r.getMessage());
            }
        }
        try (RawHttp2 h2 = new RawHttp2(server.port())) {
            h2.get(1, "/hello.txt").flush();
            assertServed(h2, 1);
        }
    }
}
