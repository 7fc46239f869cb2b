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
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The chunk memory of one loop's AIO: its {@link ChunkPool}, within the loop's memory budget, and who waits for it.
 * Reads that find no room wait at the head of the submission queue ({@link #readsWait()}), and the loop's
 * {@link AioLoop} is told when memory comes back; others (file sinks) wait through {@link #whenMemoryReturns} and are
 * run once each. Every method runs on the loop's thread.
 */
final class LoopMemory {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopMemory.class);
    /** When nothing of the budget is in use to come back, an allocation that failed is tried again after this. */
    private static final long ALLOCATION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final EventExecutor loop;
    private final LoopRecorder metrics;
    private final ChunkPool pool;
    /** Told when a buffer came back (or the retry timer ran): reads that wait or were set aside may go. */
    private final Runnable returned;
    /** Reads wait at the head of the queue for memory: a buffer given back, or a timer when none can come, resumes them. */
    private boolean readsWaiting;
    /** Others that wait for memory (file sinks), resumed once each when a buffer comes back. */
    private final ArrayDeque<Runnable> waiters = new ArrayDeque<>();
    private final Runnable runWaitersTask = this::runWaiters;
    private boolean waitersScheduled;
    private boolean closed;

    LoopMemory(EventExecutor loop, long budget, LoopRecorder metrics, Runnable returned) {
        this.loop = loop;
        this.metrics = metrics;
        this.returned = returned;
        pool = new ChunkPool(loop, budget, metrics, this::memoryReturned);
    }

    /** Pool buffers are page-aligned: only a larger memory alignment needs spare bytes to start at. */
    static int capacityFor(int length, int memoryAlignment) {
        return memoryAlignment <= ChunkPool.PAGE ? length : length + memoryAlignment;
    }

    /** Where the bytes of {@code buf} start so that their address is a multiple of {@code alignment}. */
    static int alignedIndex(ByteBuf buf, int alignment) {
        if (alignment <= 1) {
            return 0;
        }
        long address = Buffers.address(buf, 0, buf.capacity());
        return (int) ((alignment - (address & (alignment - 1))) & (alignment - 1));
    }

    /**
     * Gives {@code op} a buffer from the pool if the memory budget has room (or nothing of it is in use, so that a
     * chunk larger than the budget still goes) and direct memory is not short.
     */
    boolean allocate(AioOperation op) {
        ByteBuf buf = pool.allocate(capacityFor(op.length, op.memoryAlignment));
        if (buf == null) {
            return false;
        }
        op.buffer = buf;
        op.index = alignedIndex(buf, op.memoryAlignment);
        return true;
    }

    /** {@code true} if a read of {@code length} bytes fits in the half of the budget kept for channels that move. */
    boolean fitsHalf(int length, int memoryAlignment) {
        return pool.fitsHalf(capacityFor(length, memoryAlignment));
    }

    boolean isMoreThanHalfUsed() {
        return pool.isMoreThanHalfUsed();
    }

    /** The reads at the head of the queue found no room: they wait until memory comes back. */
    void readsWait() {
        readsWaiting = true;
        metrics.memoryWait();
        scheduleRetryIfNothingOut();
    }

    /** The queue is offered to the kernel again: its reads try for memory afresh. */
    void readsGo() {
        readsWaiting = false;
    }

    boolean areReadsWaiting() {
        return readsWaiting;
    }

    /** {@code true} while more than half of the memory budget is in use, or reads wait for it. */
    boolean isShortOfMemory() {
        return readsWaiting || pool.isMoreThanHalfUsed();
    }

    /**
     * A buffer of {@code length} bytes from the loop's pool for a copy out of the page cache or a file sink's block,
     * aligned to {@code memoryAlignment} at {@link #alignedIndex}; {@code null} if reads wait for memory (a buffer
     * taken now would jump the queue) or the budget has no room.
     */
    ByteBuf tryAllocate(int length, int memoryAlignment) {
        return readsWaiting || closed ? null : pool.allocate(capacityFor(length, memoryAlignment));
    }

    /**
     * {@code true} when {@link #tryAllocate} refuses because the JVM's direct memory is used up and this loop holds
     * none that could come back: a writer that needs a block fails rather than wait.
     */
    boolean isOutOfDirectMemory() {
        return pool.isOutOfMemory();
    }

    /**
     * Runs {@code waiter} once on the loop after a chunk buffer came back (or, when none is out, shortly): for what
     * {@link #tryAllocate} refused.
     */
    void whenMemoryReturns(Runnable waiter) {
        waiters.add(waiter);
        metrics.memoryWait();
        scheduleRetryIfNothingOut();
    }

    /** When no buffer is out, none will come back to resume what waits for memory: try again shortly. */
    private void scheduleRetryIfNothingOut() {
        if (pool.used() == 0) {
            loop.schedule(this::memoryReturned, ALLOCATION_RETRY_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** A chunk buffer came back to the pool: whatever waited for memory tries again. */
    private void memoryReturned() {
        if (closed) {
            return;
        }
        returned.run();
        if (!waiters.isEmpty() && !waitersScheduled) {
            // From a task of their own: a buffer comes back inside somebody's release(), in the middle of their work.
            waitersScheduled = true;
            loop.execute(runWaitersTask);
        }
    }

    /** Runs the waiters of the moment, each once (those they add wait for the next buffer). */
    private void runWaiters() {
        waitersScheduled = false;
        for (int n = waiters.size(); n > 0 && !waiters.isEmpty(); n--) {
            Runnable waiter = waiters.poll();
            try {
                waiter.run();
            } catch (Throwable t) {
                logger.warn("A task waiting for chunk memory threw", t);
            }
        }
    }

    /** The loop's AIO is closing: nothing is allocated any more, and memory that comes back resumes nothing. */
    void close() {
        closed = true;
    }

    /**
     * The loop's AIO has closed: buffers still out (in channels) free their memory when they are released, and what
     * waits for memory hears that none will come (a file sink fails).
     */
    void free() {
        pool.close();
        runWaiters();
    }
}
