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
package io.netty.contrib.channel.aio;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioMetrics#of(EventExecutorGroup)} over three loops, each written by its own thread as the transport
 * writes them: sums, maxima, the worst loop's lag, fallbacks by reason, and reads from another thread.
 */
class AioGroupMetricsTest {

    private DefaultEventLoopGroup group;
    private final List<EventExecutor> loops = new ArrayList<>();

    @BeforeEach
    void startLoops() {
        group = new DefaultEventLoopGroup(3);
        group.forEach(loops::add);
    }

    @AfterEach
    void stopLoops() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    /** Runs {@code writes} on the loop's own thread, the only one that writes its counters. */
    private static void onLoop(EventExecutor loop, Consumer<LoopRecorder> writes) throws Exception {
        LoopRecorder recorder = LoopRecorders.of(loop);
        loop.submit(() -> writes.accept(recorder)).sync();
    }

    @Test
    void countersAndGaugesAreSummedMaximaAreTheHighest() throws Exception {
        AioMetrics view = AioMetrics.of(group);
        assertEquals(3, view.loopCount());
        assertEquals(0, view.regions(), "loops that delivered nothing yet count as zeros: " + view);

        onLoop(loops.get(0), m -> {
            m.regionStarted();
            m.readsSubmitted(3);
            m.readCompleted(4096);
            m.readCompleted(8192);
            m.memoryBudget(64 << 20);
            m.memoryUsed(1 << 20);
            m.memoryUsed(1 << 19);
            m.wakeUp(2);
            m.pageCacheRead(100);
            m.error();
            m.openFileMiss();
            m.memoryWait();
        });
        onLoop(loops.get(1), m -> {
            m.regionStarted();
            m.regionStarted();
            m.readsSubmitted(1);
            m.memoryBudget(32 << 20);
            m.memoryUsed(3 << 20);
            m.wakeUp(5);
            m.pageCacheRead(1000);
            m.openFileHit();
            m.submitDeferred();
            m.regionAdmitted();
            m.prefetched(4096);
            m.prefetchLate();
            m.allocationFailed();
        });
        // loops.get(2) stays idle: it adds zeros and lowers no maximum.

        assertEquals(3, view.regions(), "the view made before the writes counts them: " + view);
        assertEquals(4, view.readsSubmitted());
        assertEquals(2, view.readsCompleted());
        assertEquals(12288, view.bytesRead());
        assertEquals(2, view.inFlight());
        assertEquals(2, view.pageCacheReads());
        assertEquals(1100, view.pageCacheBytes());
        assertEquals(1, view.errors());
        assertEquals(1, view.openFileHits());
        assertEquals(1, view.openFileMisses());
        assertEquals(1, view.submitsDeferred());
        assertEquals(1, view.admitted());
        assertEquals(4096, view.prefetchedBytes());
        assertEquals(1, view.prefetchesLate());
        assertEquals(1, view.memoryWaits());
        assertEquals(1, view.allocationFailures());
        assertEquals(96 << 20, view.memoryBudget());
        assertEquals((1 << 19) + (3 << 20), view.memoryUsed());
        assertEquals(3 << 20, view.maxMemoryUsed(), "one loop's peak, not a sum of peaks");
        assertEquals(5, view.maxCompletionsPerWakeUp());

        List<ToLongFunction<AioMetrics>> summed = List.of(AioMetrics::regions, AioMetrics::readsSubmitted,
                AioMetrics::readsCompleted, AioMetrics::bytesRead, AioMetrics::inFlight, AioMetrics::pageCacheBytes,
                AioMetrics::memoryUsed, AioMetrics::memoryBudget, AioMetrics::errors);
        for (ToLongFunction<AioMetrics> figure : summed) {
            long perLoop = 0;
            for (EventExecutor loop : loops) {
                perLoop += figure.applyAsLong(AioMetrics.of(loop));
            }
            assertEquals(perLoop, figure.applyAsLong(view), view.toString());
        }
    }

