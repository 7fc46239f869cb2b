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

/** One measured situation of a workload (a row of its table, before the configuration is chosen). */
final class Cell {
    final Workload workload;
    final String label;
    final FileSet files;
    final boolean cold;
    final int connections;
    final int threads;
    final int seconds;
    final int warmupSeconds;
    /** First touch: how many files of the set the warm-up reads (the measured load reads the others); else 0. */
    final int warmupFiles;
    /**
     * First touch: small files walked round-robin before the warm-up, so that the server's compiler is done with the
     * O_DIRECT path before the load (each file comes back after more requests than the page-cache admission
     * remembers, so it is read with O_DIRECT every time); or {@code null}.
     */
    final FileSet jitWarmupFiles;
    final int jitWarmupSeconds;

    Cell(Workload workload, String label, FileSet files, boolean cold, int connections, int threads, int seconds,
         int warmupSeconds) {
        this(workload, label, files, cold, connections, threads, seconds, warmupSeconds, 0);
    }

    Cell(Workload workload, String label, FileSet files, boolean cold, int connections, int threads, int seconds,
         int warmupSeconds, int warmupFiles) {
        this(workload, label, files, cold, connections, threads, seconds, warmupSeconds, warmupFiles, null, 0);
    }

    Cell(Workload workload, String label, FileSet files, boolean cold, int connections, int threads, int seconds,
         int warmupSeconds, int warmupFiles, FileSet jitWarmupFiles, int jitWarmupSeconds) {
        this.jitWarmupFiles = jitWarmupFiles;
        this.jitWarmupSeconds = jitWarmupFiles == null ? 0 : jitWarmupSeconds;
        this.workload = workload;
        this.label = label;
        this.files = files;
        this.cold = cold;
        this.connections = connections;
        this.threads = threads;
        this.seconds = seconds;
        this.warmupSeconds = warmupSeconds;
        this.warmupFiles = warmupFiles;
    }

    boolean probe() {
        return workload == Workload.ISOLATION || workload == Workload.ZIPF || workload == Workload.FIRST_TOUCH_PROBE;
    }

    /** Each file asked for once ({@link FirstTouch}). */
    boolean firstTouch() {
        return workload == Workload.FIRST_TOUCH || workload == Workload.FIRST_TOUCH_PROBE;
    }

    boolean stalled() {
        return workload == Workload.STALLED;
    }

    boolean zipf() {
        return workload == Workload.ZIPF;
    }

    /** What the server sees: two cells with the same key are the same measurement. */
    String loadKey() {
        // First-touch and stalled loads are like no other workload's, even on the same files.
        return (firstTouch() || stalled() ? workload.id() + " w" + warmupFiles + " " : "") + files.root + "/"
                + files.name() + " x" + files.count + (cold ? " cold" : " hot") + " c" + connections + " t" + threads
                + " " + seconds + "+" + warmupSeconds + "s" + (probe() ? " probe" : "") + (zipf() ? " zipf" : "");
    }

    @Override
    public String toString() {
        return workload.id() + " / " + label;
    }
}
