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
package io.netty.contrib.channel.aio.microbench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stalled cell's parsing of curl's output and of /proc, and its quantiles. */
class StalledRunTest {
    private static final long EIGHT = 8L << 20;

    @Test
    void aFullFetch() {
        StalledRun.Fetch f = StalledRun.Fetch.parse("0.123456 8388608 200", 0, EIGHT, 10);
        assertTrue(f.full);
        assertEquals(0.123456, f.seconds, 1e-9);
        assertEquals(EIGHT, f.bytes);
    }

    @Test
    void missedFetchesCountAsTheTimeout() {
        // curl -m 10 gave up (exit 28) with part of the body.
        StalledRun.Fetch f = StalledRun.Fetch.parse("10.001 3145728 200", 28, EIGHT, 10);
        assertFalse(f.full);
        assertEquals(10, f.seconds, 0);
        assertEquals(3145728, f.bytes);
        // A refusal is fast, and missed all the same.
        f = StalledRun.Fetch.parse("0.002 19 503", 0, EIGHT, 10);
        assertFalse(f.full);
        assertEquals(10, f.seconds, 0);
        // No output at all (curl killed).
        f = StalledRun.Fetch.parse("", -1, EIGHT, 10);
        assertFalse(f.full);
        assertEquals(0, f.bytes);
    }

    @Test
    void stalledRequestsShareTheFilesAskedFor() {
        BenchOptions o = BenchOptions.parse("--workloads", "stalled", "--stalled", "10000", "--stalled-files",
                "2500", "--stalled-clients", "4", "--stalled-rounds", "5");
        assertEquals(2500, o.stalledFiles());
        Cell cell = Workload.STALLED.cells(o).get(0);
        // The shared files, then one for each fetch.
        assertEquals(2500 + 4 * 5, cell.files.count);
        assertTrue(cell.label.contains("10000 stalled h1 conns") && cell.label.contains("over 2500 files"), cell.label);
        // By default one file per request of the larger variant; never more files than requests.
        assertEquals(128, BenchOptions.parse("--stalled", "100").stalledFiles());
        assertEquals(150, BenchOptions.parse("--stalled-files", "5000").stalledFiles());
    }

    @Test
    void onlyThisBuildsRegionsShareAFilesDescriptor() {
        BenchOptions o = BenchOptions.parse("--workloads", "stalled", "--stalled", "10000", "--stalled-files",
                "1000", "--stalled-clients", "4");
        // 10,000 sockets, 1,000 shared files, one O_DIRECT descriptor per file and loop, 8 for the fetches, 100.
        assertEquals(10_000 + 1_000 + 1_000 + 8 + 100, StalledRun.serverFiles(o, ServerConfig.parse("aio"), 1));
        assertEquals(10_000 + 1_000 + 2_000 + 8 + 100, StalledRun.serverFiles(o, ServerConfig.parse("sendfile"), 2));
        for (String own : List.of("chunked", "nginx", "aio+base", "reactor")) {
            assertEquals(10_000 + 10_000 + 1_000 + 8 + 100, StalledRun.serverFiles(o, ServerConfig.parse(own), 1),
                    own);
        }
        // h2c: 128 streams over 20 connections, each stream's chunked input with a descriptor of its own.
        assertEquals(20 + 128 + 128 + 8 + 100, StalledRun.serverFiles(o, ServerConfig.parse("aio-h2c"), 1));
    }

    @Test
    void aServerShortOfDescriptorsFailsTheCell() throws Exception {
        StalledRun.requireOpenFiles(19_300, 20_000, "the server");
        StalledRun.requireOpenFiles(1_000_000, -1, "the server");
        IOException e = assertThrows(IOException.class, () -> StalledRun.requireOpenFiles(20_100, 20_000,
                "the server"));
        assertTrue(e.getMessage().contains("needs 20100 open files and the server may open 20000"), e.getMessage());
    }

    @Test
    void nearestRankQuantiles() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        assertEquals(10, StalledRun.quantile(v, 0.5), 0);
        assertEquals(20, StalledRun.quantile(v, 0.99), 0);
        assertTrue(Double.isNaN(StalledRun.quantile(new double[0], 0.5)));
    }

    @Test
    void readsThreadStatLines() {
        String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 1500 0 3 0 250 17 0 0 20 0 30 0 "
                + "100 0 0 18446744073709551615\n";
        assertEquals("C2 CompilerThre", ProcStats.statName(stat));
        String[] f = ProcStats.statFields(stat);
        assertEquals("S", f[0]);
        assertEquals("1500", f[ProcStats.MINFLT]);
        assertEquals("3", f[ProcStats.MAJFLT]);
        assertEquals(267 * 10_000_000L, ProcStats.statCpuNanos(f));
        // A name with spaces and parentheses.
        assertEquals("a) (b", ProcStats.statName("7 (a) (b) R 1 2 3"));
        assertEquals("R", ProcStats.statFields("7 (a) (b) R 1 2 3")[0]);
        assertEquals(1, CompilerCpu.kind("C2 CompilerThre"));
        assertEquals(0, CompilerCpu.kind("C1 CompilerThre"));
        assertEquals(-1, CompilerCpu.kind("epollEventLoopG"));
    }

    @Test
    void readsThisProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        ProcStats s = ProcStats.of(List.of(pid));
        assertTrue(s.minorFaults > 0);
        assertTrue(ProcStats.rssBytes(List.of(pid)) > 0);
        assertTrue(StalledRun.openFileLimit(Paths.get("/proc/self/limits")) != 0);
    }
}
