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

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's chunk pool, on an event executor of its own: reuse, alignment, the budget, trimming. */
class ChunkPoolTest {

    private final DefaultEventExecutor loop = new DefaultEventExecutor();
    private final LoopRecorder recorder = new LoopRecorder();
    private final AioMetrics metrics = recorder.view;
    private final AtomicInteger returned = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private static final long TRIM_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private ChunkPool pool(long budget) throws Exception {
        return onLoop(() -> new ChunkPool(loop, budget, TRIM_NANOS, recorder, returned::incrementAndGet));
    }

    @Test
    void sizeClassesHoldTheirSizesAndWasteAtMostAFifth() {
        int previous = 0;
        for (int c = 0; c <= ChunkPool.classOf(1 << 30); c++) {
            int size = ChunkPool.classSize(c);
            assertTrue(size > previous, "class " + c);
            assertEquals(0, size % 1024, "class " + c + ": " + size);
            previous = size;
        }
        for (int size = 1; size < (64 << 20); size += size / 7 + 1) {
            int c = ChunkPool.classOf(size);
            int classSize = ChunkPool.classSize(c);
            assertTrue(classSize >= size, size + " -> " + classSize);
            assertTrue(c == 0 || ChunkPool.classSize(c - 1) < size, size + " fits the class below " + c);
            assertTrue(size <= ChunkPool.PAGE || classSize <= size * 1.25 + 1, size + " -> " + classSize);
        }
        assertEquals(1 << 20, ChunkPool.classSize(ChunkPool.classOf(1 << 20)));
    }

    @Test
    void aBufferComesBackForTheNextChunkAndIsNeverHandedOutTwice() throws Exception {
        ChunkPool pool = pool(64 << 20);
        onLoop(() -> {
            Set<Long> out = new HashSet<>();
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ByteBuf buf = pool.allocate(1 << 20);
                assertEquals(1 << 20, buf.capacity());
                assertEquals(0, buf.writerIndex());
                long address = Buffers.address(buf, 0, 1);
                assertEquals(0, address % ChunkPool.PAGE, "page-aligned");
                assertTrue(out.add(address), "handed out twice while in use");
                bufs.add(buf);
            }
            assertEquals(8, metrics.chunkSlabsAllocated());
            assertEquals(8L << 20, metrics.memoryUsed());
            for (ByteBuf buf : bufs) {
                buf.release();
            }
            assertEquals(0, metrics.memoryUsed());
            assertEquals(8, returned.get(), "each buffer that came back was announced");
            for (int round = 0; round < 100; round++) {
                List<ByteBuf> again = new ArrayList<>();
                Set<Long> now = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    ByteBuf buf = pool.allocate((1 << 20) - 512 * i);
                    long address = Buffers.address(buf, 0, 1);
                    assertTrue(out.contains(address), "fresh memory in round " + round);
                    assertTrue(now.add(address), "handed out twice in round " + round);
                    again.add(buf);
                }
                for (ByteBuf buf : again) {
                    buf.release();
                }
            }
            assertEquals(8, metrics.chunkSlabsAllocated(), "no fresh memory after the first burst");
            assertEquals(0, metrics.chunkSlabsFreed());
            assertEquals(8L << 20, metrics.chunkMemoryHeld());
            pool.close();
            assertEquals(8, metrics.chunkSlabsFreed());
            return null;
        });
    }

    @Test
    void theBudgetBoundsWhatIsOutAndWhatIsKept() throws Exception {
        ChunkPool pool = pool(4 << 20);
        onLoop(() -> {
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bufs.add(pool.allocate(1 << 20));
            }
            assertNull(pool.allocate(4096), "the budget is in use");
            assertTrue(!pool.fitsHalf(1));
            bufs.remove(0).release();
            // Idle 1 MiB slabs make room for another class rather than the pool growing past the budget.
            ByteBuf small = pool.allocate(256 << 10);
            assertNotNull(small);
            assertTrue(metrics.chunkMemoryHeld() <= 4 << 20, metrics.toString());
            small.release();
            for (ByteBuf buf : bufs) {
                buf.release();
            }
            // One buffer larger than the budget goes when nothing else is out.
            ByteBuf large = pool.allocate(8 << 20);
            assertNotNull(large);
            assertTrue(metrics.maxMemoryUsed() >= 8 << 20);
            large.release();
            pool.close();
            return null;
        });
        assertThrows(IllegalArgumentException.class, () -> onLoopUnwrapped(() -> pool.allocate(0)));
    }

    @Test
    void aBufferReleasedOnAnotherThreadComesBackThroughTheLoop() throws Exception {
        ChunkPool pool = pool(8 << 20);
        ByteBuf buf = onLoop(() -> pool.allocate(1 << 20));
        buf.release(); // this thread is not the loop's
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (returned.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1, returned.get());
        assertEquals(0, (long) onLoop(pool::used));
        assertEquals(1, (long) onLoop(() -> {
            ByteBuf again = pool.allocate(1 << 20);
            again.release();
            return metrics.chunkSlabsAllocated();
        }), "the slab was reused");
        onLoop(() -> {
            pool.close();
            return null;
        });
    }

    @Test
    void slabsUnusedForAWholeTrimIntervalAreFreed() throws Exception {
        ChunkPool pool = pool(16 << 20);
        onLoop(() -> {
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bufs.add(pool.allocate(1 << 20));
            }
            for (ByteBuf buf : bufs) {
                buf.release();
            }
            return null;
        });
        // One slab keeps being used; the three others stay idle through a whole interval.
        long deadline = System.nanoTime() + 20 * TRIM_NANOS;
        while (metrics.chunkSlabsFreed() < 3 && System.nanoTime() < deadline) {
            onLoop(() -> {
                pool.allocate(1 << 20).release();
                return null;
            });
            Thread.sleep(10);
        }
        assertEquals(3, metrics.chunkSlabsFreed(), metrics.toString());
        assertEquals(1L << 20, metrics.chunkMemoryHeld(), "the slab in use is kept");
        onLoop(() -> {
            pool.close();
            return null;
        });
    }

    private void onLoopUnwrapped(Callable<?> task) throws Throwable {
        try {
            onLoop(task);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }
}
