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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upload's and a delete's file-system steps go where {@code --metadata-lookup} says, as a GET's lookup does: the
 * thread each step runs on, a full metadata queue ({@code 503}, nothing created or deleted), a client that leaves
 * while a step is out (no temporary file, no open file), and a PUT pipelined behind a GET whose response is still
 * being written (answered in order, once the file handler signals that it is done).
 */
class UploadMetadataTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final String METADATA_THREAD = "file-server-metadata";

    private static Path root;
    private static Path dir;
    private static Path sources;
    private final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("upload-metadata").toRealPath();
        dir = Files.createDirectories(root.resolve("dir"));
        sources = TestFiles.directory("upload-metadata-src");
    }

    @AfterEach
    void stop() throws Exception {
        for (FileServer s : servers) {
            s.close();
        }
        servers.clear();
        assertEquals(List.of(), leftovers(), "temporary files left behind");
        TestServers.assertNoFilesOpenUnder(ProcessHandle.current().pid(), root, "files left open");
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir)) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
    }

    private FileServer start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--uploads"));
        args.addAll(List.of(extra));
        FileServer server = TestServers.start(root, "aio", args.toArray(new String[0]));
        servers.add(server);
        return server;
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Path source(String name, byte[] data) throws IOException {
        return Files.write(sources.resolve(name), data);
    }

    /** The status curl got for {@code -T file url}. */
    private static int put(Path file, String url) throws Exception {
        TestServers.Curl c = TestServers.curlRun(root, "-T", file.toString(), url);
        assertEquals(0, c.exit, c.toString());
        return c.status;
    }

    private static int delete(String url) throws Exception {
        TestServers.Curl c = TestServers.curlRun(root, "-X", "DELETE", url);
        assertEquals(0, c.exit, c.toString());
        return c.status;
    }

    /** The temporary upload files in the upload directory. */
    private static List<String> leftovers() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Upload.TEMP_PREFIX + "*")) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        }
        return names;
    }

    private static String putHead(String path, int length) {
        return "PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /** Bytes as RawHttp sends them (ISO-8859-1 maps each byte to one char and back). */
    private static String bytes(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "not released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    /** Records, for each step's name, the threads it ran on. */
    private static Map<String, List<Thread>> observeSteps(FileServer server) {
        Map<String, List<Thread>> steps = new ConcurrentHashMap<>();
        server.metadataLookup().stepObserver(
                step -> steps.computeIfAbsent(step, s -> new CopyOnWriteArrayList<>()).add(Thread.currentThread()));
        return steps;
    }

    private static void assertOnMetadataThreads(Map<String, List<Thread>> steps, String step) {
        List<Thread> threads = steps.get(step);
        assertTrue(threads != null && !threads.isEmpty(), step + " did not run: " + steps);
        for (Thread t : threads) {
            assertTrue(t.getName().startsWith(METADATA_THREAD), step + " ran on " + t.getName());
        }
    }

    @Test
    void withThreadsTheTemporaryFileRenameSyncAndDeleteRunOnMetadataThreads() throws Exception {
        FileServer server = start("--metadata-lookup", "threads");
        Map<String, List<Thread>> steps = observeSteps(server);
        byte[] data = random((3 << 20) + 17, 1);
        Path source = source("threads-src", data);
        assertEquals(201, put(source, server.url() + "dir/threads.bin"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("threads.bin")));
        assertEquals(204, put(source, server.url() + "dir/threads.bin"), "the second upload replaces the file");
        assertEquals(204, delete(server.url() + "dir/threads.bin"));
        assertFalse(Files.exists(dir.resolve("threads.bin")));
        assertEquals(404, delete(server.url() + "dir/threads.bin"));
        assertOnMetadataThreads(steps, "create");
        assertOnMetadataThreads(steps, "rename");
        assertOnMetadataThreads(steps, "sync-directory");
        assertOnMetadataThreads(steps, "delete");
        assertEquals(2, steps.get("create").size(), steps.toString());
        assertEquals(2, steps.get("delete").size(), steps.toString());
        assertEquals(0, server.metadataLookup().onLoop(), server.metadataLookup().toString());
    }

    @Test
    void withAutoTheStepsThatChangeFilesRunOnMetadataThreads() throws Exception {
        FileServer server = start("--metadata-lookup", "auto");
        Map<String, List<Thread>> steps = observeSteps(server);
        byte[] data = random(70_000, 2);
        assertEquals(201, put(source("auto-src", data), server.url() + "dir/auto.bin"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("auto.bin")));
        assertEquals(204, delete(server.url() + "dir/auto.bin"));
        // The kernel cannot vouch for a create, a rename or an unlink from its caches: they always leave the loop.
        assertOnMetadataThreads(steps, "create");
        assertOnMetadataThreads(steps, "rename");
        assertOnMetadataThreads(steps, "delete");
    }

    @Test
    void withLoopEveryStepRunsOnTheEventLoop() throws Exception {
        FileServer server = start("--metadata-lookup", "loop", "--upload-io", "blocking");
        Map<String, List<Thread>> steps = observeSteps(server);
        byte[] data = random(5000, 3);
        assertEquals(201, put(source("loop-src", data), server.url() + "dir/loop.bin"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("loop.bin")));
        assertEquals(204, delete(server.url() + "dir/loop.bin"));
        for (String step : List.of("create", "rename", "sync-directory", "delete")) {
            List<Thread> threads = steps.get(step);
            assertTrue(threads != null && !threads.isEmpty(), step + " did not run: " + steps);
            for (Thread t : threads) {
                assertTrue(server.loop().inEventLoop(t), step + " ran on " + t.getName());
            }
        }
        assertEquals(0, server.metadataLookup().offloaded(), server.metadataLookup().toString());
    }

    @Test
    void aFullQueueAnswers503AndCreatesOrDeletesNothing() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "1", "--metadata-queue", "1");
        MetadataLookup lookups = server.metadataLookup();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        lookups.beforeOffloadedLookup(() -> {
            entered.countDown();
            await(release);
        });
        Files.write(dir.resolve("kept"), new byte[] {7});
        byte[] data = random(200_000, 4);
        try (RawHttp running = new RawHttp(server.port()); RawHttp queued = new RawHttp(server.port());
             RawHttp refused = new RawHttp(server.port())) {
            running.send(putHead("/dir/running", data.length) + bytes(data));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            queued.send(putHead("/dir/queued", data.length) + bytes(data));
            waitFor(() -> lookups.offloaded() == 2, "the second upload's step is waiting: " + lookups);

            refused.send(putHead("/dir/refused", data.length) + bytes(data));
            RawHttp.Response r = refused.read(false);
            assertEquals(503, r.status);
            assertEquals("1", r.header("retry-after"));
            refused.send("DELETE /dir/kept HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(503, refused.read(false).status);
            assertEquals(2, lookups.refused(), lookups.toString());
            assertFalse(Files.exists(dir.resolve("refused")));
            assertTrue(Files.exists(dir.resolve("kept")), "a refused DELETE deleted the file");
            assertEquals(List.of(), leftovers(), "the steps held out have created nothing yet");

            lookups.beforeOffloadedLookup(null);
            release.countDown();
            assertEquals(201, running.read(false).status);
            assertEquals(201, queued.read(false).status);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("running")));
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("queued")));
            // The refused connection read and dropped the body: it is still usable.
            refused.send(putHead("/dir/refused", data.length) + bytes(data));
            assertEquals(201, refused.read(false).status);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("refused")));
        }
    }

    @Test
    void aClientThatLeavesWhileItsTemporaryFileIsCreatedLeavesNothing() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> steps = new CopyOnWriteArrayList<>();
        server.metadataLookup().stepObserver(step -> {
            steps.add(step);
            if (step.equals("create")) {
                entered.countDown();
                await(release);
            }
        });
        byte[] data = random(1 << 20, 5);
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(putHead("/dir/gone", data.length) + bytes(data).substring(0, data.length / 2));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
        }
        Thread.sleep(100); // the server sees the connection close while the step is out
        release.countDown();
        // The temporary file is made after the client has gone; its outcome, back on the loop, deletes it.
        waitFor(() -> steps.contains("delete-temp"), "the temporary file was not deleted: " + steps);
        waitFor(() -> {
            try {
                return leftovers().isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, "temporary file left");
        assertFalse(Files.exists(dir.resolve("gone")));
        assertEquals(List.of("create", "delete-temp"), steps);
    }

    @Test
    void aClientThatLeavesDuringTheRenameGetsTheWholeFileOrNone() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.metadataLookup().stepObserver(step -> {
            if (step.equals("rename")) {
                entered.countDown();
                await(release);
            }
        });
        byte[] data = random((2 << 20) + 3, 6);
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(putHead("/dir/renamed", data.length) + bytes(data));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
        }
        Thread.sleep(100);
        release.countDown();
        waitFor(() -> {
            try {
                return leftovers().isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, "temporary file left");
        if (Files.exists(dir.resolve("renamed"))) {
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("renamed")));
        }
    }

    @Test
    void aPutPipelinedBehindALargeGetIsAnsweredInOrderWhenTheGetEnds() throws Exception {
        FileServer server = start("--metadata-lookup", "threads");
        Map<String, List<Thread>> steps = observeSteps(server);
        // Larger than what the socket buffers take: the GET's response is still being written when the PUT arrives.
        byte[] large = random(24 << 20, 7);
        Files.write(dir.resolve("large"), large);
        byte[] fresh = random((1 << 20) + 5, 8);
        try (RawHttp http = new RawHttp(server.port())) {
            Thread sender = http.sendInBackground(RawHttp.get("/dir/large")
                    + putHead("/dir/large", fresh.length) + bytes(fresh)
                    + RawHttp.get("/dir/large")
                    + "DELETE /dir/large HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + RawHttp.get("/dir/large"), 1);
            Thread.sleep(200); // the PUT's head has been read and waits behind the GET's response
            assertFalse(steps.containsKey("create"), "the upload started before the GET was answered: " + steps);
            RawHttp.Response first = http.read(false);
            assertEquals(200, first.status);
            assertArrayEquals(large, first.body);
            assertEquals(204, http.read(false).status);
            RawHttp.Response second = http.read(false);
            assertEquals(200, second.status);
            assertArrayEquals(fresh, second.body);
            assertEquals(204, http.read(false).status);
            assertEquals(404, http.read(false).status);
            sender.join(10_000);
        }
        assertFalse(Files.exists(dir.resolve("large")));
        assertOnMetadataThreads(steps, "create");
        assertOnMetadataThreads(steps, "delete");
    }

    @Test
    void stoppingTheServerWhileAStepIsOutLeavesNoTemporaryFile() throws Exception {
        FileServer server = start("--metadata-lookup", "threads", "--metadata-threads", "1");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.metadataLookup().stepObserver(step -> {
            if (step.equals("create")) {
                entered.countDown();
                await(release);
            }
        });
        byte[] data = random(300_000, 9);
        try (RawHttp first = new RawHttp(server.port()); RawHttp second = new RawHttp(server.port())) {
            first.send(putHead("/dir/stop-1", data.length) + bytes(data));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            second.send(putHead("/dir/stop-2", data.length) + bytes(data));
            waitFor(() -> server.metadataLookup().offloaded() == 2, "the second step is waiting");
            servers.remove(server);
            Thread closer = new Thread(() -> {
                try {
                    server.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            closer.start();
            Thread.sleep(200); // the loops stop while the first step is held
            release.countDown();
            closer.join(30_000);
            assertFalse(closer.isAlive());
        }
        // The held step made its temporary file after the loop had stopped: it was deleted; the waiting one never ran.
        assertEquals(List.of(), leftovers());
        assertFalse(Files.exists(dir.resolve("stop-1")));
        assertFalse(Files.exists(dir.resolve("stop-2")));
    }
}
