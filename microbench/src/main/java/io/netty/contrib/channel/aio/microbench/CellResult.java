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

/** One configuration's numbers in one cell and one repetition; {@code NaN} where a number does not apply. */
final class CellResult {
    final Cell cell;
    final String config;
    final int rep;
    /** MiB/s of the files' content: bytes received, or for gzip the uncompressed size of the files received. */
    double mibPerSecond = Double.NaN;
    /** MiB/s received by the client (headers included; compressed for gzip). */
    double wireMibPerSecond = Double.NaN;
    double requestsPerSecond = Double.NaN;
    long requests;
    double p50Ms = Double.NaN;
    double p99Ms = Double.NaN;
    double probeP50Ms = Double.NaN;
    double probeP99Ms = Double.NaN;
    double cpuMsPerGib = Double.NaN;
    double peakRssMib = Double.NaN;
    double peakDirectMib = Double.NaN;
    double cacheMib = Double.NaN;
    /** Bytes the server read from the disk per byte that wrk received: about 1 or more cold, about 0 hot. */
    double diskPerSent = Double.NaN;
    long errors;
    /** What the server's loops did in the window ({@link LoopWindow}); {@code null} for nginx or before a run. */
    LoopWindow loops;
    /** The machine's CPU steal over the window, in % of all its CPU time. */
    double stealPct = Double.NaN;
    /** Lines of the server's log that report an {@code OutOfMemoryError} (direct memory, most often). */
    long serverOutOfMemory;
    String failure;

    CellResult(Cell cell, String config, int rep) {
        this.cell = cell;
        this.config = config;
        this.rep = rep;
    }

    /** The same numbers, for an equal cell of another workload. */
    CellResult as(Cell other) {
        CellResult r = new CellResult(other, config, rep);
        r.mibPerSecond = mibPerSecond;
        r.wireMibPerSecond = wireMibPerSecond;
        r.requestsPerSecond = requestsPerSecond;
        r.requests = requests;
        r.p50Ms = p50Ms;
        r.p99Ms = p99Ms;
        r.probeP50Ms = probeP50Ms;
        r.probeP99Ms = probeP99Ms;
        r.cpuMsPerGib = cpuMsPerGib;
        r.peakRssMib = peakRssMib;
        r.peakDirectMib = peakDirectMib;
        r.cacheMib = cacheMib;
        r.diskPerSent = diskPerSent;
        r.errors = errors;
        r.loops = loops;
        r.stealPct = stealPct;
        r.serverOutOfMemory = serverOutOfMemory;
        r.failure = failure;
        return r;
    }
}
