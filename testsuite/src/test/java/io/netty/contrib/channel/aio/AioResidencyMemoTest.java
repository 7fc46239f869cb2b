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
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file served from the page cache moments ago is not counted page by page again ({@link ResidencyMemo}), yet it
 * never goes to {@code sendfile} once its pages have left the page cache: dropped behind the library's back (the
 * {@code RWF_NOWAIT} reads of its first and last byte see it), or in part through {@link PageCache#evict}. A file
 * that lost some of its pages is read ahead back into the page cache rather than read with {@code O_DIRECT}.
 */
class AioResidencyMemoTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Aio.ensureAvailability();
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        dir = TestFiles.directory("residency-memo");
        server = new TestServer(dir, TestServer.Transport.EPOLL, false, AioDeliveryTest.SERVE_RESIDENT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void fetch(File file, String expected) throws Exception {
        fetch(server, file, expected);
    }

    private static void fetch(TestServer server, File file, String expected) throws Exception {
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("REGION " + file.getName() + " 0 " + file.length());
            assertEquals(expected, client.sha256(file.length()), file.getName());
            assertNull(server.nextResult());
        }
    }

    /** An eviction, done until it took: pages that a socket buffer still holds after a send are not dropped. */
    private interface Eviction {
        void run() throws Exception;
    }

    /**
     * Runs {@code eviction} until {@code file} has {@code resident} bytes in the page cache, for at most 5 s: a page
     * (and the large folio around it) stays while something still refers to it, a socket buffer of an earlier send
     * for one. Where the kernel keeps a folio all that time the test cannot make its situation and is skipped: what
     * it checks needs the eviction to have taken.
     */
    private static void evict(File file, long resident, Eviction eviction) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            eviction.run();
            if (PageCache.residentBytes(file, 0, file.length()) == resident) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() - deadline < 0);
        long left = PageCache.residentBytes(file, 0, file.length());
        assumeTrue(left == resident, "the kernel kept " + left + " bytes of " + file + " in the page cache for 5 s");
    }

    /** Serves {@code file}, already in the page cache, twice in a row: both times with {@code sendfile}. */
    private static void fetchHotTwice(File file, String sha) throws Exception {
        AioMetrics metrics = server.metrics();
        long fromCache = metrics.pageCacheBytes();
        long aio = metrics.bytesRead();
        fetch(file, sha);
        fetch(file, sha);
        assertEquals(fromCache + 2 * file.length(), metrics.pageCacheBytes(), metrics.toString());
        assertEquals(aio, metrics.bytesRead(), metrics.toString());
    }

    @Test
    void aFileDroppedFromThePageCacheBehindTheLibrarysBackGoesToTheDisk() throws Exception {
        File file = TestFiles.create(dir, "dropped", 4 << 20, 51);
        String sha = TestFiles.sha256(file, 0, file.length()); // reads it into the page cache
        fetchHotTwice(file, sha);
        // Dropped without PageCache.evict, which would void the memo: as reclaim or another process would.
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            int fd = AioFiles.fd(channel);
            channel.force(false); // no dirty page left: those stay until written back
            evict(file, 0, () -> assertEquals(0, Native.fadvise(fd, 0, 0, Native.POSIX_FADV_DONTNEED)));
        }
        AioMetrics metrics = server.metrics();
        long fromCache = metrics.pageCacheBytes();
        long aio = metrics.bytesRead();
        fetch(file, sha);
        assertEquals(fromCache, metrics.pageCacheBytes(), "sent from a page cache that no longer holds it: " + metrics);
        assertTrue(metrics.bytesRead() - aio >= file.length(), "not read with AIO: " + metrics);
    }

    @Test
    void aFileWithAHoleEvictedInItsMiddleGoesToTheDisk() throws Exception {
        File file = TestFiles.create(dir, "holed", 4 << 20, 52);
        String sha = TestFiles.sha256(file, 0, file.length());
        fetchHotTwice(file, sha);
        // First and last page stay cached: only the eviction's own notice keeps the memo from answering.
        evict(file, file.length() - (1 << 20), () -> PageCache.evict(file, 1 << 20, 1 << 20));
        AioMetrics metrics = server.metrics();
        long fromCache = metrics.pageCacheBytes();
        long aio = metrics.bytesRead();
        fetch(file, sha);
        // The cached parts may still go by sendfile, chunk by chunk; the hole comes from the disk.
        assertTrue(metrics.pageCacheBytes() - fromCache <= file.length() - (1 << 20),
                "a region with a hole went to sendfile whole: " + metrics);
        assertTrue(metrics.bytesRead() - aio >= 1 << 20, "the hole was not read with AIO: " + metrics);
    }

    @Test
    void aFileThatLostSomePagesIsReadAheadBackIntoThePageCacheOnItsFirstRequest() throws Exception {
        File file = TestFiles.create(dir, "thinned", 4 << 20, 53);
        String sha = TestFiles.sha256(file, 0, file.length());
        // A quarter: the page cache may hold the file in folios of up to a MiB, which a smaller eviction leaves alone.
        evict(file, file.length() - (1 << 20), () -> PageCache.evict(file, 1 << 20, 1 << 20));
        // The default policy: a file seen once is read with O_DIRECT, unless it is mostly in the page cache already.
        try (TestServer admitting = new TestServer(dir, TestServer.Transport.EPOLL, false,
                AioFileRegionConfig.DEFAULT)) {
            fetch(admitting, file, sha);
            AioMetrics metrics = admitting.metrics();
            assertEquals(0, metrics.bytesRead(), "read with O_DIRECT: " + metrics);
            assertTrue(metrics.prefetchedBytes() > 0, "not read ahead: " + metrics);
            assertEquals(file.length(), PageCache.residentBytes(file, 0, file.length()), "still missing pages");
        }
    }
}
