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

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TLS through AIO (epoll and io_uring), and every fallback: NIO loops, direct I/O switched off, io_setup refused. */
class AioFallbackAndTlsTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    private static File[] files;

    @BeforeAll
    static void setUp() throws Exception {
        Aio.ensureAvailability();
        dir = TestFiles.directory("fallback");
        long[] sizes = {1, 4097, 524289, 2_000_003};
        files = new File[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            files[i] = TestFiles.create(dir, "f-" + sizes[i], sizes[i], 500 + i);
        }
    }

    private static void downloadAll(TestServer server, boolean tls) throws Exception {
        try (TestClient client = new TestClient(server.port(), tls)) {
            for (File file : files) {
                AioDeliveryTest.download(server, client, "REGION", file, 0, file.length());
                if (file.length() > 10) {
                    AioDeliveryTest.download(server, client, "AIOREGION", file, 3, file.length() - 5);
                }
            }
            client.send("MIX " + files[2].getName() + " 1 1000 " + files[3].getName() + " 7 1500000");
            assertEquals("<A>", new String(client.readBytes(3), "US-ASCII"));
            assertEquals(TestFiles.sha256(files[2], 1, 1000), client.sha256(1000));
            assertEquals("<B>", new String(client.readBytes(3), "US-ASCII"));
            assertEquals(TestFiles.sha256(files[3], 7, 1500000), client.sha256(1500000));
            assertEquals("<C>", new String(client.readBytes(3), "US-ASCII"));
        }
    }

    @Test
    void tlsGetsAioToo() throws Exception {
        try (TestServer server = new TestServer(dir, true, true, AioFileRegionConfig.DEFAULT)) {
            downloadAll(server, true);
            AioMetrics metrics = server.metrics();
            assertTrue(metrics.readsCompleted() > 0, metrics.toString());
            assertEquals(0, metrics.fallbacks(), metrics.toString());
        }
    }

    @Test
    void tlsGetsAioOnIoUringToo() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available: " + IoUring.unavailabilityCause());
        try (TestServer server = new TestServer(dir, TestServer.Transport.IO_URING, true,
                AioFileRegionConfig.DEFAULT)) {
            downloadAll(server, true);
            AioMetrics metrics = server.metrics();
            assertTrue(metrics.readsCompleted() > 0, metrics.toString());
            assertEquals(0, metrics.fallbacks(), metrics.toString());
        }
    }

    @Test
    void nioLoopFallsBackToTheRegionsOwnPath() throws Exception {
        try (TestServer server = new TestServer(dir, false, false, AioFileRegionConfig.DEFAULT)) {
            downloadAll(server, false);
            AioMetrics metrics = server.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertEquals(metrics.regions(), metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP), metrics.toString());
        }
    }

    @Test
    void nioLoopWithTlsCopiesTheRegionIntoBuffers() throws Exception {
        try (TestServer server = new TestServer(dir, false, true, AioFileRegionConfig.DEFAULT)) {
            downloadAll(server, true);
            AioMetrics metrics = server.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertTrue(metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP) > 0, metrics.toString());
        }
    }

    @Test
    void directIoCanBeSwitchedOff() throws Exception {
        AioFileRegionConfig off = AioFileRegionConfig.builder().directIo(AioFileRegionConfig.DirectIo.DISABLED).build();
        try (TestServer server = new TestServer(dir, true, false, off)) {
            downloadAll(server, false);
            AioMetrics metrics = server.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertEquals(metrics.regions(), metrics.fallbacks(AioMetrics.Fallback.DISABLED), metrics.toString());
        }
    }

    @Test
    void smallChunksDeepReadAheadAndNoPageCacheChecks() throws Exception {
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(4096).readAhead(8)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();
        try (TestServer server = new TestServer(dir, true, false, config)) {
            downloadAll(server, false);
            AioMetrics metrics = server.metrics();
            assertTrue(metrics.readsCompleted() > 2_000_000 / 4096, metrics.toString());
            assertEquals(0, metrics.pageCacheReads(), metrics.toString());
        }
    }

    @Test
    void aRefusedIoSetupFallsBackAndLosesNothing() throws Exception {
        assumeTrue(TestFiles.isRoot(), "needs root to lower fs.aio-max-nr");
        Path maxNr = Paths.get("/proc/sys/fs/aio-max-nr");
        String saved = LeakAndContextCheck.readProc(maxNr.toString());
        try (TestServer server = new TestServer(dir, true, false, AioFileRegionConfig.DEFAULT)) {
            Files.write(maxNr, String.valueOf(LeakAndContextCheck.aioNr()).getBytes("US-ASCII"));
            downloadAll(server, false);
            AioMetrics metrics = server.metrics();
            assertEquals(0, metrics.readsSubmitted(), metrics.toString());
            assertTrue(metrics.fallbacks(AioMetrics.Fallback.SETUP_FAILED) > 0, metrics.toString());
        } finally {
            Files.write(maxNr, saved.getBytes("US-ASCII"));
        }
    }

    @Test
    void aFileSystemThatRefusesDirectIoFallsBack() throws Exception {
        assumeTrue(TestFiles.isRoot(), "needs root to mount a ramfs");
        Path mount = TestFiles.directory("ramfs");
        Process p = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", mount.toString()).inheritIO().start();
        assumeTrue(p.waitFor() == 0, "could not mount a ramfs");
        try {
            File file = TestFiles.create(mount, "on-ramfs.bin", 1_500_000, 77);
            // ramfs pages are always resident: ask for O_DIRECT regardless, so that the refusal is what is tested.
            AioFileRegionConfig direct = AioFileRegionConfig.builder()
                    .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();
            try (TestServer server = new TestServer(mount, true, false, direct);
                 TestClient client = new TestClient(server.port(), false)) {
                client.send("REGION on-ramfs.bin 5 1400000");
                assertEquals(TestFiles.sha256(file, 5, 1_400_000), client.sha256(1_400_000));
                assertEquals(null, server.nextResult());
                AioMetrics metrics = server.metrics();
                assertEquals(0, metrics.readsSubmitted(), metrics.toString());
                assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.DIRECT_IO_REFUSED), metrics.toString());
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }
}
