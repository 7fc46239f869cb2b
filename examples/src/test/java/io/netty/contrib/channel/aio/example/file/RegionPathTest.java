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

import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.PageCache;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import static io.netty.contrib.channel.aio.example.file.FileServerOptions.Mode.AIO;
import static io.netty.contrib.channel.aio.example.file.FileServerOptions.Mode.CHUNKED;
import static io.netty.contrib.channel.aio.example.file.FileServerOptions.Mode.SENDFILE;
import static io.netty.contrib.channel.aio.example.file.FileServerOptions.Transport.EPOLL;
import static io.netty.contrib.channel.aio.example.file.FileServerOptions.Transport.IO_URING;
import static io.netty.contrib.channel.aio.example.file.FileServerOptions.Transport.NIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The start line says which path file bodies take, and that path is the one they take. */
class RegionPathTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static File file;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("region-path");
        file = TestFiles.create(root, "data.bin", 3 << 20, 31);
    }

    @Test
    void everyConfigurationIsDescribed() {
        IOException cause = new IOException("io_setup(..) failed with error(-11)");
        String aio = "mode aio: files are read with Linux AIO, so disk reads do not block the ";
        String unavailable = "mode aio: Linux AIO is unavailable (" + cause + "); files are sent with ";
        String blocks = ", and a disk read blocks the loop";
        assertEquals(aio + "epoll loops", RegionPath.describe(AIO, EPOLL, false, null));
        assertEquals(aio + "epoll loops; TLS on the loops", RegionPath.describe(AIO, EPOLL, true, null));
        assertEquals(unavailable + "sendfile(2)" + blocks, RegionPath.describe(AIO, EPOLL, false, cause));
        assertEquals(unavailable + "blocking reads and a copy, then TLS" + blocks,
                RegionPath.describe(AIO, EPOLL, true, cause));
        String onNio = "mode aio on nio loops: Linux AIO needs epoll or io_uring loops; files are sent with "
                + "FileChannel.transferTo" + blocks;
        assertEquals(onNio, RegionPath.describe(AIO, NIO, false, null));
        assertEquals(onNio, RegionPath.describe(AIO, NIO, false, cause));
        assertEquals(aio + "io_uring loops", RegionPath.describe(AIO, IO_URING, false, null));
        assertEquals(aio + "io_uring loops; TLS on the loops", RegionPath.describe(AIO, IO_URING, true, null));
        assertEquals(unavailable + "splice(2)" + blocks, RegionPath.describe(AIO, IO_URING, false, cause));
        assertEquals("mode sendfile: files are sent with sendfile(2) on epoll loops" + blocks,
                RegionPath.describe(SENDFILE, EPOLL, false, null));
        assertEquals("mode sendfile: files are sent with FileChannel.transferTo on nio loops" + blocks,
                RegionPath.describe(SENDFILE, NIO, false, cause));
        assertEquals("mode sendfile: files are sent with splice(2) on io_uring loops" + blocks,
                RegionPath.describe(SENDFILE, IO_URING, false, null));
        assertEquals("mode chunked: files are read and copied by ChunkedNioFile on nio loops" + blocks
                + "; TLS on the loops", RegionPath.describe(CHUNKED, NIO, true, null));
        assertTrue(RegionPath.loopsRunAio(EPOLL));
        assertTrue(RegionPath.loopsRunAio(IO_URING));
        assertFalse(RegionPath.loopsRunAio(NIO));
    }

    /** A running server's start line, and what its loop's metrics show after a cold download. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "aio|1 epoll event loop; mode aio: files are read with Linux AIO, so disk reads do not block the epoll "
                + "loops|true",
        "aio+tls|1 epoll event loop; mode aio: files are read with Linux AIO, so disk reads do not block the epoll "
                + "loops; TLS on the loops|true",
        "aio@nio|1 nio event loop; mode aio on nio loops: Linux AIO needs epoll or io_uring loops; files are sent "
                + "with FileChannel.transferTo, and a disk read blocks the loop|false",
        "aio@io_uring|1 io_uring event loop; mode aio: files are read with Linux AIO, so disk reads do not block "
                + "the io_uring loops|true",
        "sendfile|1 epoll event loop; mode sendfile: files are sent with sendfile(2) on epoll loops, and a disk read "
                + "blocks the loop|false",
    })
    void theStartLineSaysWhatHappens(String mode, String expected, boolean throughAio) throws Exception {
        assumeTrue(Aio.isAvailable(), "AIO is not available here: " + Aio.unavailabilityCause());
        FileServer server = TestServers.start(root, mode);
        try {
            assertTrue(server.describe().endsWith(" (" + expected + ")"), server.describe());
            AioMetrics metrics = AioMetrics.of(server.loop());
            long reads = metrics.readsCompleted();
            long fallbacks = metrics.fallbacks();
            PageCache.evict(file);
            TestServers.Curl c = TestServers.curlRun(root, "-k", server.url() + file.getName());
            assertEquals(200, c.status, c.toString());
            assertEquals(file.length(), c.body.length);
            if (throughAio) {
                assertTrue(metrics.readsCompleted() > reads && metrics.fallbacks() == fallbacks, metrics.toString());
            } else if (mode.startsWith("aio")) {
                assertTrue(metrics.readsCompleted() == reads && metrics.fallbacks() > fallbacks, metrics.toString());
            } else {
                assertEquals(reads, metrics.readsCompleted(), metrics.toString()); // no handler, no AIO
            }
        } finally {
            server.close();
        }
    }
}
