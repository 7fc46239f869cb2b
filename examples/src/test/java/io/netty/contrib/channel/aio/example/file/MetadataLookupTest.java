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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Path lookups, opens and stats of the file server on the event loop when the kernel has them cached, on the metadata
 * threads when not: the same bytes and the same refusals either way, the order of pipelined requests kept across the
 * hop, nothing leaked by a client that leaves while its lookup is out, and a 503 when the threads' queue is full.
 */
class MetadataLookupTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final int DIRS = 8;
    private static final int FILES_PER_DIR = 12;

    private static Path root;
    private final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("metadata-lookup").toRealPath();
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectories(root.resolve("d" + d));
            for (int f = 0; f < FILES_PER_DIR; f++) {
                TestFiles.create(dir, "f" + f + ".bin", 4096 + 97 * f, d * 100L + f);
            }
        }
        Files.createDirectories(root.resolve("site"));
        Files.write(root.resolve("site/index.html"), "<p>index</p>\n".getBytes());
        Files.createDirectories(root.resolve("listed"));
        Files.write(root.resolve("listed/a.txt"), "a\n".getBytes());
        Files.write(root.resolve(".env"), "SECRET=1\n".getBytes());
        Files.deleteIfExists(root.resolve("escape"));
        Files.createSymbolicLink(root.resolve("escape"), Paths.get("/etc/passwd"));
        Files.deleteIfExists(root.resolve("inside"));
        Files.createSymbolicLink(root.resolve("inside"), Paths.get("d0/f0.bin"));
    }

    @AfterEach
    void stop() throws Exception {
        for (FileServer s : servers) {
            s.close();
        }
        servers.clear();
        TestServers.assertNoFilesOpenUnder(ProcessHandle.current().pid(), root, "files left open");
    }

    private FileServer start(String... extra) throws Exception {
        FileServer server = TestServers.start(root, "aio", extra);
        servers.add(server);
        return server;
    }

    private static byte[] expected(String path) throws Exception {
        return Files.readAllBytes(root.resolve(path.substring(1)));
    }

    private static List<String> allFiles() {
        List<String> paths = new ArrayList<>();
        for (int d = 0; d < DIRS; d++) {
            for (int f = 0; f < FILES_PER_DIR; f++) {
                paths.add("/d" + d + "/f" + f + ".bin");
            }
        }
        return paths;
    }

    @Test
    void coldLookupsGoToTheThreadsAndWarmOnesStayOnTheLoop() throws Exception {
        assumeTrue(TestFiles.isRoot(), "dropping the kernel's caches needs root");
        FileServer server = start();
        MetadataLookup lookups = server.metadataLookup();
        assumeTrue(lookups.policy() == MetadataLookup.Policy.AUTO, "openat2(RESOLVE_CACHED) needs Linux 5.12");
        HttpClient client = TestServers.client();
        Files.write(Paths.get("/proc/sys/vm/drop_caches"), "2\n".getBytes()); // dentries and inodes
        for (String path : allFiles()) {
            HttpResponse<byte[]> res = TestServers.get(client, server, path.substring(1));
            assertEquals(200, res.statusCode(), path);
            assertArrayEquals(expected(path), res.body(), path);
        }
        long cold = lookups.offloaded();
        // Every directory was cold: at least its first file had to be looked up on a thread.
        assertTrue(cold >= DIRS, lookups.toString());
        long onLoop = lookups.onLoop();
        for (String path : allFiles()) {
            File file = root.resolve(path.substring(1)).toFile();
            assertEquals(TestFiles.sha256(file, 0, file.length()),
                    TestServers.curl(root, server, path.substring(1)), path);
        }
        assertEquals(cold, lookups.offloaded(), "a warm lookup went to a thread: " + lookups);
        assertEquals(onLoop + allFiles().size(), lookups.onLoop(), lookups.toString());
        // Cold or warm, on a thread or on the loop: every one was opened below the root's descriptor.
        assertEquals(2 * allFiles().size(), lookups.beneath(), lookups.toString());
        assertEquals(0, lookups.byPath(), lookups.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "threads", "loop"})
    void theSameBytesAndRefusalsWhereverTheLookupRuns(String policy) throws Exception {
        FileServer server = start("--metadata-lookup", policy);
        for (String path : List.of("/d1/f3.bin", "/inside", "/site/", "/site/index.html")) {
            TestServers.Curl c = TestServers.curlRun(root, server.url() + path.substring(1));
            assertEquals(200, c.status, path + ": " + c);
            byte[] want = path.startsWith("/site") ? expected("/site/index.html")
                    : expected(path.equals("/inside") ? "/d0/f0.bin" : path);
            assertArrayEquals(want, c.body, path);
        }
        assertStatus(server, "/listed/", 200);
        assertTrue(TestServers.curlRun(root, server.url() + "listed/").text().contains("a.txt"));
        assertStatus(server, "/listed", 301);
        assertStatus(server, "/missing.bin", 404);
        assertStatus(server, "/d1/missing.bin", 404);
        assertStatus(server, "/.env", 404);
        assertStatus(server, "/escape", 403);
        assertStatus(server, "/%2e%2e/etc/passwd", 403);
        assertStatus(server, "/d1/f3.bin/x", 404);
        if (policy.equals("threads")) {
            assertTrue(server.metadataLookup().offloaded() >= 6, server.metadataLookup().toString());
        } else if (policy.equals("loop")) {
            assertEquals(0, server.metadataLookup().offloaded(), server.metadataLookup().toString());
        }
    }

    private static void assertStatus(FileServer server, String path, int status) throws Exception {
        // --path-as-is: curl would remove the dot segments itself
        TestServers.Curl c = TestServers.curlRun(root, "--path-as-is", server.url() + path.substring(1));
        assertEquals(status, c.status, path + ": " + c);
    }

    @Test
    void pipelinedRequestsKeepTheirOrderAcrossTheHop() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "4");
        List<String> paths = new ArrayList<>(allFiles().subList(0, 30));
        paths.add(5, "/missing.bin");
        paths.add(9, "/listed/");
        StringBuilder all = new StringBuilder();
        for (String p : paths) {
            all.append(RawHttp.get(p));
        }
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(all.toString()); // one write: the requests arrive together and wait behind each lookup
            for (String p : paths) {
                RawHttp.Response r = http.read(false);
                if (p.equals("/missing.bin")) {
                    assertEquals(404, r.status);
                } else if (p.equals("/listed/")) {
                    assertEquals(200, r.status);
                    assertTrue(new String(r.body).contains("Index of /listed/"), p);
                } else {
                    assertEquals(200, r.status, p);
                    assertArrayEquals(expected(p), r.body, p);
                }
            }
        }
        assertEquals(paths.size(), server.metadataLookup().offloaded());
    }

    @Test
    void aClientThatLeavesWhileItsLookupIsOutLeaksNothing() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.metadataLookup().beforeOffloadedLookup(() -> {
            entered.countDown();
            await(release);
        });
        long pid = ProcessHandle.current().pid();
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(RawHttp.get("/d2/f1.bin") + RawHttp.get("/d2/f2.bin"));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
        }
        // Closed while the first lookup is held on the thread: it opens the file after the client has gone.
        server.metadataLookup().beforeOffloadedLookup(null);
        release.countDown();
        // Another lookup behind it on the single thread shows when the first has finished and been handed back.
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(RawHttp.get("/d2/f3.bin"));
            RawHttp.Response r = http.read(false);
            assertEquals(200, r.status);
            assertArrayEquals(expected("/d2/f3.bin"), r.body);
        }
        TestServers.assertNoFilesOpenUnder(pid, root, "the file opened for the departed client is open");
        assertEquals(2, server.metadataLookup().offloaded(), server.metadataLookup().toString());
    }

    @Test
    void aFullQueueAnswers503() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "1", "--metadata-queue",
                "1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.metadataLookup().beforeOffloadedLookup(() -> {
            entered.countDown();
            await(release);
        });
        try (RawHttp running = new RawHttp(server.port()); RawHttp queued = new RawHttp(server.port());
             RawHttp refused = new RawHttp(server.port())) {
            running.send(RawHttp.get("/d3/f0.bin"));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            queued.send(RawHttp.get("/d3/f1.bin"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.metadataLookup().offloaded() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            refused.send(RawHttp.get("/d3/f2.bin"));
            RawHttp.Response r = refused.read(false);
            assertEquals(503, r.status);
            assertEquals("1", r.header("retry-after"));
            assertEquals(1, server.metadataLookup().refused());
            release.countDown();
            for (RawHttp http : Arrays.asList(running, queued)) {
                RawHttp.Response ok = http.read(false);
                assertEquals(200, ok.status);
            }
            // The refused connection is still usable once the queue has room.
            refused.send(RawHttp.get("/d3/f2.bin"));
            RawHttp.Response later = refused.read(false);
            assertEquals(200, later.status);
            assertArrayEquals(expected("/d3/f2.bin"), later.body);
        }
    }

    @Test
    void theCountsAreLoggedAtShutdown() throws Exception {
        FileServer server = start("--metadata-lookup", "threads");
        assertEquals(200, TestServers.get(TestServers.client(), server, "d4/f4.bin").statusCode());
        assertEquals("metadata lookups (threads): 0 on the loop, 1 on metadata threads, 0 refused (queue full); "
                + "1 below the root descriptor, 0 by real path",
                server.metadataLookup().toString());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
