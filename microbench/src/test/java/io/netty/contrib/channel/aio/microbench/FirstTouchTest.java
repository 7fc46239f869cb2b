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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first-touch order (every file handed out once, across threads and phases) and the options around it. */
class FirstTouchTest {

    @Test
    void handsEveryFileOutExactlyOnceAcrossThreadsAndPhases() {
        FileSet files = FileSet.of(Path.of("/nowhere"), 1 << 20, 1001);
        for (int threads : new int[] {1, 2, 3, 7, 32}) {
            FirstTouch order = FirstTouch.of(files, 300, threads, 1);
            assertEquals(threads, order.warmup().size());
            assertEquals(threads, order.load().size());
            List<String> all = new ArrayList<>();
            Set<String> warmup = new HashSet<>();
            order.warmup().forEach(warmup::addAll);
            Set<String> load = new HashSet<>();
            order.load().forEach(load::addAll);
            order.warmup().forEach(all::addAll);
            order.load().forEach(all::addAll);
            assertEquals(300, warmup.size());
            assertEquals(701, load.size());
            Set<String> distinct = new HashSet<>(all);
            assertEquals(all.size(), distinct.size(), "a path handed out twice");
            for (int i = 0; i < files.count; i++) {
                assertTrue(distinct.contains(files.path(i)), files.path(i) + " never handed out");
            }
            for (List<List<String>> part : List.of(order.warmup(), order.load())) {
                int min = part.stream().mapToInt(List::size).min().getAsInt();
                int max = part.stream().mapToInt(List::size).max().getAsInt();
                assertTrue(max - min <= 1, "uneven slices: " + min + " to " + max);
            }
        }
    }

