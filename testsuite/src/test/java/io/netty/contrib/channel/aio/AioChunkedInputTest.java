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

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AioChunkedInput} behind a {@code ChunkedWriteHandler}, on real sockets: byte-exact from the disk and from the
 * page cache, under TLS, with a client that hangs up, a loop that shuts down, and the synchronous fallbacks.
 */
class AioChunkedInputTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final int MIB = 1 << 20;
    /** No admission to the page cache: every cold request tests the disk path. */
    private static final AioFileRegionConfig SERVE_RESIDENT = AioDeliveryTest.SERVE_RESIDENT;

    static Path dir;
    /** The transport of the servers that read through AIO. */
    static TestServer.Transport transport;
    static ChunkedTestServer server;

    @BeforeAll
    static void start() throws Exception {
        start(TestServer.Transport.EPOLL);
    }

    static void start(TestServer.Transport aioTransport) throws Exception {
        Aio.ensureAvailability();
        transport = aioTransport;
        dir = TestFiles.directory("chunked");
        server = new ChunkedTestServer(dir, transport, false, SERVE_RESIDENT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Streams a range of a cold file, checks it byte for byte, and that every chunk's memory came back. */
    private static void download(ChunkedTestServer server, TestClient client, File file, long position, long count)
            throws Exception {
        String expected = TestFiles.sha256(file, position, count);
        PageCache.evict(file);
        client.send("CHUNKED " + file.getName() + ' ' + position + ' ' + count);
        assertEquals(expected, client.sha256(count), file.getName() + " [" + position + ", +" + count + ')');
        assertNull(server.nextResult());
        // The last chunk's buffer was freed before the write's promise completed.
        assertEquals(0, server.metrics().memoryUsed(), server.metrics().toString());
    }

    private static void downloadEdges(ChunkedTestServer server, boolean tls, String prefix) throws Exception {
        long[] sizes = {0, 1, 511, 512, 513, 4095, 4096, 4097, MIB - 1, MIB, MIB + 1, 2 * MIB + 4097, 5 * MIB + 3};
        try (TestClient client = new TestClient(server.port(), tls)) {
            for (long size : sizes) {
                File file = TestFiles.create(dir, prefix + size, size, size + 7);
                download(server, client, file, 0, size);
                if (size > 2) {
                    // Starting and ending in the middle of a block.
                    download(server, client, file, 1, size - 2);
                    download(server, client, file, size / 3, size / 3);
                    download(server, client, file, size - 1, 1);
                }
                if (size > MIB + 2) {
                    // Ending one byte either side of a chunk boundary, from an unaligned start.
                    download(server, client, file, 4095, MIB - 4095 - 1);
                    download(server, client, file, 4097, MIB - 4097 + 1);
                }
            }
        }
    }

    @Test
    void deliversEverySizeAndRangeByteExactFromDisk() throws Exception {
        AioMetrics metrics = server.metrics();
        long reads = metrics.readsCompleted();
        long fallbacks = metrics.fallbacks();
        long errors = metrics.errors();
        long cached = metrics.pageCacheBytes();
        downloadEdges(server, false, "size-");
        assertTrue(metrics.readsCompleted() > reads, metrics.toString());
        assertEquals(fallbacks, metrics.fallbacks(), metrics.toString());
        assertEquals(errors, metrics.errors(), metrics.toString());
        assertEquals(cached, metrics.pageCacheBytes(), "cold files come from the disk: " + metrics);
    }

    @Test
    void smallChunksAndDeepReadAheadStayByteExact() throws Exception {
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(4096).readAhead(8)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();
        try (ChunkedTestServer own = new ChunkedTestServer(dir, transport, false, config);
             TestClient client = new TestClient(own.port(), false)) {
            File file = TestFiles.create(dir, "small-chunks", 3 * MIB + 5, 31);
            download(own, client, file, 0, file.length());
            download(own, client, file, 4097, 2 * MIB);
            AioMetrics metrics = own.metrics();
            assertTrue(metrics.readsCompleted() >= (5 * MIB) / 4096, metrics.toString());
            assertEquals(0, metrics.pageCacheReads(), metrics.toString());
            assertEquals(0, metrics.fallbacks(), metrics.toString());
        }
    }

    @Test
    void aHotFileIsCopiedFromThePageCache() throws Exception {
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        File file = TestFiles.create(dir, "hot", 3 * MIB + 1, 14);
        String expected = TestFiles.sha256(file, 0, file.length()); // reads it into the page cache
        AioMetrics metrics = server.metrics();
        long submitted = metrics.readsSubmitted();
        long cached = metrics.pageCacheBytes();
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("CHUNKED hot 0 " + file.length());
            assertEquals(expected, client.sha256(file.length()));
            assertNull(server.nextResult());
        }
        assertEquals(submitted, metrics.readsSubmitted(), "a hot file needs no disk read: " + metrics);
        assertEquals(cached + file.length(), metrics.pageCacheBytes(), metrics.toString());
        assertEquals(0, metrics.memoryUsed(), metrics.toString());
    }

    @Test
    void tlsGetsAioToo() throws Exception {
        try (ChunkedTestServer own = new ChunkedTestServer(dir, transport, true, SERVE_RESIDENT)) {
            downloadEdges(own, true, "tls-");
            AioMetrics metrics = own.metrics();
            assertTrue(metrics.readsCompleted() > 0, metrics.toString());
            assertEquals(0, metrics.fallbacks(), metrics.toString());
            assertEquals(0, metrics.errors(), metrics.toString());
        }
    }

    @Test
    void progressIsReportedUpToTheLength() throws Exception {
        File file = TestFiles.create(dir, "progress", 2_500_000, 15);
        server.progress.clear();
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, file, 100, 2_400_000);
        }
        List<Long> values = new ArrayList<>(server.progress);
        assertTrue(values.size() >= 2, values.toString());
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i) >= values.get(i - 1), values.toString());
        }
        assertEquals(2_400_000L, values.get(values.size() - 1));
    }

    @Test
    void chunksInThePipelineCountTowardTheReadAheadAndTheBudget() throws Exception {
        AioFileRegionConfig config = AioFileRegionConfig.builder().readAhead(2)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();
        File file = TestFiles.create(dir, "bounded", 48 * MIB, 41);
        try (ChunkedTestServer own = new ChunkedTestServer(dir, transport, false, config);
             TestClient client = new TestClient(own.port(), false)) {
            download(own, client, file, 0, file.length());
            AioMetrics metrics = own.metrics();
            // One connection holds at most readAhead chunks (each a chunk plus one alignment unit), handed out or not.
            long bound = 2L * (config.chunkSize() + 4096);
            assertTrue(metrics.maxMemoryUsed() > 0 && metrics.maxMemoryUsed() <= bound,
                    metrics.maxMemoryUsed() + " > " + bound + ": " + metrics);
        }
        assertTrue(file.delete());
    }

    @Test
    void aRangePastTheEndOfTheFileFailsAndTheServerGoesOn() throws Exception {
        File file = TestFiles.create(dir, "short", MIB, 16);
        long errors = server.metrics().errors();
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("CHUNKED short 0 " + (4 * MIB));
            long got = client.drainToEof();
            assertTrue(got < 4 * MIB, "got " + got);
            Throwable cause = server.nextResult();
            assertNotNull(cause);
            assertTrue(cause instanceof IOException && cause.getMessage().contains("File shrank"), cause.toString());
            assertTrue(cause.getMessage().contains("its size is " + MIB + " bytes"), "the file's real end: " + cause);
        }
        assertTrue(server.metrics().errors() > errors, server.metrics().toString());
        File ok = TestFiles.create(dir, "after-short", 300_000, 17);
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, ok, 0, ok.length());
        }
    }

    @Test
    void aClientThatHangsUpMidStreamFreesEverything() throws Exception {
        File file = TestFiles.create(dir, "hangup", 64 * MIB, 20);
        PageCache.evict(file);
        try (TestClient client = new TestClient(server.port(), false)) {
            client.send("CHUNKED hangup 0 " + file.length());
            client.readBytes(256 << 10);
        }
        assertNotNull(server.nextResult(), "the write's promise must fail when the client hangs up");
        AioMetrics metrics = server.metrics();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((metrics.inFlight() > 0 || metrics.memoryUsed() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, metrics.inFlight(), metrics.toString());
        assertEquals(0, metrics.memoryUsed(), "every chunk buffer was freed: " + metrics);
        File ok = TestFiles.create(dir, "after-hangup", 300_000, 21);
        try (TestClient client = new TestClient(server.port(), false)) {
            download(server, client, ok, 0, ok.length());
        }
    }

    @Test
    void shuttingTheLoopDownMidStreamDrainsAndDestroysTheContext() throws Exception {
        File file = TestFiles.create(dir, "shutdown", 128 * MIB, 22);
        PageCache.evict(file);
        int contexts = LeakAndContextCheck.aioContexts();
        ChunkedTestServer own = new ChunkedTestServer(dir, transport, false, SERVE_RESIDENT);
        try (TestClient client = new TestClient(own.port(), false)) {
            client.send("CHUNKED shutdown 0 " + file.length());
            client.readBytes(MIB);
            assertTrue(LeakAndContextCheck.aioContexts() > contexts, "the loop's AIO context exists");
            // The client goes on reading, so that the stream keeps reads in flight while the loop shuts down.
            AtomicLong received = new AtomicLong(MIB);
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[1 << 16];
                try {
                    for (int n; (n = client.input().read(buf)) > 0; ) {
                        received.addAndGet(n);
                    }
                } catch (IOException e) {
                    // a reset ends the stream too
                }
            });
            reader.start();
            while (received.get() < 8 * MIB && reader.isAlive()) {
                Thread.sleep(1);
            }
            own.close();
            assertTrue(own.group.isTerminated());
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(reader.isAlive(), "the connection was closed with the loop");
            assertTrue(received.get() < file.length(), "got " + received.get());
        }
        assertNotNull(own.nextResult(), "the write cannot have succeeded");
        assertEquals(0, own.metrics().inFlight(), own.metrics().toString());
        assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed with the loop");
        assertTrue(file.delete());
    }

    @Test
    void aNioLoopReadsSynchronouslyAndCountsIt() throws Exception {
        try (ChunkedTestServer own = new ChunkedTestServer(dir, TestServer.Transport.NIO, false,
                AioFileRegionConfig.DEFAULT);
             TestClient client = new TestClient(own.port(), false)) {
            File file = TestFiles.create(dir, "nio", 2 * MIB + 3, 51);
            download(own, client, file, 0, file.length());
            download(own, client, file, 4097, MIB + 1);
            AioMetrics metrics = own.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertEquals(2, metrics.regions(), metrics.toString());
            assertEquals(2, metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP), metrics.toString());
        }
    }

    @Test
    void aNioLoopWithTlsReadsSynchronously() throws Exception {
        try (ChunkedTestServer own = new ChunkedTestServer(dir, TestServer.Transport.NIO, true,
                AioFileRegionConfig.DEFAULT);
             TestClient client = new TestClient(own.port(), true)) {
            File file = TestFiles.create(dir, "nio-tls", 3 * MIB + 1, 52);
            download(own, client, file, 1, file.length() - 1);
            AioMetrics metrics = own.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP), metrics.toString());
        }
    }

    @Test
    void aChunkedWriteHandlerOnAnExecutorOfItsOwnReadsSynchronously() throws Exception {
        EventExecutorGroup executor = new DefaultEventExecutorGroup(1);
        try (ChunkedTestServer own = new ChunkedTestServer(dir, transport, false, SERVE_RESIDENT, executor);
             TestClient client = new TestClient(own.port(), false)) {
            File file = TestFiles.create(dir, "executor", 2 * MIB + 1, 54);
            download(own, client, file, 3, file.length() - 3);
            AioMetrics metrics = own.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP), metrics.toString());
        } finally {
            executor.shutdownGracefully(0, 10, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void directIoSwitchedOffReadsSynchronouslyAndCountsIt() throws Exception {
        AioFileRegionConfig off = AioFileRegionConfig.builder().directIo(AioFileRegionConfig.DirectIo.DISABLED).build();
        try (ChunkedTestServer own = new ChunkedTestServer(dir, transport, false, off);
             TestClient client = new TestClient(own.port(), false)) {
            File file = TestFiles.create(dir, "disabled", MIB + 7, 53);
            download(own, client, file, 0, file.length());
            AioMetrics metrics = own.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.DISABLED), metrics.toString());
        }
    }

    @Test
    void aFileSystemThatRefusesDirectIoReadsSynchronously() throws Exception {
        assumeTrue(TestFiles.isRoot(), "needs root to mount a ramfs");
        Path mount = TestFiles.directory("chunked-ramfs");
        Process p = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", mount.toString()).inheritIO().start();
        assumeTrue(p.waitFor() == 0, "could not mount a ramfs");
        try {
            File file = TestFiles.create(mount, "on-ramfs.bin", 1_500_000, 77);
            AioFileRegionConfig direct = AioFileRegionConfig.builder()
                    .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();
            try (ChunkedTestServer own = new ChunkedTestServer(mount, transport, false, direct);
                 TestClient client = new TestClient(own.port(), false)) {
                client.send("CHUNKED on-ramfs.bin 5 1400000");
                assertEquals(TestFiles.sha256(file, 5, 1_400_000), client.sha256(1_400_000));
                assertNull(own.nextResult());
                AioMetrics metrics = own.metrics();
                assertEquals(0, metrics.readsSubmitted(), metrics.toString());
                assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.DIRECT_IO_REFUSED), metrics.toString());
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }
}
