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
    /** The server's minor and major page faults over the window, per GiB sent ({@link ProcStats}). */
    double minorFaultsPerGib = Double.NaN;
    double majorFaultsPerGib = Double.NaN;
    /** CPU time of the server JVM's C1 and C2 compiler threads over the window ({@link CompilerCpu}); NaN: nginx. */
    double jitC1Ms = Double.NaN;
    double jitC2Ms = Double.NaN;
    /** First touch: wrk threads that ran out of files in the measured window (they stopped; see FirstTouch). */
    long threadsOutOfFiles;
    /** Stalled: the stalled requests sent (connections, or h2c streams) and those whose response had begun. */
    long stalledRequests;
    long stalledStarted;
    /** Stalled: fetches beside the stall, those that got the whole file in time, and their times. */
    long fetches;
    long fullBodies;
    double fetchMedianMs = Double.NaN;
    double fetchP99Ms = Double.NaN;
    double fetchMaxMs = Double.NaN;
    /** Stalled: the server's highest {@code VmRSS} sampled during the stall. */
    double stallRssMib = Double.NaN;
    String failure;

    CellResult(Cell cell, String config, int rep) {
        this.cell = cell;
        this.config = config;
        this.rep = rep;
    }

    /** The JIT's CPU over the window, C1 and C2, in ms; NaN for nginx. */
    double jitMs() {
        return jitC1Ms + jitC2Ms;
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
        r.minorFaultsPerGib = minorFaultsPerGib;
        r.majorFaultsPerGib = majorFaultsPerGib;
        r.jitC1Ms = jitC1Ms;
        r.jitC2Ms = jitC2Ms;
        r.threadsOutOfFiles = threadsOutOfFiles;
        r.stalledRequests = stalledRequests;
        r.stalledStarted = stalledStarted;
        r.fetches = fetches;
        r.fullBodies = fullBodies;
        r.fetchMedianMs = fetchMedianMs;
        r.fetchP99Ms = fetchP99Ms;
        r.fetchMaxMs = fetchMaxMs;
        r.stallRssMib = stallRssMib;
        r.failure = failure;
        return r;
    }

    /** Ends {@code jit}'s window, if there is one (none for nginx), and keeps its C1 and C2 milliseconds. */
    void stopJit(CompilerCpu jit) throws InterruptedException {
        if (jit != null) {
            double[] ms = jit.stop();
            jitC1Ms = ms[0];
            jitC2Ms = ms[1];
        }
    }
}
