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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that try to exhaust the server, in every mode and under TLS: pipelining without reading, many ranges,
 * request heads sent a byte at a time. Each time the server's open files stay bounded, its log stays short, and a
 * well-behaved client on another connection is served byte for byte throughout. Small bounds and timeouts (set
 * through the options) keep the class fast.
 */
class HostileClientTest {

    private static final long PID = ProcessHandle.current().pid();
    private static final Logger SERVER_LOG = Logger.getLogger(FileServer.class.getPackageName());

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static File big;
    /** Larger than what a socket that is not read takes in (its send and receive buffers) and the read-ahead. */
    private static File huge;
    private static final AtomicInteger infoLines = new AtomicInteger();
    private static final Handler COUNT_INFO = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                infoLines.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private FileServer server;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("hostile");
        big = TestFiles.create(root, "big.bin", 3_000_017, 11);
        huge = TestFiles.create(root, "huge.bin", (16 << 20) + 3, 13);
        Files.write(root.resolve("hello.txt"), "hello, world\n".getBytes(StandardCharsets.UTF_8));
        SERVER_LOG.addHandler(COUNT_INFO);
    }

    @AfterAll
    static void removeLogHandler() {
        SERVER_LOG.removeHandler(COUNT_INFO);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private FileServer start(String mode) throws Exception {
        server = TestServers.start(root, mode, "--max-pipelined", "4", "--header-timeout", "1", "--idle-timeout", "30");
        infoLines.set(0);
        return server;
    }

    /** A well-behaved client on its own connection: a small and a large file, byte for byte. */
    private void wellBehavedClientIsServed(boolean tls) throws Exception {
        try (RawHttp client = new RawHttp(server.port(), tls)) {
            client.readTimeout(10_000);
            client.send(RawHttp.get("/hello.txt") + RawHttp.get("/big.bin"));
            RawHttp.Response small = client.read(false);
            assertEquals(200, small.status);
            assertEquals("hello, world\n", new String(small.body, StandardCharsets.UTF_8));
            RawHttp.Response large = client.read(false);
            assertEquals(200, large.status);
            assertArrayEquals(TestFiles.read(big, 0, (int) big.length()), large.body);
        }
    }

    /**
     * For {@code millis}, serves a well-behaved client again and again, and samples this process's descriptors;
     * returns the most it saw open on files under the root, and the most it saw in all beyond {@code before}.
     */
    private int[] mostOpenWhileServing(boolean tls, long millis, int before) throws Exception {
        int[] most = new int[2];
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            sample(most, before);
            wellBehavedClientIsServed(tls);
            sample(most, before);
            Thread.sleep(50);
        }
        return most;
    }

    private static void sample(int[] most, int before) {
        most[0] = Math.max(most[0], TestServers.openFilesUnder(PID, root));
        most[1] = Math.max(most[1], TestServers.openFiles(PID) - before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio+tls", "chunked+tls"})
    void pipeliningWithoutReadingHoldsOneFilePerConnection(String mode) throws Exception {
        boolean tls = mode.endsWith("+tls");
        start(mode);
        int before = TestServers.openFiles(PID);
        List<RawHttp> attackers = new ArrayList<>();
        List<Thread> floods = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp attacker = new RawHttp(server.port(), tls);
                attackers.add(attacker);
                floods.add(attacker.sendInBackground(RawHttp.get("/big.bin"), 10_000));
            }
            int[] most = mostOpenWhileServing(tls, 1500, before);
            // One response at a time per connection, each with its file (aio mode opens it a second time, with
            // O_DIRECT): 3 attackers and the client. Unbounded, each pipelined response held its own: thousands.
            assertTrue(most[0] <= 4 * 2, "files open under the root: " + most[0]);
            // Both ends of 4 connections, those files, and a few for the loop (an AIO context's eventfd).
            assertTrue(most[1] <= 4 * 2 + 4 * 2 + 4, "descriptors opened while under attack: " + most[1]);
        } finally {
            for (RawHttp attacker : attackers) {
                attacker.close();
            }
            for (Thread t : floods) {
                t.join(5000);
            }
        }
        assertTrue(infoLines.get() <= 2, "INFO lines logged: " + infoLines.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio+tls"})
    void manyRangesPipelinedHoldOneFileAndSendNoMoreThanTheFile(String mode) throws Exception {
        boolean tls = mode.endsWith("+tls");
        start(mode);
        int before = TestServers.openFiles(PID);
        StringBuilder disjoint = new StringBuilder("bytes=0-0");
        for (int i = 1; i < 16; i++) {
            disjoint.append(',').append(i * 100_000).append('-').append(i * 100_000 + 9);
        }
        String manyParts = "GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: " + disjoint + "\r\n\r\n";
        try (RawHttp attacker = new RawHttp(server.port(), tls)) {
            Thread flood = attacker.sendInBackground(manyParts, 1000);
            int[] most = mostOpenWhileServing(tls, 1000, before);
            // A part's file is opened when the part before it has been sent: two at most while they hand over.
            assertTrue(most[0] <= 2 * 4, "files open under the root: " + most[0]);
            assertTrue(most[1] <= 2 * 2 + 2 * 4 + 4, "descriptors opened while under attack: " + most[1]);
            attacker.close();
            flood.join(5000);
        }
        try (RawHttp http = new RawHttp(server.port(), tls)) {
            StringBuilder overlapping = new StringBuilder("bytes=0-");
            for (int i = 1; i < 16; i++) {
                overlapping.append(",0-");
            }
            http.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: " + overlapping + "\r\n\r\n");
            RawHttp.Response once = http.read(false);
            assertEquals(200, once.status);
            assertEquals(big.length(), once.body.length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio+tls"})
    void requestHeadsSentAByteAtATimeAreCutOffAtTheHeaderTimeout(String mode) throws Exception {
        boolean tls = mode.endsWith("+tls");
        start(mode);
        List<RawHttp> slow = new ArrayList<>();
        try (RawHttp keepAlive = new RawHttp(server.port(), tls)) {
            keepAlive.send(RawHttp.get("/hello.txt"));
            assertEquals(200, keepAlive.read(false).status);
            for (int i = 0; i < 20; i++) {
                RawHttp s = new RawHttp(server.port(), tls);
                s.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                slow.add(s);
            }
            // One more header byte every 200 ms from each: never idle, never complete. The header timeout is 1 s.
            long start = System.nanoTime();
            int open = slow.size();
            while (open > 0 && System.nanoTime() - start < 4_000_000_000L) {
                Thread.sleep(200);
                open = 0;
                for (RawHttp s : slow) {
                    try {
                        s.send("a");
                        open++;
                    } catch (IOException e) {
                        // closed by the server
                    }
                }
            }
            for (RawHttp s : slow) {
                s.readTimeout(3000);
                assertTrue(s.readUntilClosed(3), "a request head still arriving after the header timeout is closed");
            }
            // An idle keep-alive connection is not a slow request head: after 1.5 s it still works.
            keepAlive.send(RawHttp.get("/hello.txt"));
            assertEquals(200, keepAlive.read(false).status);
            wellBehavedClientIsServed(tls);
            // A head that is complete in time is served, however it was split.
            try (RawHttp split = new RawHttp(server.port(), tls)) {
                split.send("GET /hello.txt HTTP/1.1\r\n");
                Thread.sleep(300);
                split.send("Host: x\r\n\r\n");
                assertEquals(200, split.read(false).status);
            }
        } finally {
            for (RawHttp s : slow) {
                s.close();
            }
        }
        assertTrue(infoLines.get() <= 2, "INFO lines logged: " + infoLines.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "aio+tls"})
    void connectionsThatSendNoRequestAreClosedAtTheHeaderTimeout(String mode) throws Exception {
        boolean tls = mode.endsWith("+tls");
        start(mode);
        List<Socket> silent = new ArrayList<>();
        List<RawHttp> partial = new ArrayList<>();
        try {
            for (int i = 0; i < (tls ? 0 : 20); i++) {
                // Not a byte. (Under TLS, a client that never sends its hello meets the handshake timeout, 10 s.)
                Socket s = new Socket("127.0.0.1", server.port());
                s.setSoTimeout(4000);
                silent.add(s);
            }
            // After the handshake: nothing, a first head that never ends, or (cleartext) part of the HTTP/2 preface.
            for (String sent : tls ? List.of("", "GET /hello.txt HTTP/1.1\r\n")
                    : List.of("GET /hello.txt HTTP/1.1\r\n", "PRI * HTTP/2.0\r\n")) {
                RawHttp r = new RawHttp(server.port(), tls);
                r.readTimeout(4000);
                if (!sent.isEmpty()) {
                    r.send(sent);
                }
                partial.add(r);
            }
            long start = System.nanoTime();
            for (Socket s : silent) {
                assertTrue(closedByServer(s), "a connection that never sent a byte is closed");
            }
            for (RawHttp r : partial) {
                assertTrue(r.readUntilClosed(4), "a connection without a whole first request head is closed");
            }
            // The header timeout is 1 s: well before the idle timeout (30 s).
            assertTrue(System.nanoTime() - start < 10_000_000_000L);
            wellBehavedClientIsServed(tls);
        } finally {
            for (Socket s : silent) {
                s.close();
            }
            for (RawHttp r : partial) {
                r.close();
            }
        }
    }

    private static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile"})
    void clientsThatStopReadingOneFileHoldOneDescriptorOfIt(String mode) throws Exception {
        start(mode);
        Path file = huge.toPath().toAbsolutePath();
        List<RawHttp> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawHttp r = new RawHttp(server.port());
                stalled.add(r);
                r.send(RawHttp.get("/huge.bin"));
                assertEquals(200, r.readHeaders().status, "the response has begun; its body is not read");
            }
            assertEquals(1, TestServers.ownAndDirectFilesUnder(file)[0],
                    "20 responses of one file under way share its descriptor");
            wellBehavedClientIsServed(false);
            assertEquals(1, TestServers.ownAndDirectFilesUnder(file)[0]);
        } finally {
            for (RawHttp r : stalled) {
                r.close();
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (TestServers.ownAndDirectFilesUnder(file)[0] > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, TestServers.ownAndDirectFilesUnder(file)[0], "closed with the last response");
    }
}
