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

import io.netty.contrib.channel.aio.AioMetrics.Fallback;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event loop's AIO figures, where the transport records them; {@link AioMetrics} is the read-only view of one
 * or more of these. Every figure but the fallbacks is written by the loop's thread only (or, for a handler added with
 * an executor of its own, by that executor's thread): a plain add, stored with release access and read with acquire
 * access, so that a reader on any other thread sees a whole, recent value, and sees a figure recorded after another
 * only with that other one (bytes read with their completion), while the writer pays for no fence (on x86 both are
 * plain moves). Fallbacks may be counted by any thread (a chunked input read elsewhere) and are added atomically.
 *
 * <p>Adding a figure: a {@link Figure} constant (its label is what {@code AioMetrics.toString} prints, through
 * {@link RecorderGroup}), the method here that records it, and the getter of {@link AioMetrics} that reads it.
 */
final class LoopRecorder {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopRecorder.class);
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final Figure[] FIGURES = Figure.values();
    private static final Fallback[] REASONS = Fallback.values();
    /** Whether a fallback of each reason has been logged, in this JVM: once per reason. */
    private static final AtomicBoolean[] LOGGED = new AtomicBoolean[REASONS.length];

    static {
        for (int i = 0; i < LOGGED.length; i++) {
            LOGGED[i] = new AtomicBoolean();
        }
    }

    /** A figure kept per loop: how a group's view combines the loops' values, and its label in a summary. */
    enum Figure {
        REGIONS("regions"),
        READS_SUBMITTED("reads submitted"),
        READS_COMPLETED("reads completed"),
        BYTES_READ("bytes read"),
        WRITES_SUBMITTED("writes submitted"),
        WRITES_COMPLETED("writes completed"),
        BYTES_WRITTEN("bytes written"),
        IN_FLIGHT("in flight"),
        PAGE_CACHE_READS("page cache reads"),
        PAGE_CACHE_BYTES("page cache bytes"),
        ADMITTED("admitted"),
        PREFETCHED_BYTES("prefetched bytes"),
        PREFETCHES_LATE("prefetches late"),
        OPEN_FILE_HITS("open files kept"),
        OPEN_FILE_MISSES("files opened"),
        MEMORY_USED("memory used"),
        MEMORY_BUDGET("memory budget"),
        MAX_MEMORY_USED("max memory used", true),
        MEMORY_WAITS("memory waits"),
        ALLOCATION_FAILURES("allocation failures"),
        MEMORY_PARKS("reads parked"),
        MEMORY_DIVERSIONS("reads diverted"),
        CHUNK_MEMORY_IDLE("chunk memory idle"),
        CHUNK_SLABS_ALLOCATED("slabs allocated"),
        CHUNK_SLABS_FREED("slabs freed"),
        MAX_COMPLETIONS_PER_WAKE_UP("most completions per wake-up", true),
        ERRORS("errors"),
        SUBMITS_DEFERRED("deferred submits"),
        LOOP_IO_NANOS("loop I/O ns"),
        LOOP_TASK_NANOS("loop task ns");

        /** What {@code AioMetrics.toString} calls it. */
        final String label;
        /** A group's view takes the highest of the loops' values, not their sum. */
        final boolean max;

        Figure(String label) {
            this(label, false);
        }

        Figure(String label, boolean max) {
            this.label = label;
            this.max = max;
        }
    }

    /** By {@link Figure#ordinal()}, then the fallbacks by {@link Fallback#ordinal()}. */
    private final long[] values = new long[FIGURES.length + REASONS.length];
    private final DurationRecorder lag = new DurationRecorder();
    private final DurationRecorder iterations = new DurationRecorder();
    /** This loop's figures, read-only: what {@link AioMetrics#of(io.netty.util.concurrent.EventExecutor)} gives. */
    final AioMetrics view = new AioMetrics(this);

    long get(Figure figure) {
        return (long) VALUES.getAcquire(values, figure.ordinal());
    }

    long fallbacks(Fallback reason) {
        return (long) VALUES.getVolatile(values, FIGURES.length + reason.ordinal());
    }

    DurationHistogram lag() {
        return lag.snapshot();
    }

    DurationHistogram iterations() {
        return iterations.snapshot();
    }

    private void add(Figure figure, long n) {
        int i = figure.ordinal();
        VALUES.setRelease(values, i, values[i] + n);
    }

    private void set(Figure figure, long value) {
        VALUES.setRelease(values, figure.ordinal(), value);
    }

    private void raise(Figure figure, long value) {
        if (value > values[figure.ordinal()]) {
            set(figure, value);
        }
    }

    void regionStarted() {
        add(Figure.REGIONS, 1);
    }

    void readsSubmitted(int n) {
        add(Figure.READS_SUBMITTED, n);
        add(Figure.IN_FLIGHT, n);
    }

    void readCompleted(long bytes) {
        add(Figure.READS_COMPLETED, 1);
        add(Figure.IN_FLIGHT, -1);
        if (bytes > 0) {
            add(Figure.BYTES_READ, bytes);
        }
    }

    void writesSubmitted(int n) {
        add(Figure.WRITES_SUBMITTED, n);
        add(Figure.IN_FLIGHT, n);
    }

    void writeCompleted(long bytes) {
        add(Figure.WRITES_COMPLETED, 1);
        add(Figure.IN_FLIGHT, -1);
        if (bytes > 0) {
            add(Figure.BYTES_WRITTEN, bytes);
        }
    }

    /** A sink's blocking write (its fallback) of {@code bytes}: counted in the bytes written. */
    void blockingWrite(long bytes) {
        add(Figure.BYTES_WRITTEN, bytes);
    }

    void pageCacheRead(long bytes) {
        add(Figure.PAGE_CACHE_READS, 1);
        add(Figure.PAGE_CACHE_BYTES, bytes);
    }

    void regionAdmitted() {
        add(Figure.ADMITTED, 1);
    }

    void prefetched(long bytes) {
        add(Figure.PREFETCHED_BYTES, bytes);
    }

    void prefetchLate() {
        add(Figure.PREFETCHES_LATE, 1);
    }

    void openFileHit() {
        add(Figure.OPEN_FILE_HITS, 1);
    }

    void openFileMiss() {
        add(Figure.OPEN_FILE_MISSES, 1);
    }

    void memoryBudget(long bytes) {
        set(Figure.MEMORY_BUDGET, bytes);
    }

    void memoryUsed(long bytes) {
        set(Figure.MEMORY_USED, bytes);
        raise(Figure.MAX_MEMORY_USED, bytes);
    }

    void memoryWait() {
        add(Figure.MEMORY_WAITS, 1);
    }

    void allocationFailed() {
        add(Figure.ALLOCATION_FAILURES, 1);
    }

    void memoryParked() {
        add(Figure.MEMORY_PARKS, 1);
    }

    void memoryDiverted(int reads) {
        add(Figure.MEMORY_DIVERSIONS, reads);
    }

    void chunkMemoryIdle(long bytes) {
        set(Figure.CHUNK_MEMORY_IDLE, bytes);
    }

    void chunkSlabAllocated() {
        add(Figure.CHUNK_SLABS_ALLOCATED, 1);
    }

    void chunkSlabFreed() {
        add(Figure.CHUNK_SLABS_FREED, 1);
    }

    void wakeUp(int completions) {
        raise(Figure.MAX_COMPLETIONS_PER_WAKE_UP, completions);
    }

    void loopLag(long nanos) {
        lag.record(nanos);
    }

    /** One iteration of a measured loop: {@code ioNanos} handling events, then {@code taskNanos} running tasks. */
    void loopIteration(long ioNanos, long taskNanos) {
        iterations.record(ioNanos + taskNanos);
        add(Figure.LOOP_IO_NANOS, ioNanos);
        add(Figure.LOOP_TASK_NANOS, taskNanos);
    }

    void error() {
        add(Figure.ERRORS, 1);
    }

    void submitDeferred() {
        add(Figure.SUBMITS_DEFERRED, 1);
    }

    /** A fallback, from any thread; the first of each reason in the JVM is logged with {@code detail}. */
    void fallback(Fallback reason, Object detail) {
        VALUES.getAndAdd(values, FIGURES.length + reason.ordinal(), 1L);
        if (LOGGED[reason.ordinal()].compareAndSet(false, true)) {
            logger.info("AIO file delivery falls back ({}): {} (logged once per reason)", reason, detail);
        }
    }
}