    @Test
    void theLagIsTheWorstLoops() throws Exception {
        // Loop 0 is idle, with many fast samples; loop 1 lags 4.5 ms in 5 of its 100 samples. Merged, those 5 would
        // be 5 of 1100 and a p99 of 100 µs would hide them; the worst loop's p99 shows them.
        onLoop(loops.get(0), m -> {
            for (int i = 0; i < 1000; i++) {
                m.loopLag(100_000);
            }
        });
        onLoop(loops.get(1), m -> {
            for (int i = 0; i < 95; i++) {
                m.loopLag(100_000);
            }
            for (int i = 0; i < 5; i++) {
                m.loopLag(4_500_000);
            }
        });
        AioMetrics view = AioMetrics.of(group);
        // Quantiles are bucket bounds (within 12.5 %), never above the largest sample.
        assertEquals(100_000, AioMetrics.of(loops.get(0)).loopLagNanos(0.99));
        assertEquals(4_500_000, AioMetrics.of(loops.get(1)).loopLagNanos(0.99));
        assertEquals(4_500_000, view.loopLagNanos(0.99));
        // Loop 1's 100 µs samples: the bound of their bucket (its largest sample is higher).
        assertEquals(106_496, view.loopLagNanos(0.5));
        assertEquals(106_496, view.loopLagNanos(0), "the lowest bucket with a sample");
        assertEquals(1100, view.loopLag().count(), "the loops' samples together");
        assertEquals(5, view.loopLag().countAtLeast(4_000_000));
        assertEquals(4_500_000, view.maxLoopLagNanos());
        assertEquals(0, AioMetrics.of(loops.get(2)).loopLagNanos(0.99), "no sample yet");
        assertThrows(IllegalArgumentException.class, () -> view.loopLagNanos(1.5));
        assertThrows(IllegalArgumentException.class, () -> view.loopLagNanos(Double.NaN));
    }

    @Test
    void toStringBreaksFallbacksDownByReason() throws Exception {
        onLoop(loops.get(0), m -> {
            for (int i = 0; i < 3; i++) {
                m.fallback(AioMetrics.Fallback.UNSUPPORTED_LOOP, "test");
            }
        });
        onLoop(loops.get(1), m -> {
            m.fallback(AioMetrics.Fallback.DISABLED, "test");
            m.fallback(AioMetrics.Fallback.DISABLED, "test");
        });
        AioMetrics view = AioMetrics.of(group);
        assertEquals(5, view.fallbacks());
        assertEquals(3, view.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP));
        assertEquals(2, view.fallbacks(AioMetrics.Fallback.DISABLED));
        assertEquals(0, view.fallbacks(AioMetrics.Fallback.SETUP_FAILED));

        String group = view.toString();
        assertTrue(group.startsWith("AioMetrics(loops: 3, regions: 0, "), group);
        assertTrue(group.endsWith(", fallbacks: 5 {UNSUPPORTED_LOOP=3, DISABLED=2})"), group);
        String first = AioMetrics.of(loops.get(0)).toString();
        assertTrue(first.startsWith("AioMetrics(regions: 0, "), first);
        assertTrue(first.endsWith(", fallbacks: 3 {UNSUPPORTED_LOOP=3})"), first);
        String idle = AioMetrics.of(loops.get(2)).toString();
        assertTrue(idle.endsWith(", fallbacks: 0)"), idle);
    }

    @Test
    void oneLoopIsItsOwnMetrics() {
        EventExecutor loop = loops.get(1);
        assertSame(AioMetrics.of(loop), AioMetrics.of((EventExecutorGroup) loop));
        assertEquals(1, AioMetrics.of(loop).loopCount());
    }

    @Test
    void aViewKeepsTheCountsOfLoopsThatTerminated() throws Exception {
        DefaultEventLoopGroup other = new DefaultEventLoopGroup(2);
        AioMetrics view = AioMetrics.of(other);
        for (EventExecutor loop : other) {
            onLoop(loop, m -> {
                m.regionStarted();
                m.readsSubmitted(1);
                m.readCompleted(512);
            });
        }
        other.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        assertEquals(2, view.regions(), "counters do not go down when the loops end: " + view);
        assertEquals(1024, view.bytesRead());
        assertEquals(0, view.inFlight());
    }

    @Test
    void anotherThreadSeesTheCountsRiseInOrder() throws Exception {
        int reads = 200_000;
        EventExecutor loop = loops.get(0);
        LoopRecorder metrics = LoopRecorders.of(loop);
        AioMetrics view = AioMetrics.of(group);
        Future<?> writer = loop.submit(() -> {
            for (int i = 0; i < reads; i++) {
                metrics.readsSubmitted(1);
                metrics.readCompleted(4096);
            }
        });
        // The reader never synchronizes with the writer: only the counters' own guarantees are at work. A value
        // it has seen never goes back, and bytes seen imply the completion counted before them.
        long lastCompleted = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lastCompleted < reads) {
            long bytes = view.bytesRead();
            long completed = view.readsCompleted();
            assertEquals(0, bytes % 4096, "a torn value: " + bytes);
            assertTrue(bytes / 4096 <= completed, bytes + " bytes, yet " + completed + " completions");
            assertTrue(completed >= lastCompleted, completed + " after " + lastCompleted);
            assertTrue(view.inFlight() >= 0, view.toString());
            lastCompleted = completed;
            assertFalse(System.nanoTime() > deadline, "the count stopped rising at " + completed);
        }
        writer.sync();
        assertEquals((long) reads * 4096, view.bytesRead());
        assertEquals(reads, view.readsSubmitted());
    }
}
