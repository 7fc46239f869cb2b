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
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.CleanableDirectBuffer;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The chunk memory of one event loop, and its budget. Buffers are page-aligned (so {@code O_DIRECT} can read into
 * them at index 0) and come from slabs the loop keeps: a slab freed by its buffer's last {@code release()} goes back
 * to the pool, untouched, for the next chunk. Fresh memory is made only when the pool has no slab of the size class
 * asked for; a fresh page costs a fault and zeroing (~15 µs on a cloud VM), so memory on the data path must be reused.
 * <p>
 * Sizes are rounded up to a class, four per power of two from 4 KiB (a class wastes at most a fifth). The budget
 * counts the classes of the buffers handed out; slabs kept idle count toward it too, and are freed to make room for
 * another class, or when they went unused for a whole trim interval ({@link #TRIM_INTERVAL_NANOS} by default).
 * <p>
 * Every method but a buffer's {@code release()} runs on the loop's thread. A buffer released on another thread is
 * given back through the loop; after the pool closed, or when the loop takes no more tasks, its slab is freed (the
 * pool's state is changed under its lock, which the loop's thread takes uncontended).
 */
final class ChunkPool {

    /** The smallest class, and the alignment of every buffer. */
    static final int PAGE = 4096;
    /** A slab that stayed idle this long (measured as the fewest idle slabs of its class over it) is freed. */
    static final long TRIM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MIN_SHIFT = 12;
    private static final int MAX_SHIFT = 30;
    private static final int CLASSES = 4 * (MAX_SHIFT - MIN_SHIFT) + 1;
    private static final ResourceLeakDetector<ByteBuf> LEAKS =
            ResourceLeakDetectorFactory.instance().newResourceLeakDetector(ByteBuf.class);

    private final EventExecutor loop;
    private final long budget;
    private final long trimIntervalNanos;
    private final LoopRecorder metrics;
    private final Runnable memoryReturned;
    private final Runnable trimTask = this::trim;
    /** Idle slabs per class, used last in, first out (the most recently touched memory first). */
    private final Slab[][] idle = new Slab[CLASSES][];
    private final int[] idleCount = new int[CLASSES];
    /** The fewest idle slabs each class had since the last trim: that many went unused the whole time. */
    private final int[] idleLow = new int[CLASSES];
    private long used;
    private long idleBytes;
    private boolean trimScheduled;
    private boolean closed;
    /** The last slab could not be allocated: the JVM's direct memory is used up (see {@link #isOutOfMemory()}). */
    private boolean slabRefused;

    /**
     * @param budget bytes of buffers handed out at most (one buffer larger than the budget goes when nothing else is
     *               out)
     * @param memoryReturned runs on the loop whenever a buffer came back, so that what waits for memory may go on
     */
    ChunkPool(EventExecutor loop, long budget, LoopRecorder metrics, Runnable memoryReturned) {
        this(loop, budget, TRIM_INTERVAL_NANOS, metrics, memoryReturned);
    }

    /** As {@link #ChunkPool(EventExecutor, long, AioMetrics, Runnable)}, with another trim interval (for tests). */
    ChunkPool(EventExecutor loop, long budget, long trimIntervalNanos, LoopRecorder metrics, Runnable memoryReturned) {
        this.loop = loop;
        this.budget = budget;
        this.trimIntervalNanos = trimIntervalNanos;
        this.metrics = metrics;
        this.memoryReturned = memoryReturned;
        metrics.memoryBudget(budget);
    }

    /** The size class of a buffer of {@code size} bytes. */
    static int classOf(int size) {
        if (size <= PAGE) {
            return 0;
        }
        int k = 31 - Integer.numberOfLeadingZeros(size - 1); // 2^k < size <= 2^(k+1)
        int quarter = k - 2;
        int q = (size - (1 << k) + (1 << quarter) - 1) >>> quarter; // 1..4 quarters above 2^k
        return 4 * (k - MIN_SHIFT) + q;
    }

    /** The bytes of class {@code c}. */
    static int classSize(int c) {
        int k = MIN_SHIFT + c / 4;
        return (1 << k) + ((c % 4) << (k - 2));
    }

    /**
     * {@code true} when the last slab asked for was refused by the JVM (its direct memory is used up) while the pool
     * hands out nothing: no buffer of this pool can come back to make room, so waiting for one would wait forever.
     */
    synchronized boolean isOutOfMemory() {
        return slabRefused && used == 0;
    }

    /** Bytes of buffers handed out now. */
    long used() {
        return used;
    }

    /** {@code true} if a buffer of {@code size} bytes would fit in half of the budget now. */
    boolean fitsHalf(int size) {
        return used + classSize(classOf(size)) <= budget / 2;
    }

    /** {@code true} while more than half of the budget is handed out. */
    boolean isMoreThanHalfUsed() {
        return used > budget / 2;
    }

    /**
     * A page-aligned buffer of capacity {@code size} (indexes 0, 0), from an idle slab when there is one; {@code null}
     * if it does not fit in the budget or direct memory ran out (counted). Its last {@code release()} gives it back.
     *
     * @throws IllegalArgumentException if {@code size} is not positive or above 1 GiB
     */
    synchronized ByteBuf allocate(int size) {
        if (size <= 0 || size > 1 << MAX_SHIFT) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1 to " + (1 << MAX_SHIFT) + ')');
        }
        if (closed) {
            throw new IllegalStateException("the chunk pool is closed");
        }
        int c = classOf(size);
        int bytes = classSize(c);
        if (used > 0 && used + bytes > budget) {
            return null;
        }
        Slab slab = takeIdle(c);
        if (slab == null) {
            // Room first: idle slabs of other classes are freed so that what the pool holds stays within the budget.
            freeIdleDownTo(budget - used - bytes);
            try {
                // alignedSlice rounds the start up and the end down to pages: a page more than the class, rounded up.
                slab = new Slab(c, PlatformDependent.allocateDirect((bytes + 2 * PAGE - 1) & -PAGE, true));
            } catch (OutOfMemoryError e) {
                metrics.allocationFailed();
                slabRefused = true;
                return null;
            }
            slabRefused = false;
            metrics.chunkSlabAllocated();
        }
        used += bytes;
        metrics.memoryUsed(used);
        return slab.handOut(size);
    }

    private Slab takeIdle(int c) {
        int n = idleCount[c];
        if (n == 0) {
            return null;
        }
        Slab slab = idle[c][--n];
        idle[c][n] = null;
        idleCount[c] = n;
        if (n < idleLow[c]) {
            idleLow[c] = n;
        }
        idleBytes -= slab.bytes();
        metrics.chunkMemoryIdle(idleBytes);
        return slab;
    }

    /** Frees idle slabs, largest class first, until at most {@code bytes} of them are left. */
    private void freeIdleDownTo(long bytes) {
        for (int c = CLASSES - 1; c >= 0 && idleBytes > Math.max(0, bytes); c--) {
            while (idleCount[c] > 0 && idleBytes > Math.max(0, bytes)) {
                free(takeIdle(c));
            }
        }
    }

    /** A slab's buffer was released: on the loop, it goes back to the pool. */
    private void giveBack(Slab slab) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> giveBack(slab));
            } catch (RejectedExecutionException e) {
                freeAfterLoop(slab);
            }
            return;
        }
        if (keep(slab)) {
            memoryReturned.run();
        }
    }

    /**
     * The loop runs no more tasks (it terminated, or is about to): the slab is freed here,
     * under the pool's lock, as other threads may release buffers at the same time and the loop may still be closing.
     */
    private synchronized void freeAfterLoop(Slab slab) {
        closed = true;
        used -= slab.bytes();
        metrics.memoryUsed(used);
        free(slab);
    }

    /** Puts a slab back among the idle ones; {@code false} if the pool is closed and the slab was freed instead. */
    private synchronized boolean keep(Slab slab) {
        used -= slab.bytes();
        metrics.memoryUsed(used);
        if (closed) {
            free(slab);
            return false;
        }
        int c = slab.sizeClass;
        Slab[] stack = idle[c];
        if (stack == null || stack.length == idleCount[c]) {
            Slab[] grown = new Slab[Math.max(4, idleCount[c] * 2)];
            if (stack != null) {
                System.arraycopy(stack, 0, grown, 0, idleCount[c]);
            }
            idle[c] = stack = grown;
        }
        stack[idleCount[c]++] = slab;
        idleBytes += slab.bytes();
        metrics.chunkMemoryIdle(idleBytes);
        if (!trimScheduled) {
            trimScheduled = true;
            System.arraycopy(idleCount, 0, idleLow, 0, CLASSES);
            loop.schedule(trimTask, trimIntervalNanos, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    /** Frees the slabs that no allocation needed since the last trim; runs again while any slab is idle. */
    private synchronized void trim() {
        trimScheduled = false;
        if (closed) {
            return;
        }
        for (int c = 0; c < CLASSES; c++) {
            for (int n = idleLow[c]; n > 0 && idleCount[c] > 0; n--) {
                // The bottom of the stack: the slab used longest ago.
                Slab oldest = idle[c][0];
                System.arraycopy(idle[c], 1, idle[c], 0, --idleCount[c]);
                idle[c][idleCount[c]] = null;
                idleBytes -= oldest.bytes();
                free(oldest);
            }
        }
        metrics.chunkMemoryIdle(idleBytes);
        if (idleBytes > 0) {
            trimScheduled = true;
            System.arraycopy(idleCount, 0, idleLow, 0, CLASSES);
            loop.schedule(trimTask, trimIntervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void free(Slab slab) {
        metrics.chunkSlabFreed();
        slab.cleanable.clean();
    }

    /**
     * Frees every idle slab; buffers still out free their slabs when released. Called when the loop's AIO state
     * closes.
     */
    synchronized void close() {
        if (!closed) {
            closed = true;
            freeIdleDownTo(0);
            metrics.chunkMemoryIdle(0);
        }
    }

    @Override
    public String toString() {
        return "ChunkPool(used: " + used + ", idle: " + idleBytes + ", budget: " + budget + ')';
    }

    /** One page-aligned block of memory of a size class, with the allocation it lies in. */
    private final class Slab {
        final int sizeClass;
        final CleanableDirectBuffer cleanable;
        final ByteBuffer memory;

        Slab(int sizeClass, CleanableDirectBuffer cleanable) {
            this.sizeClass = sizeClass;
            this.cleanable = cleanable;
            ByteBuffer aligned = cleanable.buffer().alignedSlice(PAGE);
            this.memory = aligned.limit(classSize(sizeClass)).slice();
        }

        int bytes() {
            return classSize(sizeClass);
        }

        ByteBuf handOut(int size) {
            ByteBuffer view = memory.duplicate().limit(size);
            Chunk buf = new Chunk(this, view);
            buf.clear();
            buf.leak = LEAKS.track(buf);
            return buf;
        }

        void released(ByteBuf buf, ResourceLeakTracker<ByteBuf> leak) {
            if (leak != null) {
                leak.close(buf);
            }
            giveBack(this);
        }
    }

    /**
     * A chunk buffer over a slab. Its bytes are reached through its {@code ByteBuffer} (the kernel, the socket and an
     * {@code SslHandler} take them by address or in bulk), so it needs no {@code Unsafe}.
     */
    private static final class Chunk extends UnpooledDirectByteBuf {
        private final Slab slab;
        ResourceLeakTracker<ByteBuf> leak;

        Chunk(Slab slab, ByteBuffer memory) {
            super(ByteBufAllocator.DEFAULT, memory, memory.remaining());
            this.slab = slab;
        }

        @Override
        protected void deallocate() {
            // The slab is not freed (the constructor wrapped it without taking ownership): it goes back to the pool.
            super.deallocate();
            slab.released(this, leak);
        }
    }
}