    @Test
    void theOrderIsRandomTheSameForEveryConfigurationOfARepetitionAndAnotherInTheNext() {
        FileSet files = FileSet.of(Path.of("/nowhere"), 1 << 20, 500);
        List<String> first = FirstTouch.of(files, 100, 2, 1).load().get(0);
        assertEquals(first, FirstTouch.of(files, 100, 2, 1).load().get(0));
        assertNotEquals(first, FirstTouch.of(files, 100, 2, 2).load().get(0));
        List<String> inOrder = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            inOrder.add(files.path(i));
        }
        assertNotEquals(inOrder, first);
    }

    @Test
    void moreThreadsThanFilesLeavesSomeSlicesEmpty() {
        List<List<String>> slices = FirstTouch.slices(List.of("/a", "/b"), 4);
        assertEquals(4, slices.size());
        assertEquals(2, slices.stream().mapToInt(List::size).sum());
    }

    @Test
    void writesOneListPerThreadAndTheLuaReadsThem(@TempDir Path dir) throws Exception {
        FileSet files = FileSet.of(Path.of("/nowhere"), 1 << 20, 40);
        FirstTouch order = FirstTouch.of(files, 10, 3, 5);
        String warmup = order.writeWarmup(dir, "warmup");
        String load = order.writeLoad(dir, "load");
        for (int t = 0; t < 3; t++) {
            assertEquals(order.warmup().get(t), Files.readAllLines(dir.resolve("warmup-" + t + ".list"),
                    StandardCharsets.US_ASCII));
            assertEquals(order.load().get(t), Files.readAllLines(dir.resolve("load-" + t + ".list"),
                    StandardCharsets.US_ASCII));
        }
        assertTrue(warmup.contains("local list_prefix = '" + dir.resolve("warmup-") + "'"), warmup);
        assertTrue(load.contains("local list_prefix = '" + dir.resolve("load-") + "'"), load);
        assertTrue(load.contains("wrk.thread:stop()"), load);
        assertTrue(load.contains(" exhausted=%.0f"), load);
        assertTrue(load.contains("e.timeout, exhausted_threads()))"), load);
    }

    @Test
    void parsesTheExhaustedThreadsOfTheLoadLine() {
        Map<String, Double> line = new HashMap<>();
        for (String key : new String[] {"requests", "bytes", "duration_us", "p50_us", "p99_us", "connect", "read",
            "write", "status", "timeout"}) {
            line.put(key, 1.0);
        }
        assertEquals(0, new Wrk.Result(line).exhausted);
        line.put("exhausted", 2.0);
        assertEquals(2, new Wrk.Result(line).exhausted);
        assertEquals(0, new Wrk.Result(1, 1, 1, 1, 1, 0, 0).exhausted);
    }

    @Test
    void sizesTheSetsFromTheDurations() {
        BenchOptions o = BenchOptions.parse("--duration", "10");
        assertEquals(25_600, o.firstTouchFiles());
        assertEquals(20_480, o.firstTouchWarmupFiles());
        o = BenchOptions.parse("--first-touch-files", "500", "--first-touch-warmup", "5",
                "--first-touch-warmup-files", "70");
        assertEquals(500, o.firstTouchFiles());
        assertEquals(70, o.firstTouchWarmupFiles());
        assertEquals(0, BenchOptions.parse("--first-touch-warmup", "0").firstTouchWarmupFiles());
        assertEquals(5120, BenchOptions.parse("--first-touch-warmup", "5").firstTouchWarmupFiles());
        List<Cell> cells = Workload.FIRST_TOUCH.cells(BenchOptions.parse("--duration", "2", "--first-touch-warmup",
                "3"));
        assertEquals(1, cells.size());
        assertEquals(3072, cells.get(0).warmupFiles);
        assertEquals(3072 + 5120, cells.get(0).files.count);
        assertEquals(3, cells.get(0).warmupSeconds);
        assertFalse(cells.get(0).probe());
        assertTrue(Workload.FIRST_TOUCH_PROBE.cells(BenchOptions.parse()).get(0).probe());
    }

    @Test
    void workloadIdsAndTheFormerNameOfEvictedRepeat() {
        assertEquals(Workload.COLD, Workload.parse("cold"));
        assertEquals(Workload.COLD, Workload.parse("evicted-repeat"));
        assertEquals("evicted-repeat", Workload.COLD.id());
        assertEquals(Workload.FIRST_TOUCH, Workload.parse("first-touch"));
        assertEquals(Workload.FIRST_TOUCH, Workload.parse("FIRST_TOUCH"));
        assertEquals(Workload.FIRST_TOUCH_PROBE, Workload.parse("first-touch-probe"));
        assertEquals(Workload.STALLED, Workload.parse("stalled"));
        assertEquals("first-touch-probe", Workload.FIRST_TOUCH_PROBE.id());
        assertThrows(IllegalArgumentException.class, () -> Workload.parse("lukewarm"));
        Set<Workload> defaults = BenchOptions.parse().workloads;
        assertTrue(defaults.contains(Workload.COLD));
        assertFalse(defaults.contains(Workload.FIRST_TOUCH));
        assertFalse(defaults.contains(Workload.STALLED));
        assertEquals("1 MiB evicted-repeat", Workload.COLD.cells(BenchOptions.parse()).get(0).label);
    }

    @Test
    void theStalledWorkloadTakesPlainAndH2cConfigurations() {
        BenchOptions o = BenchOptions.parse("--configs", "aio,sendfile-h1,aio-h2c,aio-gzip,nginx,sendfile@io_uring");
        assertEquals(List.of("aio", "aio-h2c", "nginx", "sendfile@io_uring"), o.configs(Workload.STALLED));
        assertEquals(List.of("aio", "nginx", "sendfile@io_uring"), o.configs(Workload.FIRST_TOUCH));
        o = BenchOptions.parse("--stalled", "10", "--stalled-h2-streams", "30", "--stalled-clients", "3",
                "--stalled-rounds", "2");
        Cell cell = Workload.STALLED.cells(o).get(0);
        assertEquals(8L << 20, cell.files.size);
        assertEquals(30 + 3 * 2, cell.files.count);
        assertTrue(cell.stalled());
    }
}
