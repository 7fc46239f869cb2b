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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Delivery on a kernel without {@code cachestat(2)} (before 6.5), or with it switched off: the surefire execution
 * {@code no-cachestat} runs this class with {@code -Dio.netty.contrib.aio.cachestat=false}. The handler cannot tell
 * what is cached, so every chunk, hot or cold, plain or under TLS, is read from the disk with O_DIRECT AIO; the bytes
 * must still be exact, and nothing is counted as served from the page cache.
 */
class AioNoCachestatTest {

    private static final String SWITCH = "io.netty.contrib.aio.cachestat";

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    private static File[] files;

    @BeforeAll
    static void setUp() throws Exception {
        Aio.ensureAvailability();
        dir = TestFiles.directory("no-cachestat");
        long[] sizes = {1, 511, 4096, 4097, 1_048_577, 2_000_003};
        files = new File[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            files[i] = TestFiles.create(dir, "nc-" + sizes[i], sizes[i], 700 + i);
        }
    }

    /** Per test, not in {@code @BeforeAll}: a class skipped there shows no tests and no reason in surefire. */
    @BeforeEach
    void requireNoCachestat() {
        if ("false".equals(System.getProperty(SWITCH))) {
            assertFalse(PageCache.isResidencySupported(), "-D" + SWITCH + "=false must switch cachestat off");
        } else {
            assumeFalse(PageCache.isResidencySupported(), "this kernel has cachestat: the surefire execution"
                    + " no-cachestat runs this class with -D" + SWITCH + "=false");
        }
    }

    @Test
    void coldFilesGoThroughAio() throws Exception {
        deliverAll(false, false);
    }

    @Test
    void hotFilesGoThroughAioToo() throws Exception {
        deliverAll(false, true);
    }

    @Test
    void coldFilesUnderTls() throws Exception {
        deliverAll(true, false);
    }

    @Test
    void hotFilesUnderTls() throws Exception {
        deliverAll(true, true);
    }

    /**
     * Each file whole and from an unaligned offset to its end, then a range across the first page boundary; hot files
     * are read into the page cache just before they are asked for, cold ones evicted.
     */
    private static void deliverAll(boolean tls, boolean hot) throws Exception {
        try (TestServer server = new TestServer(dir, true, tls, AioFileRegionConfig.DEFAULT);
             TestClient client = new TestClient(server.port(), tls)) {
            long regions = 0;
            long bytes = 0;
            for (File file : files) {
                for (long[] range : AbstractFileSystemDeliveryTest.ranges(file.length())) {
                    if (range[0] != 0 && range[0] != 4095 && range[0] != 513) {
                        continue; // whole, across the page boundary, and from 513 to the end are enough here
                    }
                    if (hot) {
                        String expected = TestFiles.sha256(file, range[0], range[1]); // reads it into the cache
                        client.send("REGION " + file.getName() + ' ' + range[0] + ' ' + range[1]);
                        assertEquals(expected, client.sha256(range[1]), file.getName() + " " + range[0]);
                        assertNull(server.nextResult());
                    } else {
                        AioDeliveryTest.download(server, client, "REGION", file, range[0], range[1]);
                    }
                    regions++;
                    bytes += range[1];
                }
            }
            AioMetrics metrics = server.metrics();
            System.out.println((tls ? "TLS" : "plain") + ", " + (hot ? "hot" : "cold") + ": " + regions
                    + " regions, " + bytes + " bytes: " + metrics);
            assertEquals(regions, metrics.regions(), metrics.toString());
            assertTrue(metrics.readsCompleted() >= regions, "every region is read with AIO: " + metrics);
            assertTrue(metrics.bytesRead() >= bytes, metrics.toString());
            assertEquals(0, metrics.pageCacheReads(), "nothing is served through cachestat: " + metrics);
            assertEquals(0, metrics.pageCacheBytes(), metrics.toString());
            assertEquals(0, metrics.fallbacks(), metrics.toString());
            assertEquals(0, metrics.errors(), metrics.toString());
        }
    }
}
