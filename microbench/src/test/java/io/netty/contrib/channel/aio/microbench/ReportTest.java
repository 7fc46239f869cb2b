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
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report of made-up results: the new columns, the stalled table, and a CSV whose rows match its header. */
class ReportTest {

    @Test
    void writesTheNewColumnsAndTheStalledTable(@TempDir Path dir) throws Exception {
        System.setProperty("java.awt.headless", "true");
        BenchOptions o = BenchOptions.parse("--workloads", "first-touch,stalled", "--dir", dir.toString());
        Cell once = Workload.FIRST_TOUCH.cells(o).get(0);
        Cell stalled = Workload.STALLED.cells(o).get(0);
        List<CellResult> results = new ArrayList<>();
        for (int rep = 1; rep <= 2; rep++) {
            for (String config : new String[] {"aio", "nginx"}) {
                CellResult r = new CellResult(once, config, rep);
                r.mibPerSecond = 1000 + rep;
                r.cpuMsPerGib = 900;
                r.minorFaultsPerGib = 12345;
                if (!config.equals("nginx")) {
                    r.jitC1Ms = 10;
                    r.jitC2Ms = 120;
                }
                r.threadsOutOfFiles = rep == 2 ? 1 : 0;
                results.add(r);
                CellResult s = new CellResult(stalled, config, rep);
                s.stalledRequests = 150;
                s.stalledStarted = 149;
                s.fetches = 20;
                s.fullBodies = 19;
                s.fetchMedianMs = 80;
                s.fetchP99Ms = 10_000;
                s.fetchMaxMs = 10_000;
                s.stallRssMib = 300;
                results.add(s);
            }
        }
        Path md = new Report(o, List.of("--workloads", "first-touch,stalled"), results, List.of(), 1).write(dir);
        String report = new String(Files.readAllBytes(md), StandardCharsets.UTF_8);
        assertTrue(report.contains("\n## first-touch\n"), report);
        assertTrue(report.contains("| CPU ms/GiB | minflt/GiB | JIT ms |"), report);
        assertTrue(report.contains(" out of files |"), report);
        // aio: JIT 130 ms, one thread out of files over the two repetitions; nginx: no JIT figure.
        assertTrue(report.contains("| 900 | 12345 | 130 |"), report);
        assertTrue(report.contains("| 900 | 12345 | – |"), report);
        assertTrue(report.contains("\n## stalled\n"), report);
        assertTrue(report.contains("| 150 (149) | 38/40 | 80.0 (80.0–80.0) | 10000 | 10000 | 300 |"), report);
        assertTrue(Files.size(dir.resolve("stalled.png")) > 1000);
        for (String line : report.split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| cell")) {
                int cells = line.split("\\|", -1).length;
                assertTrue(cells > 10, line);
            }
        }
        List<String> rows = Files.readAllLines(dir.resolve("results.csv"), StandardCharsets.UTF_8);
        int columns = rows.get(0).split(",", -1).length;
        assertEquals(1 + results.size(), rows.size());
        for (String row : rows.subList(1, rows.size())) {
            // No field here holds a comma: the label of the stalled cell has none either.
            assertEquals(columns, row.split(",", -1).length, row);
        }
    }
}
