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

import com.sun.management.GarbageCollectionNotificationInfo;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.example.file.FileServer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The file server ({@link FileServer}) with the benchmark's instruments:
 * <ul>
 *   <li>a sampler of its direct memory: every 50 ms, the JDK's direct buffers ({@link BufferPoolMXBean} "direct":
 *   {@code ByteBuffer.allocateDirect}, which Netty's pooled allocator uses on Java 17 without extra flags), plus
 *   Netty's own count when it allocates without a cleaner (then its buffers are not in the JDK's pool). Whenever the
 *   peak grows, it is written to the file named by the first argument, which the load benchmark reads after a
 *   cell;</li>
 *   <li>a window on the event loops, opened and closed by the lines {@code start} and {@code end} on standard input:
 *   at {@code end}, {@code <first argument>.loop} gets what happened in between (see {@link LoopWindow}): the loops'
 *   iteration times ({@link AioMetrics#loopIterations()}, the server's loops are measured), their lag (a task of
 *   this class scheduled every 10 ms on each loop, whatever the mode, measures how late it runs) and the JVM's GC
 *   pauses.</li>
 * </ul>
 * Arguments after the first are the server's own.
 */
public final class MeteredFileServer {

    private static final long LAG_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Lag samples and GC pauses of the open window, in nanoseconds; guarded by themselves. */
    private static final List<Long> LAG = new ArrayList<>();
    private static final List<Long> GC_PAUSES = new ArrayList<>();

    private MeteredFileServer() {
    }

    public static void main(String[] args) throws Exception {
        Path peakFile = Paths.get(args[0]);
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        BufferPoolMXBean direct = pools.stream().filter(p -> p.getName().equals("direct")).findFirst().orElse(null);
        Thread sampler = new Thread(() -> sample(peakFile, direct), "direct-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        FileServer server = FileServer.start(Arrays.copyOfRange(args, 1, args.length));
        System.out.println("Serving on " + server.url());
        for (EventExecutor loop : server.group()) {
            long due = System.nanoTime() + LAG_PERIOD_NANOS;
            loop.schedule(() -> probeLag(loop, due), LAG_PERIOD_NANOS, TimeUnit.NANOSECONDS);
        }
        watchGc();
        // Until the benchmark kills it; its standard input opens and closes windows.
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        AioMetrics metrics = AioMetrics.of(server.group());
        LoopWindow.Snapshot start = null;
        for (String line; (line = in.readLine()) != null;) {
            try {
                if (line.equals("start")) {
                    synchronized (LAG) {
                        LAG.clear();
                    }
                    synchronized (GC_PAUSES) {
                        GC_PAUSES.clear();
                    }
                    start = new LoopWindow.Snapshot(metrics);
                } else if (line.equals("end") && start != null) {
                    LoopWindow window = new LoopWindow(start, new LoopWindow.Snapshot(metrics), metrics.loopCount(),
                            copy(LAG), copy(GC_PAUSES));
                    Path tmp = peakFile.resolveSibling(peakFile.getFileName() + ".loop.tmp");
                    Files.write(tmp, window.format().getBytes(StandardCharsets.US_ASCII));
                    Files.move(tmp, peakFile.resolveSibling(peakFile.getFileName() + ".loop"),
                            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    start = null;
                }
            } catch (Exception e) {
                System.err.println("loop window: " + line + ": " + e);
            }
        }
        // The benchmark is gone (it kills the server when a cell is measured): do not outlive it.
        System.exit(0);
    }

    /** Runs on the loop {@code due} late or not, records how late, and comes back in 10 ms. */
    private static void probeLag(EventExecutor loop, long due) {
        long now = System.nanoTime();
        synchronized (LAG) {
            LAG.add(Math.max(0, now - due));
        }
        loop.schedule(() -> probeLag(loop, now + LAG_PERIOD_NANOS), LAG_PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Records every stop-the-world collection's duration (the concurrent ones are not pauses). */
    private static void watchGc() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            // G1's and Parallel's pauses; not the concurrent collectors' cycles (G1 Concurrent GC, ZGC, Shenandoah).
            if (!(gc instanceof NotificationEmitter) || gc.getName().contains("Concurrent")
                    || gc.getName().contains("Cycles")) {
                continue;
            }
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    synchronized (GC_PAUSES) {
                        GC_PAUSES.add(TimeUnit.MILLISECONDS.toNanos(info.getGcInfo().getDuration()));
                    }
                }
            }, null, null);
        }
    }

    private static List<Long> copy(List<Long> list) {
        synchronized (list) {
            List<Long> c = new ArrayList<>(list);
            Collections.sort(c);
            return c;
        }
    }

    private static void sample(Path peakFile, BufferPoolMXBean direct) {
        long peak = -1;
        // Netty counts the buffers it allocates with a cleaner too, and those are in the JDK's pool already.
        boolean noCleaner = PlatformDependent.useDirectBufferNoCleaner();
        Path tmp = peakFile.resolveSibling(peakFile.getFileName() + ".tmp");
        try {
            for (;;) {
                long nettyOwn = noCleaner ? Math.max(0, PlatformDependent.usedDirectMemory()) : 0;
                long used = (direct == null ? 0 : direct.getMemoryUsed()) + nettyOwn;
                if (used > peak) {
                    peak = used;
                    Files.write(tmp, Long.toString(peak).getBytes(StandardCharsets.US_ASCII));
                    Files.move(tmp, peakFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            System.err.println("direct-memory-sampler: stopped: " + e);
        }
    }
}
