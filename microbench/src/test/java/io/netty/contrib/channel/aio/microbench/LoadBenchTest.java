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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The harness end to end on tiny settings: real servers in their own processes, real wrk, every workload that needs
 * neither nginx nor much time. No timing is asserted; numbers belong in the reports, not in tests.
 */
class LoadBenchTest {

    @Test
    void runsEveryWorkloadAndWritesTheReport() throws Exception {
        assumeTrue(Tools.available("wrk"), "wrk is not installed and could not be installed");
        Path out = Paths.get("target", "load-bench-test", "report").toAbsolutePath();
        String[] args = {"--workloads", "hot,cold,isolation,zipf,size,scale", "--configs", "aio,sendfile",
            "--reps", "1", "--duration", "1", "--warmup", "0", "--zipf-duration", "1", "--files", "16",
            "--zipf-files", "16", "--sizes", "64k", "--scale-connections", "8", "--connections", "4",
            "--cgroup-limit", "256m", "--dir", Paths.get("target", "load-bench-test").toAbsolutePath().toString(),
            "--out", out.toString()};
        BenchOptions options = BenchOptions.parse(args);
        Path md = new LoadBench(options, List.of(args)).run();

        String report = new String(Files.readAllBytes(md), StandardCharsets.UTF_8);
        // "cold" is the former name of evicted-repeat, still accepted.
        for (String w : new String[] {"hot", "evicted-repeat", "isolation", "zipf", "size", "scale"}) {
            assertTrue(report.contains("\n## " + w + "\n"), w + " table missing:\n" + report);
            assertTrue(Files.size(out.resolve(w + ".png")) > 1000, w + " chart missing");
        }
        assertTrue(Files.size(out.resolve("isolation-probe-p99.png")) > 1000);
        assertTrue(Files.size(out.resolve("zipf-probe-p99.png")) > 1000);
        assertTrue(report.contains("\n### isolation: where the probe waits\n"), report);
        assertTrue(report.contains("\n### zipf: where the probe waits\n"), report);
        List<String> rows = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        int cells = 1 + 1 + 1 + 1 + 2 + 2 * (BenchOptions.allCores() > 1 ? 2 : 1);
        assertEquals(1 + 2 * cells, rows.size(), String.join("\n", rows));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            assertEquals("", f[16], "a cell failed: " + row);
            assertEquals("0", f[15], "errors: " + row);
            assertTrue(Double.parseDouble(f[4]) > 0, "no bytes: " + row);
            assertTrue(Double.parseDouble(f[11]) > 0, "no peak RSS: " + row);
            // The server's loops over the measured window: iterations, busy time and lag samples.
            assertTrue(Double.parseDouble(f[21]) > 0, "no loop iterations: " + row);
            assertTrue(Double.parseDouble(f[25]) > 0, "loops never busy: " + row);
            assertTrue(Double.parseDouble(f[27]) >= 0 && Double.parseDouble(f[28]) >= Double.parseDouble(f[27]),
                    "lag: " + row);
            assertTrue(Double.parseDouble(f[23]) >= Double.parseDouble(f[22]), "iteration max below p99: " + row);
            if (f[14].equals("–")) {
                continue; // less than a MiB sent: no disk figure (a loaded machine, a 1 s cell)
            }
            double diskPerSent = Double.parseDouble(f[14]);
            // Hot: mostly from the page cache (the aio handler may still read a chunk with O_DIRECT, which always
            // goes to the disk); cold: mostly from the disk (the tiny file set repeats within a cell, and the aio
            // handler admits a repeated file to the page cache: read-ahead started in the warm-up can serve part of
            // the measured window, a quarter of it in one run on a loaded machine).
            if (f[1].contains("hot")) {
                assertTrue(diskPerSent < 0.5, "a hot cell read the disk: " + row);
            } else if (!f[0].equals("zipf")) {
                assertTrue(diskPerSent > 0.5, "a cold cell was served from the page cache: " + row);
            }
        }
    }

    /**
     * The h2 and gzip workloads on tiny settings: gzip through wrk (the server must really compress: fewer bytes on
     * the wire than the files hold), h2 through h2load when it is installed or installable (skipped otherwise).
     */
    @Test
    void runsTheH2AndGzipWorkloads() throws Exception {
        assumeTrue(Tools.available("wrk"), "wrk is not installed and could not be installed");
        boolean h2load = Tools.available("h2load", H2load.PACKAGE);
        Path out = Paths.get("target", "load-bench-test", "report-h2-gzip").toAbsolutePath();
        String[] args = {"--workloads", h2load ? "h2,gzip" : "gzip", "--configs",
            "aio-h2c,chunked-h2c,sendfile-h1,aio-gzip,chunked-gzip", "--reps", "1", "--duration", "1", "--warmup",
            "0", "--files", "16", "--connections", "4", "--streams", "2", "--text-size", "64k",
            "--dir", Paths.get("target", "load-bench-test").toAbsolutePath().toString(), "--out", out.toString()};
        Path md = new LoadBench(BenchOptions.parse(args), List.of(args)).run();

        String report = new String(Files.readAllBytes(md), StandardCharsets.UTF_8);
        assertTrue(report.contains("\n## gzip\n"), report);
        assertEquals(h2load, report.contains("\n## h2\n"), report);
        List<String> rows = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        assertEquals(1 + 2 * 2 + (h2load ? 2 * 3 : 0), rows.size(), String.join("\n", rows));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            assertEquals("", f[16], "a cell failed: " + row);
            assertEquals("0", f[15], "errors: " + row);
            assertTrue(Double.parseDouble(f[4]) > 0, "nothing received: " + row);
            if (Long.parseLong(f[5]) == 0) {
                // A 1 s cell on a loaded machine (a server still compiling, a build beside it) may end before any
                // 1 MiB response does: its bytes show it ran.
                continue;
            }
            assertTrue(Double.parseDouble(f[18]) > 0, "no requests per second: " + row);
            assertTrue(Double.parseDouble(f[7]) > 0, "no p99: " + row);
            double content = Double.parseDouble(f[4]);
            double wire = Double.parseDouble(f[19]);
            if (f[0].equals("gzip")) {
                // Generated HTML compresses about 4:1; identity responses would make the two equal.
                assertTrue(wire * 2 < content, "not compressed: " + row);
            } else {
                assertEquals(content, wire, content * 1e-6, row);
            }
            // (Disk per byte sent is "–" for a cell that sent less than a MiB: a 1 s cell on a loaded machine.)
            if (f[1].contains("hot") && !f[14].equals("–")) {
                assertTrue(Double.parseDouble(f[14]) < 0.5, "a hot cell read the disk: " + row);
            }
        }
    }

    /**
     * The first-touch workloads (each file once, after a warm-up on other files) and the stalled one (HTTP/1.1 and
     * h2c) on tiny settings; stalled needs curl. Columns are found by their names in the CSV's header.
     */
    @Test
    void runsTheFirstTouchAndStalledWorkloads() throws Exception {
        assumeTrue(Tools.available("wrk"), "wrk is not installed and could not be installed");
        assumeTrue(Tools.available("curl"), "curl is not installed and could not be installed");
        Path out = Paths.get("target", "load-bench-test", "report-first-touch-stalled").toAbsolutePath();
        String[] args = {"--workloads", "first-touch,first-touch-probe,stalled", "--configs", "aio,sendfile,aio-h2c",
            "--reps", "1", "--duration", "1", "--first-touch-warmup", "1", "--first-touch-files", "64",
            "--first-touch-warmup-files", "32", "--connections", "4", "--stalled", "4", "--stalled-h2-connections",
            "2", "--stalled-h2-streams", "4", "--stalled-clients", "2", "--stalled-rounds", "1",
            "--dir", Paths.get("target", "load-bench-test").toAbsolutePath().toString(), "--out", out.toString()};
        Path md = new LoadBench(BenchOptions.parse(args), List.of(args)).run();

        String report = new String(Files.readAllBytes(md), StandardCharsets.UTF_8);
        for (String w : new String[] {"first-touch", "first-touch-probe", "stalled"}) {
            assertTrue(report.contains("\n## " + w + "\n"), w + " table missing:\n" + report);
            assertTrue(Files.size(out.resolve(w + ".png")) > 1000, w + " chart missing");
        }
        List<String> rows = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        List<String> names = List.of(rows.get(0).split(","));
        // first-touch and first-touch-probe with aio and sendfile; stalled with all three.
        assertEquals(1 + 2 * 2 + 3, rows.size(), String.join("\n", rows));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            assertEquals("", f[names.indexOf("failure")], "a cell failed: " + row);
            // The server is a JVM: its compiler threads were sampled (0 ms is possible, "–" is not).
            assertTrue(Double.parseDouble(f[names.indexOf("jit_c2_ms")]) >= 0, "no JIT time: " + row);
            if (f[0].equals("stalled")) {
                assertEquals("4", f[names.indexOf("stalled_requests")], row);
                assertEquals("2", f[names.indexOf("fetches")], row);
                assertTrue(Double.parseDouble(f[names.indexOf("stall_rss_mib")]) > 0, row);
            } else {
                long requests = Long.parseLong(f[names.indexOf("requests")]);
                // Each of the 64 files at most once, and at most one probe file per connection of a thread that ran
                // out of files.
                assertTrue(requests > 0 && requests <= 64 + 4, "requests: " + row);
                assertEquals("0", f[names.indexOf("errors")], "errors: " + row);
                assertTrue(Double.parseDouble(f[names.indexOf("minflt_per_gib")]) >= 0, row);
            }
        }
    }
}
