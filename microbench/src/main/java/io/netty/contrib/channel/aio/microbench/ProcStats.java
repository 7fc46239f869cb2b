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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * What {@code /proc} says about a set of processes (a server: one JVM, or nginx's master and workers), summed.
 * <ul>
 *   <li>CPU: {@code utime + stime} of {@code /proc/<pid>/stat}, which covers every thread of the process, living or
 *   exited, io_uring's {@code iou-wrk} workers included (they are threads of the process);</li>
 *   <li>peak RSS: {@code VmHWM} of {@code /proc/<pid>/status};</li>
 *   <li>disk reads: {@code read_bytes} of {@code /proc/<pid>/io}, the bytes this process made the block layer
 *   fetch (page-cache misses, read-ahead and O_DIRECT reads alike);</li>
 *   <li>page faults: {@code minflt} and {@code majflt} of {@code /proc/<pid>/stat}, every thread's, exited ones
 *   included, as the CPU time (a minor fault maps a page without reading the disk: fresh memory, or a page already
 *   in the page cache).</li>
 * </ul>
 */
final class ProcStats {
    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux this runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** Indexes in {@link #statFields}: {@code minflt}, {@code majflt}, {@code utime}, {@code stime} (proc(5)). */
    static final int MINFLT = 7;
    static final int MAJFLT = 9;
    static final int UTIME = 11;
    static final int STIME = 12;

    final long cpuNanos;
    final long peakRssBytes;
    final long readBytes;
    final long minorFaults;
    final long majorFaults;

    private ProcStats(long cpuNanos, long peakRssBytes, long readBytes, long minorFaults, long majorFaults) {
        this.cpuNanos = cpuNanos;
        this.peakRssBytes = peakRssBytes;
        this.readBytes = readBytes;
        this.minorFaults = minorFaults;
        this.majorFaults = majorFaults;
    }

    static ProcStats of(List<Long> pids) throws IOException {
        long ticks = 0;
        long hwm = 0;
        long read = 0;
        long minflt = 0;
        long majflt = 0;
        for (long pid : pids) {
            Path proc = Paths.get("/proc", Long.toString(pid));
            String[] f = statFields(new String(Files.readAllBytes(proc.resolve("stat")), StandardCharsets.US_ASCII));
            ticks += Long.parseLong(f[UTIME]) + Long.parseLong(f[STIME]);
            minflt += Long.parseLong(f[MINFLT]);
            majflt += Long.parseLong(f[MAJFLT]);
            hwm += field(proc.resolve("status"), "VmHWM:") * 1024;
            read += field(proc.resolve("io"), "read_bytes:");
        }
        return new ProcStats(ticks * NANOS_PER_TICK, hwm, read, minflt, majflt);
    }

    /** The resident set now ({@code VmRSS} of {@code /proc/<pid>/status}), summed over the processes. */
    static long rssBytes(List<Long> pids) throws IOException {
        long rss = 0;
        for (long pid : pids) {
            rss += field(Paths.get("/proc", Long.toString(pid), "status"), "VmRSS:") * 1024;
        }
        return rss;
    }

    /**
     * The fields of a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line after the command name
     * (which may hold spaces and parentheses): index 0 is the state, field 3 of proc(5).
     */
    static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    /** The command name ({@code comm}) of a stat line: a thread's name, cut to 15 bytes by the kernel. */
    static String statName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** The CPU time ({@code utime + stime}) of a stat line, in nanoseconds. */
    static long statCpuNanos(String[] fields) {
        return (Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME])) * NANOS_PER_TICK;
    }

    /**
     * The machine's CPU time so far, from the first line of {@code /proc/stat}, in ticks: {@code [steal, all]}
     * (steal: time the hypervisor ran something else while this machine's CPUs wanted to run).
     */
    static long[] machineTicks() throws IOException {
        String cpu = Files.readAllLines(Paths.get("/proc/stat"), StandardCharsets.US_ASCII).get(0);
        String[] f = cpu.trim().split("\\s+");
        long all = 0;
        // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
        for (int i = 1; i <= 8 && i < f.length; i++) {
            all += Long.parseLong(f[i]);
        }
        return new long[] {f.length > 8 ? Long.parseLong(f[8]) : 0, all};
    }

    private static long field(Path file, String name) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(name + " not in " + file);
    }
}
