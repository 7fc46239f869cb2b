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

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsing of h2load's output and per-request log, on output captured from h2load 1.52 (Debian 12). */
class H2loadTest {
    /** One process of an h2 cell ({@code -c 1 -m 2 -D 1}, h2c, the file server with {@code --mode aio}). */
    static final String OUTPUT = String.join("\n",
            "starting benchmark...",
            "spawning thread #0: 1 total client(s). Timing-based test with 0s of warm-up time and 1s of main"
                    + " duration for measurements.",
            "Warm-up started for thread #0.",
            "progress: 100% of clients started",
            "Warm-up phase is over for thread #0.",
            "Main benchmark duration is started for thread #0.",
            "Application protocol: h2c",
            "Main benchmark duration is over for thread #0. Stopping all clients.",
            "Stopped all clients for thread #0",
            "",
            "finished in 1.00s, 71.00 req/s, 71.29MB/s",
            "requests: 71 total, 73 started, 71 done, 71 succeeded, 0 failed, 0 errored, 0 timeout",
            "status codes: 71 2xx, 0 3xx, 0 4xx, 0 5xx",
            "traffic: 71.29MB (74752316) total, 801B (801) headers (space savings 94.60%), 71.00MB (74448896) data",
            "                     min         max         mean         sd        +/- sd",
            "time for request:     8.80ms    256.95ms     27.84ms     40.13ms    97.18%",
            "time for connect:       55us        55us        55us         0us   100.00%",
            "time to 1st byte:   243.76ms    243.76ms    243.76ms         0us   100.00%",
            "req/s           :      70.98       70.98       70.98        0.00   100.00%", "");

    @Test
    void parsesTheSummary() {
        H2load.Summary s = H2load.parseSummary(OUTPUT);
        assertEquals(1.0, s.seconds, 1e-9);
        assertEquals(71, s.done);
        assertEquals(71, s.succeeded);
        assertEquals(0, s.failed);
        assertEquals(74752316L, s.bytes);
    }

    @Test
    void parsesOlderTrafficLinesShortDurationsAndFailures() {
        String out = String.join("\n",
                "finished in 823.45ms, 10.00 req/s, 1.00MB/s",
                "requests: 12 total, 12 started, 10 done, 7 succeeded, 5 failed, 2 errored, 1 timeout",
                "status codes: 7 2xx, 0 3xx, 3 4xx, 0 5xx",
                "traffic: 7340032 bytes total, 1024 bytes headers (space savings 30.00%), 7339008 bytes data");
        H2load.Summary s = H2load.parseSummary(out);
        assertEquals(0.82345, s.seconds, 1e-9);
        assertEquals(10, s.done);
        assertEquals(5, s.failed);
        assertEquals(3, s.status4xx);
        assertEquals(7340032L, s.bytes);

        Wrk.Result r = H2load.combine(List.of(s, H2load.parseSummary(OUTPUT)), new long[] {1000, 3000, 2000});
        assertEquals(81, r.requests);
        assertEquals(7340032L + 74752316L, r.bytes);
        assertEquals(1.0, r.seconds, 1e-9);
        assertEquals(5, r.errors);
        assertEquals(3, r.non2xx);
        assertEquals(2.0, r.p50Ms, 1e-9);
        assertEquals(3.0, r.p99Ms, 1e-9);
    }

    @Test
    void aRunThatPrintedNoSummaryHasNone() {
        assertNull(H2load.parseSummary("starting benchmark...\nconnect error: Connection refused\n"));
        assertNull(H2load.parseSummary(""));
        // Cut off after the first lines: no traffic line.
        assertNull(H2load.parseSummary(String.join("\n", OUTPUT.split("\n")).substring(0,
                OUTPUT.indexOf("traffic:"))));
    }

    @Test
    void readsTheLogAndItsPercentiles() {
        List<String> lines = List.of("1795707440381401\t200\t20016", "1795707440381402\t200\t18671",
                "1795707440632686\t200\t240630", "1795707440632", "", "x\ty\tz");
        long[] micros = H2load.latenciesMicros(lines);
        assertArrayEquals(new long[] {20016, 18671, 240630}, micros);
        assertEquals(20016, H2load.percentile(micros, 50), 0);
        assertEquals(240630, H2load.percentile(micros, 99), 0);
        assertTrue(Double.isNaN(H2load.percentile(new long[0], 99)));
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i;
        }
        assertEquals(99, H2load.percentile(hundred, 99), 0);
        assertEquals(50, H2load.percentile(hundred, 50), 0);
    }
}
