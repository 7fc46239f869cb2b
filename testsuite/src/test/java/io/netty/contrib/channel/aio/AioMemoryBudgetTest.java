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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The loop's memory budget: far more connections than the budget has room for, each streaming a cold file. Every
 * byte must arrive and the chunk buffers in use must never exceed the budget. Reads that need bytes (TLS) wait for
 * memory; regions sent with {@code sendfile} do not wait: their chunks go through the page cache instead. Clients that
 * stop reading cannot starve the others (on io_uring: {@link AioIoUringMemoryBudgetTest}).
 */
class AioMemoryBudgetTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final long BUDGET = 2 << 20;

    /** The server's transport. */
    TestServer.Transport transport() {
        return TestServer.Transport.EPOLL;
    }

    @Test
    void manyMoreConnectionsThanTheBudgetHoldsAllArriveByteExact() throws Exception {
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) is not available");
        AioMetrics metrics = downloadManyCold("budget", false);
        // With sendfile below, a read that finds no room is not kept waiting: it goes through the page cache.
        assertTrue(metrics.memoryDiversions() > 0, "no read was sent through the page cache: " + metrics);
        assertTrue(metrics.prefetchedBytes() > 0, metrics.toString());
    }

    @Test
    void underTlsManyMoreConnectionsThanTheBudgetHoldsWaitForMemory() throws Exception {
        AioMetrics metrics = downloadManyCold("budget-tls-cold", true);
        assertTrue(metrics.memoryWaits() > 0, "no read ever waited for memory: " + metrics);
        // A wait ends when a buffer comes back (one per chunk), not by asking again and again: no busy loop.
        assertTrue(metrics.memoryWaits() <= 4 * metrics.readsSubmitted(), "waits spun: " + metrics);
        assertEquals(0, metrics.memoryDiversions(), "bytes are needed: nothing can go around the budget");
    }

    /** 48 connections each download a cold file of 3 MiB at once, in 256 KiB chunks through a 2 MiB budget. */
    private AioMetrics downloadManyCold(String name, boolean tls) throws Exception {
        Aio.ensureAvailability();
        Path dir = TestFiles.directory(name);
        List<File> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            File f = TestFiles.create(dir, "b" + i, (3 << 20) + 1000L * i, 500 + i);
            files.add(f);
            expected.add(TestFiles.sha256(f, 0, f.length()));
            PageCache.evict(f);
        }
        // 256 KiB chunks, 4 ahead: 48 connections would want 48 MiB; the loop has 2 MiB.
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(256 << 10).readAhead(4)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT)
                .loopConfig(AioLoopConfig.builder().memoryBudgetBytes(BUDGET).build()).build();
        try (TestServer server = new TestServer(dir, transport(), tls, config)) {
            AioDeliveryTest.downloadAtOnce(server, files, expected, tls);
            AioMetrics metrics = server.metrics();
            assertEquals(BUDGET, metrics.memoryBudget(), metrics.toString());
            assertTrue(metrics.maxMemoryUsed() <= BUDGET, "over the budget: " + metrics);
            assertTrue(metrics.chunkMemoryHeld() <= BUDGET, "the pool keeps more than the budget: " + metrics);
            assertEquals(0, metrics.errors(), metrics.toString());
            // Every chunk's memory came back once its write completed.
            assertEquals(0, metrics.memoryUsed(), metrics.toString());
            return metrics;
        }
    }

    /**
     * Clients that ask for a cold file and never read hold chunks in their channels. With enough of them those chunks
     * could fill the whole budget; a new client must still get its cold file, byte for byte.
     */
    @Test
    void clientsThatStopReadingCannotStarveANewOne() throws Exception {
        Aio.ensureAvailability();
        // Their chunks go by the page cache when the budget has no room: that needs cachestat to see them arrive.
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) is not available");
        Path dir = TestFiles.directory("stalled");
        int stalledClients = 16;
        List<File> files = new ArrayList<>();
        for (int i = 0; i <= stalledClients; i++) {
            File f = TestFiles.create(dir, "s" + i, 8 << 20, 900 + i);
            files.add(f);
        }
        File wanted = files.get(stalledClients);
        String expected = TestFiles.sha256(wanted, 0, wanted.length());
        for (File f : files) {
            PageCache.evict(f);
        }
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(256 << 10)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT)
                .loopConfig(AioLoopConfig.builder().memoryBudgetBytes(BUDGET).build()).build();
        List<Socket> stalled = new ArrayList<>();
        try (TestServer server = new TestServer(dir, transport(), false, config)) {
            for (int i = 0; i < stalledClients; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress("127.0.0.1", server.port()));
                stalled.add(s);
                File f = files.get(i);
                s.getOutputStream().write(("REGION " + f.getName() + " 0 " + f.length() + '\n')
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            // Until the stalled connections hold what they can: their socket buffers are full and reads stop.
            AioMetrics metrics = server.metrics();
            long last = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (metrics.bytesRead() + metrics.pageCacheBytes() != last && System.nanoTime() < deadline) {
                last = metrics.bytesRead() + metrics.pageCacheBytes();
                Thread.sleep(500);
            }
            ExecutorService client = Executors.newSingleThreadExecutor();
            try {
                Future<String> got = client.submit(() -> {
                    try (TestClient c = new TestClient(server.port(), false)) {
                        c.send("REGION " + wanted.getName() + " 0 " + wanted.length());
                        return c.sha256(wanted.length());
                    }
                });
                assertEquals(expected, got.get(60, TimeUnit.SECONDS), "the new client's file");
            } finally {
                client.shutdownNow();
            }
            assertNull(server.nextResult(), "the new client's region");
            assertTrue(metrics.maxMemoryUsed() <= BUDGET, "over the budget: " + metrics);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void underTlsCopiesFromThePageCacheCountTowardTheBudget() throws Exception {
        Aio.ensureAvailability();
        Path dir = TestFiles.directory("budget-tls");
        List<File> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            File f = TestFiles.create(dir, "t" + i, (2 << 20) + 777L * i, 600 + i);
            files.add(f);
            expected.add(TestFiles.sha256(f, 0, f.length())); // hashing leaves them in the page cache: copies
        }
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(256 << 10).readAhead(4)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT)
                .loopConfig(AioLoopConfig.builder().memoryBudgetBytes(1 << 20).build()).build();
        try (TestServer server = new TestServer(dir, transport(), true, config)) {
            AioDeliveryTest.downloadAtOnce(server, files, expected, true);
            AioMetrics metrics = server.metrics();
            assertTrue(metrics.pageCacheBytes() > 0, metrics.toString());
            assertTrue(metrics.maxMemoryUsed() <= 1 << 20, "over the budget: " + metrics);
            assertEquals(0, metrics.memoryUsed(), metrics.toString());
        }
    }
}
