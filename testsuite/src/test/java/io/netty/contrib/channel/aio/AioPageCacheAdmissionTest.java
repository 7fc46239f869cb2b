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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The default page-cache policy, {@code ADMIT_REPEATED}, and the loop's open-file cache: a file asked for once is
 * read with O_DIRECT and stays out of the page cache, a file asked for again is brought into it and served from it,
 * a file replaced on disk is served fresh, and the cached descriptors close with the loop (on io_uring:
 * {@link AioIoUringPageCacheAdmissionTest}).
 */
class AioPageCacheAdmissionTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        start(TestServer.Transport.EPOLL);
    }

    static void start(TestServer.Transport transport) throws Exception {
        Aio.ensureAvailability();
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        dir = TestFiles.directory("admission");
        server = new TestServer(dir, transport, false, AioFileRegionConfig.DEFAULT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Fetches the whole file and compares it with {@code expected} (hashed before: hashing reads the file). */
    private static void fetch(File file, String expected) throws Exception {
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("REGION " + file.getName() + " 0 " + file.length());
            assertEquals(expected, client.sha256(file.length()), file.getName());
            assertNull(server.nextResult());
        }
    }

    /** Hashes the file, then drops it from the page cache. */
    private static String hashAndEvict(File file) throws IOException {
        String sha = TestFiles.sha256(file, 0, file.length());
        PageCache.evict(file);
        return sha;
    }

    @Test
    void aFileAskedForOnceStaysOutOfThePageCache() throws Exception {
        File file = TestFiles.create(dir, "once", 3 << 20, 41);
        String sha = hashAndEvict(file);
        AioMetrics metrics = server.metrics();
        long read = metrics.bytesRead();
        fetch(file, sha);
        assertTrue(metrics.bytesRead() - read >= file.length(), "not read with AIO: " + metrics);
        assertEquals(0, PageCache.residentBytes(file, 0, file.length()), "cached after one request");
    }

    @Test
    void aFileAskedForAgainEndsUpServedFromThePageCache() throws Exception {
        File file = TestFiles.create(dir, "popular", (5 << 20) + 1234, 42);
        String sha = hashAndEvict(file);
        AioMetrics metrics = server.metrics();
        fetch(file, sha); // first request: O_DIRECT
        assertEquals(0, PageCache.residentBytes(file, 0, file.length()), "cached after one request");
        long admitted = metrics.admitted();
        long prefetched = metrics.prefetchedBytes();
        fetch(file, sha); // asked again: admitted, brought into the page cache
        assertTrue(metrics.admitted() > admitted, metrics.toString());
        assertTrue(metrics.prefetchedBytes() > prefetched, metrics.toString());
        assertResidentSoon(file);
        long fromCache = metrics.pageCacheBytes();
        long aio = metrics.bytesRead();
        fetch(file, sha); // served from the page cache, the disk is not asked
        assertEquals(fromCache + file.length(), metrics.pageCacheBytes(), metrics.toString());
        assertEquals(aio, metrics.bytesRead(), metrics.toString());
    }

    @Test
    void aFileSentAsConsecutiveRegionsIsOneRequest() throws Exception {
        File file = TestFiles.create(dir, "pieces", (5 << 20) + 1234, 46);
        String sha = hashAndEvict(file);
        AioMetrics metrics = server.metrics();
        long admitted = metrics.admitted();
        long read = metrics.bytesRead();
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("PIECES " + file.getName() + " " + (1 << 20)); // six regions, one response
            assertEquals(sha, client.sha256(file.length()));
            for (int i = 0; i < 6; i++) {
                assertNull(server.nextResult());
            }
        }
        assertEquals(admitted, metrics.admitted(), "one request: not admitted " + metrics);
        assertTrue(metrics.bytesRead() - read >= file.length(), "read with O_DIRECT: " + metrics);
        assertEquals(0, PageCache.residentBytes(file, 0, file.length()), "cached after one request");
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("PIECES " + file.getName() + " " + (1 << 20)); // asked for again
            assertEquals(sha, client.sha256(file.length()));
            for (int i = 0; i < 6; i++) {
                assertNull(server.nextResult());
            }
        }
        assertTrue(metrics.admitted() > admitted, "asked for again: admitted " + metrics);
    }

    @Test
    void aFileMostlyCachedIsAdmittedAtItsFirstRequestAndCountedSo() throws Exception {
        File file = TestFiles.create(dir, "mostly", 8 << 20, 45);
        String sha = TestFiles.sha256(file, 0, file.length()); // reads it: all cached
        PageCache.evict(file, 0, 2 << 20); // a quarter goes (whole 2 MiB: large folios go too)
        long resident = PageCache.residentBytes(file, 0, file.length());
        assumeTrue(resident >= file.length() / 2 && resident < file.length(), "resident: " + resident);
        AioMetrics metrics = server.metrics();
        long admitted = metrics.admitted();
        fetch(file, sha); // its first request: mostly cached, so read through the page cache
        assertEquals(admitted + 1, metrics.admitted(), metrics.toString());
        assertResidentSoon(file);
    }

    @Test
    void anAlignedRangeOfAnAdmittedFileUnderTlsIsCopiedFromThePageCache() throws Exception {
        File file = TestFiles.create(dir, "popular-tls", 3 << 20, 43);
        String sha = TestFiles.sha256(file, 4097, file.length() - 5000);
        PageCache.evict(file);
        try (TestServer tls = new TestServer(dir, server.transport, true, AioFileRegionConfig.DEFAULT)) {
            for (int i = 0; i < 3; i++) {
                try (TestClient client = new TestClient(tls.port(), true)) {
                    client.send("REGION " + file.getName() + " 4097 " + (file.length() - 5000));
                    assertEquals(sha, client.sha256(file.length() - 5000));
                    assertNull(tls.nextResult());
                }
            }
            AioMetrics metrics = tls.metrics();
            assertTrue(metrics.admitted() > 0, metrics.toString());
            assertTrue(metrics.pageCacheBytes() > 0, metrics.toString());
        }
    }

    @Test
    void aFileReplacedOnDiskIsServedFresh() throws Exception {
        File file = TestFiles.create(dir, "replaced", (1 << 20) + 17, 44);
        String sha = hashAndEvict(file);
        AioMetrics metrics = server.metrics();
        long misses = metrics.openFileMisses();
        long hits = metrics.openFileHits();
        fetch(file, sha);
        PageCache.evict(file);
        fetch(file, sha);
        assertEquals(misses + 1, metrics.openFileMisses(), "opened once: " + metrics);
        assertEquals(hits + 1, metrics.openFileHits(), "then taken from the cache: " + metrics);
        // A new file renamed over it: a new inode, which the cached descriptor must not serve.
        File replacement = TestFiles.create(dir, "replacement.tmp", (1 << 20) + 17, 45);
        Files.move(replacement.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING);
        String replaced = hashAndEvict(file);
        assertTrue(!replaced.equals(sha));
        fetch(file, replaced);
        // Rewritten in place with other bytes of the same length: a new modification time.
        Thread.sleep(10);
        TestFiles.create(dir, "replaced", (1 << 20) + 17, 46);
        fetch(file, hashAndEvict(file));
        assertEquals(misses + 3, metrics.openFileMisses(), metrics.toString());
    }

    @Test
    void theOpenFileCacheClosesItsDescriptorsWhenTheLoopShutsDown() throws Exception {
        File file = TestFiles.create(dir, "closing", 2 << 20, 47);
        String sha = hashAndEvict(file);
        TestServer own = new TestServer(dir, server.transport, false, AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT).build());
        try {
            try (TestClient client = new TestClient(own.port(), false)) {
                client.send("REGION " + file.getName() + " 0 " + file.length());
                assertEquals(sha, client.sha256(file.length()));
                assertNull(own.nextResult());
            }
            assertEquals(1, openDescriptors(file), "the cached O_DIRECT descriptor");
        } finally {
            own.close();
        }
        assertEquals(0, openDescriptors(file), "descriptors of " + file + " left open");
    }

    @Test
    void regionsReadingOneFileShareItsDirectDescriptorWhateverTheBound() throws Exception {
        // Keeps no idle file open: before, each region beyond the bound opened its own O_DIRECT descriptor, so a
        // thousand stalled responses for one file held two thousand descriptors.
        File file = TestFiles.create(dir, "shared", 16 << 20, 48);
        String sha = hashAndEvict(file);
        TestServer own = new TestServer(dir, server.transport, false, AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT)
                .loopConfig(AioLoopConfig.builder().openFiles(0).build()).build());
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                TestClient client = new TestClient(own.port(), false);
                clients.add(client);
                client.send("REGION " + file.getName() + " 0 " + file.length());
            }
            // Not read yet: each region is under way, with its own buffered descriptor and the one O_DIRECT one.
            awaitDescriptors(file, 3 + 1);
            assertEquals(1, own.metrics().openFileMisses(), own.metrics().toString());
            assertEquals(2, own.metrics().openFileHits(), own.metrics().toString());
            for (TestClient client : clients) {
                assertEquals(sha, client.sha256(file.length()));
                assertNull(own.nextResult());
            }
            // The last reader done, the idle file is not kept (openFiles 0).
            awaitDescriptors(file, 0);
        } finally {
            for (TestClient client : clients) {
                client.close();
            }
            own.close();
        }
    }

    private static void awaitDescriptors(File file, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long open;
        while ((open = openDescriptors(file)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, open, "descriptors open on " + file);
    }

    /** Descriptors of this JVM open on {@code file}. */
    private static long openDescriptors(File file) throws IOException {
        Path target = file.toPath().toRealPath();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    private static void assertResidentSoon(File file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (PageCache.residentBytes(file, 0, file.length()) < file.length() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(file.length(), PageCache.residentBytes(file, 0, file.length()), "resident after admission");
    }
}
