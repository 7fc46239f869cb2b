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

import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.PageCache;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --stats}: the server's loops are measured, and a line tells what they did since the last one. */
class ServerStatsTest {

    private static final Pattern LINE = Pattern.compile("Stats, last \\d+ s: loops busy (\\d+) % \\(I/O \\d+ %, "
            + "tasks \\d+ %\\), (\\d+) iterations: p99 ([0-9.]+) ms, max ([0-9.]+) ms(; lag p99 [0-9.]+ ms, max "
            + "[0-9.]+ ms)?; AIO read (\\d+) MiB, page cache \\d+ MiB, fallbacks (\\d+)");

    private static Path root;
    private static File big;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("server-stats");
        big = TestFiles.create(root, "big.bin", 8 << 20, 5);
    }

    @Test
    void aLineSaysHowBusyTheLoopsWereAndWhatAioRead() throws Exception {
        FileServer server = TestServers.start(root, "aio");
        try {
            ServerStats stats = new ServerStats(server.group(), line -> { });
            PageCache.evict(big);
            String sum = TestServers.curl(root, server, "big.bin");
            assertEquals(TestFiles.sha256(big, 0, big.length()), sum);
            // A task that holds the loop for 30 ms: the longest iteration of the window.
            server.loop().submit(() -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }).sync();
            // The iteration is counted when the loop next asks for events, just after its tasks.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (AioMetrics.of(server.group()).loopIterations().maxNanos() < TimeUnit.MILLISECONDS.toNanos(30)
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            String line = stats.next();
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            assertTrue(Double.parseDouble(m.group(4)) >= 30, "max iteration: " + line);
            assertTrue(Long.parseLong(m.group(2)) > 2, "iterations: " + line);
            assertEquals(8, Long.parseLong(m.group(6)), "the file's 8 MiB, read through AIO: " + line);
            assertEquals("0", m.group(7), line);

            // The next line covers only what came after: an idle loop, nothing read.
            Thread.sleep(50);
            String idleLine = stats.next();
            assertTrue(idleLine.contains("AIO read 0 MiB"), idleLine);
            Matcher idle = LINE.matcher(idleLine);
            if (idle.matches()) {
                assertTrue(Double.parseDouble(idle.group(4)) < 30, "the 30 ms iteration was in the last window");
            }

            // Idle: one line says so, then none until the loops work again.
            String said = idleLine;
            String next;
            int windows = 0;
            do {
                Thread.sleep(200);
                next = stats.next();
                if (next != null) {
                    said = next;
                }
            } while (next != null && ++windows < 50);
            assertEquals(null, next, "no line while the server stays idle");
            assertTrue(said.endsWith("(idle)"), "the line before the silence says the server is idle: " + said);
            PageCache.evict(big);
            assertEquals(TestFiles.sha256(big, 0, big.length()), TestServers.curl(root, server, "big.bin"));
            String busy = stats.next(); // (asked for again, the file is sent from the page cache)
            assertTrue(busy != null && !busy.endsWith("(idle)") && busy.contains("page cache 8 MiB"),
                    "lines again once it works: " + busy);
        } finally {
            server.close();
        }
    }

    @Test
    void theOptionTakesSeconds() {
        assertEquals(5, FileServerOptions.parse("--stats", "5").statsSeconds);
        assertEquals(0, FileServerOptions.parse().statsSeconds, "off by default");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileServerOptions.parse("--stats", "-1"));
        assertTrue(e.getMessage().startsWith("--stats must be a number"), e.getMessage());
    }
}
