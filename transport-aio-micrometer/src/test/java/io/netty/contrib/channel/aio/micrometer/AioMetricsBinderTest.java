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
package io.netty.contrib.channel.aio.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileRegionConfig;
import io.netty.contrib.channel.aio.AioFileSink;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioMetricsBinder} on real servers: files served from {@code target/} to clients on 127.0.0.1, by a group of
 * two epoll loops through AIO and by a group of two NIO loops through the fallback, read back from a
 * {@link SimpleMeterRegistry}.
 */
class AioMetricsBinderTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    /** Multiples of 4096: whole aligned reads, so the bytes read are exactly the bytes served. */
    private static final long[] SIZES = {40_960, 1 << 20, 2_621_440};
    private static final int CONNECTIONS = 4;

    /** Nothing from the page cache (the files were just written): every byte through AIO. */
    private static final AioFileRegionConfig DIRECT = AioFileRegionConfig.builder()
            .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();

    private static Path dir;
    private static File[] files;
    private static long bytesPerConnection;

    @BeforeAll
    static void createFiles() throws Exception {
        dir = TestFiles.directory("micrometer");
        files = new File[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            files[i] = TestFiles.create(dir, "m-" + SIZES[i], SIZES[i], 900 + i);
            bytesPerConnection += SIZES[i];
        }
    }

    /** Every figure of {@link AioMetrics} has a meter: a getter added without one fails here. */
    @Test
    void everyFigureOfTheMetricsHasAMeter() throws Exception {
        Map<String, String> meters = new HashMap<>();
        String[] pairs = {
            "loopCount", "loops", "regions", "regions", "readsSubmitted", "reads.submitted",
            "readsCompleted", "reads.completed", "bytesRead", "bytes.read", "writesSubmitted", "writes.submitted",
            "writesCompleted", "writes.completed", "bytesWritten", "bytes.written", "inFlight", "in.flight",
            "pageCacheReads", "page.cache.reads", "pageCacheBytes", "page.cache.bytes", "errors", "errors",
            "submitsDeferred", "submits.deferred", "admitted", "page.cache.admissions",
            "prefetchedBytes", "prefetched.bytes", "prefetchesLate", "prefetches.late",
            "openFileHits", "open.files", "openFileMisses", "open.files", "memoryBudget", "memory.budget",
            "memoryUsed", "memory.used", "maxMemoryUsed", "memory.used.max", "memoryWaits", "memory.waits",
            "allocationFailures", "allocation.failures", "memoryDiversions", "memory.diversions",
            "memoryParks", "memory.parks", "chunkMemoryHeld", "chunk.memory.held",
            "chunkSlabsAllocated", "chunk.slabs", "chunkSlabsFreed", "chunk.slabs",
            "maxCompletionsPerWakeUp", "completions.per.wakeup.max", "maxLoopLagNanos", "loop.lag.max",
            "loopIoNanos", "loop.io.time", "loopTaskNanos", "loop.task.time",
            // The sum over the reasons, each of which has its counter.
            "fallbacks", "fallbacks",
        };
        for (int i = 0; i < pairs.length; i += 2) {
            meters.put(pairs[i], "netty.aio." + pairs[i + 1]);
        }
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            MeterRegistry registry = new SimpleMeterRegistry();
            new AioMetricsBinder(group, Tags.empty()).bindTo(registry);
            int figures = 0;
            for (Method m : AioMetrics.class.getMethods()) {
                if (m.getDeclaringClass() != AioMetrics.class || Modifier.isStatic(m.getModifiers())
                        || m.getParameterCount() != 0
                        || m.getReturnType() != long.class && m.getReturnType() != int.class) {
                    continue;
                }
                figures++;
                String meter = meters.get(m.getName());
                assertNotNull(meter, "AioMetrics." + m.getName() + "() has no meter in AioMetricsBinder");
                assertFalse(registry.find(meter).meters().isEmpty(), meter + " for AioMetrics." + m.getName());
            }
            assertEquals(meters.size(), figures, "a figure named here is gone from AioMetrics: " + meters.keySet());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theSinksWritesAreExportedWhetherAioOrBlocking() throws Exception {
        Aio.ensureAvailability();
        byte[] data = new byte[(3 << 20) + 4097];
        new java.util.Random(3).nextBytes(data);
        for (boolean epoll : new boolean[] {true, false}) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                    epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            try {
                MeterRegistry registry = new SimpleMeterRegistry();
                new AioMetricsBinder(group).bindTo(registry);
                Channel ch = epoll ? new EpollSocketChannel() : new NioSocketChannel();
                group.register(ch).sync();
                File file = dir.resolve("sink-" + epoll + ".bin").toFile();
                io.netty.util.concurrent.Future<Long> done = ch.eventLoop().submit(() -> {
                    AioFileSink sink = AioFileSink.builder(ch, file).open();
                    sink.write(Unpooled.wrappedBuffer(data));
                    return sink.close();
                }).get(10, TimeUnit.SECONDS);
                assertEquals(data.length, done.get(30, TimeUnit.SECONDS));
                ch.close().sync();
                double bytes = counter(registry, "netty.aio.bytes.written");
                if (epoll) {
                    double submitted = counter(registry, "netty.aio.writes.submitted");
                    assertTrue(submitted >= 4, "writes and the sync: " + submitted);
                    assertEquals(submitted, counter(registry, "netty.aio.writes.completed"));
                    assertTrue(bytes >= data.length && bytes < data.length + 4096, "bytes written: " + bytes);
                } else {
                    assertEquals(0, counter(registry, "netty.aio.writes.submitted"), "no AIO on NIO");
                    assertEquals(data.length, bytes, "the blocking fallback's bytes are counted");
                    assertTrue(AioMetrics.of(group).toString().contains("loop lag: not measured"),
                            AioMetrics.of(group).toString());
                }
            } finally {
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            }
        }
    }

    @Test
    void aGroupOfTwoEpollLoopsShowsItsBytesAndReads() throws Exception {
        Aio.ensureAvailability();
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                AioMetrics.measured(EpollIoHandler.newFactory()));
        try {
            MeterRegistry registry = new SimpleMeterRegistry();
            new AioMetricsBinder(group, Tags.of("server", "files")).bindTo(registry);
            assertEquals(0, counter(registry, "netty.aio.bytes.read"), "nothing served yet");

            try (FileServer server = new FileServer(group, EpollServerSocketChannel.class, dir, DIRECT)) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    server.download(files);
                }
            }
            awaitNoReadInFlight(registry);

            long served = CONNECTIONS * bytesPerConnection;
            assertEquals(served, counter(registry, "netty.aio.bytes.read"), "bytes read: " + AioMetrics.of(group));
            assertEquals(CONNECTIONS * files.length, counter(registry, "netty.aio.regions"));
            long chunks = 0;
            for (long size : SIZES) {
                chunks += (size + DIRECT.chunkSize() - 1) / DIRECT.chunkSize();
            }
            double completed = counter(registry, "netty.aio.reads.completed");
            assertTrue(completed >= CONNECTIONS * chunks, "reads completed: " + completed);
            assertEquals(completed, counter(registry, "netty.aio.reads.submitted"));
            assertEquals(0, counter(registry, "netty.aio.page.cache.bytes"));
            assertEquals(0, counter(registry, "netty.aio.errors"));
            assertEquals(0, sumOfFallbacks(registry), "no fallback on epoll loops");
            assertEquals(0, gauge(registry, "netty.aio.in.flight"));
            assertEquals(0, gauge(registry, "netty.aio.memory.used"));
            double budget = gauge(registry, "netty.aio.memory.budget");
            double peak = gauge(registry, "netty.aio.memory.used.max");
            assertTrue(peak > 0 && peak <= budget / 2, "one loop's peak " + peak + ", two loops' budget " + budget);
            // The chunk memory that served the file stays in the pool for the next one.
            assertTrue(gauge(registry, "netty.aio.chunk.memory.held") > 0);
            assertTrue(registry.get("netty.aio.chunk.slabs").tag("event", "allocated").functionCounter().count() > 0);
            assertTrue(timeGaugeNanos(registry, "netty.aio.loop.lag.max")
                    >= timeGaugeNanos(registry, "netty.aio.loop.lag", "quantile", "0.99") / 2);

            // One loop busy for 60 ms: the group's lag shows it, in the registry's base unit (seconds).
            group.next().submit(() -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }).sync();
            long lagDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (registry.get("netty.aio.loop.lag.max").timeGauge().value() < 0.040
                    && System.nanoTime() < lagDeadline) {
                Thread.sleep(10);
            }
            assertTrue(registry.get("netty.aio.loop.lag.max").timeGauge().value() >= 0.040,
                    "lag of a loop busy for 60 ms: " + AioMetrics.of(group));
            // The loops are measured: that task was one iteration of at least 60 ms, counted as task time.
            group.next().submit(() -> { }).sync();
            group.next().submit(() -> { }).sync();
            assertTrue(registry.get("netty.aio.loop.iteration.max").timeGauge().value() >= 0.060,
                    "iterations: " + AioMetrics.of(group).loopIterations());
            assertTrue(registry.get("netty.aio.loop.task.time").functionCounter().count() >= 0.060);
            assertTrue(registry.get("netty.aio.loop.io.time").functionCounter().count() > 0, "files were served");
            assertTrue(registry.get("netty.aio.loop.iterations").functionTimer().count() > 0);
            assertTrue(registry.get("netty.aio.loop.iterations").functionTimer()
                    .totalTime(TimeUnit.SECONDS) >= 0.060);

            // The connections went to both loops, and the group's figures are their sums.
            long perLoopBytes = 0;
            for (EventExecutor loop : group) {
                AioMetrics own = AioMetrics.of(loop);
                assertTrue(own.bytesRead() > 0, "a loop served nothing: " + own);
                perLoopBytes += own.bytesRead();
            }
            assertEquals(served, perLoopBytes);

            // Every meter carries the binder's tag.
            for (Meter meter : registry.getMeters()) {
                assertEquals("files", meter.getId().getTag("server"), meter.getId().toString());
            }
        } finally {
            group.shutdownGracefully(0, 10, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aGroupOfNioLoopsCountsEveryRegionAsAFallbackWithItsReason() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            MeterRegistry registry = new SimpleMeterRegistry();
            new AioMetricsBinder(group).bindTo(registry);
            try (FileServer server = new FileServer(group, NioServerSocketChannel.class, dir, DIRECT)) {
                server.download(files);
                server.download(files);
            }
            double regions = counter(registry, "netty.aio.regions");
            assertEquals(2 * files.length, regions);
            assertEquals(regions, counter(registry, "netty.aio.fallbacks", "reason", "UNSUPPORTED_LOOP"));
            assertEquals(regions, sumOfFallbacks(registry), "other reasons stay at zero");
            assertEquals(AioMetrics.Fallback.values().length,
                    registry.find("netty.aio.fallbacks").functionCounters().size(), "one counter per reason");
            assertEquals(0, counter(registry, "netty.aio.reads.submitted"));
            assertEquals(0, counter(registry, "netty.aio.bytes.read"));
        } finally {
            group.shutdownGracefully(0, 10, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theMetersDoNotKeepTheGroupAlive() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        WeakReference<EventLoopGroup> ref = bindAndShutDown(registry);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(ref.get(), "the registry's meters keep the group reachable");
        assertTrue(Double.isNaN(gauge(registry, "netty.aio.in.flight")), "a collected group's gauges read NaN");
        assertEquals(0, counter(registry, "netty.aio.regions"), "counters keep their last value");
    }

    private static WeakReference<EventLoopGroup> bindAndShutDown(MeterRegistry registry) throws Exception {
        EventLoopGroup group = new DefaultEventLoopGroup(2);
        AioMetricsBinder binder = new AioMetricsBinder(group);
        binder.bindTo(registry);
        assertFalse(Double.isNaN(gauge(registry, "netty.aio.in.flight")), "the group is still there");
        assertEquals(0, counter(registry, "netty.aio.regions"));
        group.shutdownGracefully(0, 10, TimeUnit.SECONDS).sync();
        return new WeakReference<>(group);
    }

    private static void awaitNoReadInFlight(MeterRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gauge(registry, "netty.aio.in.flight") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        FunctionCounter counter = registry.get(name).tags(tags).functionCounter();
        return counter.count();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static double timeGaugeNanos(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).timeGauge().value(TimeUnit.NANOSECONDS);
    }

    private static double sumOfFallbacks(MeterRegistry registry) {
        double sum = 0;
        for (FunctionCounter c : registry.get("netty.aio.fallbacks").functionCounters()) {
            sum += c.count();
        }
        return sum;
    }
}
