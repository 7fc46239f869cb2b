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
package io.netty.contrib.channel.aio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Byte-exact delivery through AIO on an epoll server, with cold files ({@link AioIoUringDeliveryTest}: io_uring). */
class AioDeliveryTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    static final AioFileRegionConfig SERVE_RESIDENT = AioFileRegionConfig.builder()
            .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT).build();

    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        start(TestServer.Transport.EPOLL);
    }

    static void start(TestServer.Transport transport) throws Exception {
        Aio.ensureAvailability();
        dir = TestFiles.directory("delivery");
        // Files are asked for many times here, each time cold: no admission to the page cache, so that every request
        // tests the disk path (AioPageCacheAdmissionTest covers admission).
        server = new TestServer(dir, transport, false, SERVE_RESIDENT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Downloads a region of a cold file and checks it byte for byte. */
    static void download(TestServer server, TestClient client, String cmd, File file, long position, long count)
            throws Exception {
        String expected = TestFiles.sha256(file, position, count);
        PageCache.evict(file);
        client.send(cmd + ' ' + file.getName() + ' ' + position + ' ' + count);
        assertEquals(expected, client.sha256(count),
                file.getName() + " [" + position + ", +" + count + ')');
        assertNull(server.nextResult());
    }

    /**
     * Downloads every file whole on a connection of its own, all at once, checks each against its expected SHA-256
     * and each region's outcome.
     */
    static void downloadAtOnce(TestServer server, List<File> files, List<String> expected) throws Exception {
        downloadAtOnce(server, files, expected, false);
    }

    /** As {@link #downloadAtOnce(TestServer, List, List)}, over TLS when {@code tls}. */
    static void downloadAtOnce(TestServer server, List<File> files, List<String> expected, boolean tls)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(files.size());
        try {
            List<Future<String>> results = new ArrayList<>();
            for (File file : files) {
                results.add(pool.submit(() -> {
                    try (TestClient client = new TestClient(server.port(), tls)) {
                        client.send("REGION " + file.getName() + " 0 " + file.length());
                        return client.sha256(file.length());
                    }
                }));
            }
            for (int i = 0; i < files.size(); i++) {
                assertEquals(expected.get(i), results.get(i).get(120, TimeUnit.SECONDS), files.get(i).getName());
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < files.size(); i++) {
            assertNull(server.nextResult());
        }
    }

    /** After a failed transfer the server goes on: a new connection gets a new file byte for byte. */
    private static void assertStillServes(String name, int size, long seed) throws Exception {
        File ok = TestFiles.create(dir, name, size, seed);
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, "REGION", ok, 0, ok.length());
        }
    }

    @Test
    void deliversEverySizeAndRangeByteExactFromDisk() throws Exception {
        long[] sizes = {0, 1, 511, 512, 513, 4095, 4096, 4097, 524287, 524288, 524289, 1048577, 3_000_001};
        AioMetrics metrics = server.metrics();
        long readsBefore = metrics.readsCompleted();
        long fallbacksBefore = metrics.fallbacks();
        long errorsBefore = metrics.errors();
        long cachedBefore = metrics.pageCacheBytes();
        try (TestClient client = new TestClient(server.port(), false)) {
            for (long size : sizes) {
                File file = TestFiles.create(dir, "size-" + size, size, size);
                download(server, client, "REGION", file, 0, size);
                if (size > 2) {
                    download(server, client, "REGION", file, 1, size - 2);
                    download(server, client, "AIOREGION", file, size / 3, size / 3);
                    download(server, client, "REGION", file, size - 1, 1);
                }
            }
        }
        assertTrue(metrics.readsCompleted() > readsBefore, metrics.toString());
        assertEquals(fallbacksBefore, metrics.fallbacks(), metrics.toString());
        assertEquals(errorsBefore, metrics.errors(), metrics.toString());
        assertEquals(cachedBefore, metrics.pageCacheBytes(), "cold files come from the disk: " + metrics);
    }

    @Test
    void deliversAFileOfSeveralHundredMegabytes() throws Exception {
        File file = TestFiles.create(dir, "large.bin", 300L << 20, 300);
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, "REGION", file, 0, file.length());
            download(server, client, "AIOREGION", file, 12345, 100L << 20);
        }
        assertTrue(file.delete());
    }

    @Test
    void sixtyFourConnectionsEachStreamADifferentFile() throws Exception {
        List<File> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            File file = TestFiles.create(dir, "conn-" + i, (1 << 20) + i * 4099L, 1000 + i);
            files.add(file);
            expected.add(TestFiles.sha256(file, 0, file.length()));
            PageCache.evict(file);
        }
        AioMetrics metrics = server.metrics();
        long readsBefore = metrics.readsCompleted();
        downloadAtOnce(server, files, expected);
        assertTrue(metrics.readsCompleted() - readsBefore >= 64, metrics.toString());
    }

    @Test
    void pipelinedBytesAndRegionsArriveInOrder() throws Exception {
        File a = TestFiles.create(dir, "mix-a", 1_500_000, 11);
        File b = TestFiles.create(dir, "mix-b", 700_000, 12);
        PageCache.evict(a);
        PageCache.evict(b);
        try (TestClient client = new TestClient(server.port(), false)) {
            for (int round = 0; round < 3; round++) {
                client.send("MIX mix-a 3 1400000 mix-b 0 700000");
                assertArrayEquals("<A>".getBytes(StandardCharsets.US_ASCII), client.readBytes(3));
                assertArrayEquals(TestFiles.read(a, 3, 1_400_000), client.readBytes(1_400_000));
                assertArrayEquals("<B>".getBytes(StandardCharsets.US_ASCII), client.readBytes(3));
                assertArrayEquals(TestFiles.read(b, 0, 700_000), client.readBytes(700_000));
                assertArrayEquals("<C>".getBytes(StandardCharsets.US_ASCII), client.readBytes(3));
                assertNull(server.nextResult());
                assertNull(server.nextResult());
            }
        }
    }

    @Test
    void writesQueuedBehindARegionCountTowardWritability() throws Exception {
        File file = TestFiles.create(dir, "queued", 3_000_000, 23);
        String expected = TestFiles.sha256(file, 0, file.length());
        PageCache.evict(file);
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("QUEUE queued 0 " + file.length() + " 1048576");
            assertEquals(expected, client.sha256(file.length()));
            byte[] tail = client.readBytes(1 << 20);
            for (byte b : tail) {
                assertEquals('x', b);
            }
            assertNull(server.nextResult());
        }
        assertEquals(Boolean.FALSE, server.writable.poll(10, TimeUnit.SECONDS),
                "1 MiB queued behind a streaming region must make the channel unwritable");
    }

    @Test
    void unchangedDefaultFileRegionCodeGoesThroughAio() throws Exception {
        File file = TestFiles.create(dir, "default-region", 2_000_000, 13);
        AioMetrics metrics = server.metrics();
        long reads = metrics.readsCompleted();
        long cached = metrics.pageCacheBytes();
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, "REGION", file, 0, file.length());
        }
        assertTrue(metrics.readsCompleted() - reads >= 2000000 / AioFileRegionConfig.DEFAULT.chunkSize(),
                metrics.toString());
        assertEquals(cached, metrics.pageCacheBytes(), "a cold file must come from the disk: " + metrics);
    }

    @Test
    void aHotFileIsServedFromThePageCache() throws Exception {
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        File file = TestFiles.create(dir, "hot", 3_000_000, 14);
        TestFiles.sha256(file, 0, file.length()); // reads it into the page cache
        AioMetrics metrics = server.metrics();
        long submitted = metrics.readsSubmitted();
        long cached = metrics.pageCacheBytes();
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("REGION hot 0 " + file.length());
            assertEquals(TestFiles.sha256(file, 0, file.length()), client.sha256(file.length()));
            assertNull(server.nextResult());
        }
        assertEquals(submitted, metrics.readsSubmitted(), metrics.toString());
        assertEquals(cached + file.length(), metrics.pageCacheBytes(), metrics.toString());
    }

    /**
     * Offsets past 4 GiB, hot and cold: a region there must never be handed to a path that keeps the offset in an
     * {@code int} (Netty's io_uring file region does), or the bytes of another part of the file go out.
     */
    @Test
    void aRegionPastFourGibibytesIsServedFromItsOwnOffset() throws Exception {
        File file = dir.resolve("sparse-5g").toFile();
        long offset = (4L << 30) + (1 << 20);
        byte[] data = new byte[3 << 20];
        new java.util.Random(44).nextBytes(data);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(5L << 30);
            raf.seek(offset - (1 << 20));
            raf.write(data);
        }
        try {
            try (TestClient client = new TestClient(server.port(), false)) {
                // Hot: just written, in the page cache.
                TestFiles.sha256(file, offset, 1 << 20);
                client.send("REGION " + file.getName() + ' ' + offset + ' ' + (1 << 20));
                assertEquals(TestFiles.sha256(file, offset, 1 << 20), client.sha256(1 << 20), "hot");
                assertNull(server.nextResult());
                // Cold, and across the 4 GiB boundary.
                download(server, client, "REGION", file, (4L << 30) - 4096, 2 << 20);
            }
        } finally {
            Files.delete(file.toPath());
        }
    }

    @Test
    void progressIsReportedUpToTheRegionsLength() throws Exception {
        File file = TestFiles.create(dir, "progress", 2_500_000, 15);
        server.progress.clear();
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, "REGION", file, 100, 2_400_000);
        }
        List<Long> values = new ArrayList<>(server.progress);
        assertTrue(values.size() >= 2, values.toString());
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i) > values.get(i - 1), values.toString());
        }
        assertEquals(2_400_000L, values.get(values.size() - 1));
    }

    @Test
    void aFileShorterThanItsRegionFailsThePromiseAndTheServerGoesOn() throws Exception {
        File file = TestFiles.create(dir, "short", 1 << 20, 16);
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("REGION short 0 " + (4 << 20));
            long got = client.drainToEof();
            assertTrue(got < 4 << 20, "got " + got);
            Throwable cause = server.nextResult();
            assertNotNull(cause);
            assertTrue(cause instanceof IOException && cause.getMessage().contains("File shrank"), cause.toString());
            assertTrue(cause.getMessage().contains("its size is " + (1 << 20) + " bytes")
                    || cause.getMessage().contains("read "), "the file's real end: " + cause);
        }
        assertStillServes("after-short", 100_000, 17);
    }

    /**
     * A region whose position + count passes {@code Long.MAX_VALUE} (or comes near it) fails at once with a clear
     * error, as Netty's own {@code sendfile} fails with {@code EINVAL}; it does not hang. The server goes on.
     */
    @Test
    void aRegionWhoseEndOverflowsFailsAtOnce() throws Exception {
        File file = TestFiles.create(dir, "overflow", 4096, 23);
        long[][] ranges = {{Long.MAX_VALUE - 100, 200}, {1L << 62, 1L << 62}, {Long.MAX_VALUE - 100, 50}};
        for (long[] r : ranges) {
            try (TestClient client = new TestClient(server.port(), false)) {
                client.send("REGION overflow " + r[0] + ' ' + r[1]);
                assertEquals(0, client.drainToEof(), "bytes sent for [" + r[0] + ", +" + r[1] + ')');
                Throwable cause = server.nextResult();
                assertTrue(cause instanceof IllegalArgumentException, String.valueOf(cause));
                assertTrue(cause.getMessage().contains("not a range of a file"), cause.getMessage());
            }
        }
        assertStillServes("after-overflow", 100_000, 24);
    }

    @Test
    void aFileTruncatedWhileStreamingFailsWithoutHanging() throws Exception {
        File file = TestFiles.create(dir, "truncated", 64 << 20, 18);
        PageCache.evict(file);
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("REGION truncated 0 " + file.length());
            client.readBytes(1 << 20);
            try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
                raf.setLength(16 << 20);
            }
            long got = (1 << 20) + client.drainToEof();
            assertTrue(got < 64 << 20, "got " + got);
            Throwable cause = server.nextResult();
            assertNotNull(cause);
            assertTrue(cause.getMessage().contains("File shrank") || cause.getMessage().contains("smaller"),
                    cause.toString());
        }
        assertStillServes("after-truncated", 100_000, 19);
    }

    @Test
    void aClientThatHangsUpMidTransferFreesEverything() throws Exception {
        File file = TestFiles.create(dir, "hangup", 64 << 20, 20);
        PageCache.evict(file);
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("REGION hangup 0 " + file.length());
            client.readBytes(256 << 10);
        }
        assertNotNull(server.nextResult(), "the region's promise must fail when the client hangs up");
        AioMetrics metrics = server.metrics();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, metrics.inFlight(), metrics.toString());
        assertStillServes("after-hangup", 300_000, 21);
    }

    @Test
    void shuttingTheLoopDownMidTransferDrainsAndDestroysTheContext() throws Exception {
        File file = TestFiles.create(dir, "shutdown", 128 << 20, 22);
        PageCache.evict(file);
        int contexts = LeakAndContextCheck.aioContexts();
        long eventFds = eventFds();
        TestServer own = new TestServer(dir, server.transport, false, SERVE_RESIDENT);
        try (TestClient client = new TestClient(own.port(), false)) {
            client.send("REGION shutdown 0 " + file.length());
            client.readBytes(1 << 20);
            assertTrue(LeakAndContextCheck.aioContexts() > contexts, "the loop's AIO context exists");
            own.close();
            assertTrue(own.group.isTerminated());
            client.drainToEof();
        }
        assertNotNull(own.nextResult());
        assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed with the loop");
        // The loop's own eventfd and ours: both closed once it has terminated (ours as its AIO state ended).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (eventFds() > eventFds && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(eventFds, eventFds(), "eventfds open in this JVM");
    }

    /** How many eventfds this JVM holds open. */
    static long eventFds() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:[eventfd]");
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).count();
        }
    }
}
