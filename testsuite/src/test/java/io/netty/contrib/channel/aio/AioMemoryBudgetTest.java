package io.netty.contrib.channel.aio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's memory budget: far more connections than the budget has room for, each streaming a cold file. Every
 * byte must arrive, reads must wait for memory instead of failing, and the chunk buffers in use must never exceed
 * the budget (on io_uring: {@link AioIoUringMemoryBudgetTest}).
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
        Aio.ensureAvailability();
        Path dir = TestFiles.directory("budget");
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
        try (TestServer server = new TestServer(dir, transport(), false, config)) {
            AioDeliveryTest.downloadAtOnce(server, files, expected);
            AioMetrics metrics = server.metrics();
            assertEquals(BUDGET, metrics.memoryBudget(), metrics.toString());
            assertTrue(metrics.memoryWaits() > 0, "no read ever waited for memory: " + metrics);
            // A wait ends with a refund (one per chunk), not by asking again and again: no busy loop.
            assertTrue(metrics.memoryWaits() <= 4 * metrics.readsSubmitted(), "waits spun: " + metrics);
            assertTrue(metrics.maxMemoryUsed() <= BUDGET, "over the budget: " + metrics);
            assertEquals(0, metrics.errors(), metrics.toString());
            // Every chunk's memory came back once its write completed.
            assertEquals(0, metrics.memoryUsed(), metrics.toString());
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
