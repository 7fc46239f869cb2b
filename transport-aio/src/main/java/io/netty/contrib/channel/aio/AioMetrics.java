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

import io.netty.channel.IoHandlerFactory;
import io.netty.contrib.channel.aio.LoopRecorder.Figure;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.internal.ObjectUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of file delivery through {@link AioFileRegionHandler}: AIO reads, bytes, what came from the page cache
 * instead of the disk, every fallback by reason,
 * and the writes of {@link AioFileSink}s; and how the loop itself fares: its lag, and, for loops made with
 * {@link #measured(IoHandlerFactory)}, the time of each of its iterations.
 *
 * <p>{@link #of(EventExecutor)} gives one event loop's counters; {@link #of(EventExecutorGroup)} gives a whole
 * group's. Both are live views: counters count from the loop's start, and a view taken once keeps counting. A
 * group's counters and gauges are the sums over its loops; its maxima and quantiles the highest of the loops' (the
 * methods that differ say so).
 *
 * <p>This is a read-only view: the transport records each loop's figures where the loop's thread writes them, and
 * stores each so that a read from any other thread (a metrics scraper, say) sees a whole, recent value (the
 * histograms bucket by bucket). Each figure is read on its own, so two figures read one after the other are not one
 * snapshot: {@link #readsCompleted()} may already count a read whose bytes {@link #bytesRead()}, read a moment
 * before, did not include. A group's figures are read loop by loop in the same way.
 */
public final class AioMetrics {

    /**
     * Why a region was not (or not entirely) read through AIO, or an {@link AioFileSink} did not write with
     * {@code O_DIRECT} AIO ({@link #UNSUPPORTED_LOOP}, {@link #AIO_UNAVAILABLE}, {@link #SETUP_FAILED},
     * {@link #DIRECT_IO_REFUSED}, {@link #SUBMIT_EAGAIN}).
     */
    public enum Fallback {
        /**
         * The channel's event loop is neither an epoll nor an io_uring loop (NIO, for example), or the handler runs
         * on an executor other than the channel's loop: the region's own path was used.
         */
        UNSUPPORTED_LOOP,
        /** The native library or the kernel's AIO is not available ({@link Aio#unavailabilityCause()}). */
        AIO_UNAVAILABLE,
        /** {@code io_setup} failed (for example {@code fs.aio-max-nr} used up). */
        SETUP_FAILED,
        /** The file system refused {@code O_DIRECT}. */
        DIRECT_IO_REFUSED,
        /** The descriptor behind the region's {@code FileChannel} could not be read on this JDK. */
        FILE_DESCRIPTOR_UNAVAILABLE,
        /** {@code io_submit} kept failing with {@code EAGAIN}: the chunk was read synchronously. */
        SUBMIT_EAGAIN,
        /** Direct I/O is switched off in the {@link AioFileRegionConfig}. */
        DISABLED
    }

    /** The loops this view reads: one, or a group's. */
    private final RecorderGroup loops;
    /** A group's view (it says how many loops it sums), not one loop's. */
    private final boolean group;

    /** One loop's view, made by its recorder. */
    AioMetrics(LoopRecorder loop) {
        loops = new RecorderGroup(loop);
        group = false;
    }

    private AioMetrics(LoopRecorder[] loops) {
        this.loops = new RecorderGroup(loops);
        group = true;
    }

    /**
     * The metrics of one event loop, live: all zero until something is delivered on it, then counting.
     *
     * @param loop the event loop (or the executor the handler was added with)
     * @return the loop's counters; the same object on every call while the loop runs
     */
    public static AioMetrics of(EventExecutor loop) {
        ObjectUtil.checkNotNull(loop, "loop");
        return LoopRecorders.of(loop).view;
    }

    /**
     * The metrics of every loop of a group, summed, live: counters and gauges are the sums over the loops, maxima
     * and quantiles the highest of the loops' (see each method). Loops that have delivered nothing yet count as
     * zeros and are counted as soon as they deliver; a loop that terminates keeps its last counts in this view
     * (its gauges have returned to zero by then), so counters never go down. A loop that had already terminated
     * when this view was made counts as zeros.
     *
     * <p>A view holds the loops' counters only, not the group or its loops: it does not keep them from being
     * garbage collected. Make one view and keep it (it is cheap to read); each call makes a new one. Given a single
     * {@link EventExecutor}, this is {@link #of(EventExecutor)}.
     *
     * @param group the event loop group (or executor group) whose loops to sum
     * @return a live view of the group's counters
     */
    public static AioMetrics of(EventExecutorGroup group) {
        ObjectUtil.checkNotNull(group, "group");
        if (group instanceof EventExecutor) {
            return of((EventExecutor) group);
        }
        List<LoopRecorder> members = new ArrayList<>();
        for (EventExecutor loop : group) {
            members.add(LoopRecorders.of(loop));
        }
        return new AioMetrics(members.toArray(new LoopRecorder[0]));
    }

    /**
     * Wraps an {@link IoHandlerFactory} so that every event loop made with it measures its iterations into its
     * metrics ({@link #loopIterations()}, {@link #loopIoNanos()}, {@link #loopTaskNanos()}), whether or not it
     * delivers files through AIO. For example:
     * <pre>{@code
     * EventLoopGroup group = new MultiThreadIoEventLoopGroup(AioMetrics.measured(EpollIoHandler.newFactory()));
     * }</pre>
     * An iteration is the time the loop spent handling I/O events plus running its tasks until it next asked for
     * events: while it lasts, no other channel of the loop is served. Waiting for events is not part of it. The
     * cost is two clock reads per iteration (and two more in the transport's handler, which reports how long it
     * handled events). Works with Netty's epoll, io_uring and NIO handlers; a handler that does not report its event
     * handling time has its iterations counted as tasks only. On io_uring the handler reports the completions it
     * handled, not its submissions: the socket writes the kernel performs inline in {@code io_uring_enter} are in
     * neither figure, so an io_uring loop's busy time reads lower than an epoll loop's for the same work. Iterations
     * of a loop shutting down (it sleeps in its quiet period between them) are not counted. Loops other than a
     * {@code SingleThreadIoEventLoop} (a {@code ManualIoEventLoop}) are not measured.
     *
     * <p>The loops' {@code isIoType(EpollIoHandler.class)} (and so on) answers {@code false}: the loop's handler is
     * the wrapper. Netty's channels ask {@code isCompatible}, which is passed through.
     *
     * @param factory the transport's factory, for example {@code EpollIoHandler.newFactory()}
     * @return a factory of handlers that measure their loops
     */
    public static IoHandlerFactory measured(IoHandlerFactory factory) {
        return new LoopMeter(ObjectUtil.checkNotNull(factory, "factory"));
    }

    /** {@return how many event loops these metrics cover: 1 for one loop's metrics, the group's size for a group's} */
    public int loopCount() {
        return loops.size();
    }

    /** {@return regions handled (streamed through AIO, served from the page cache or passed on as a fallback)} */
    public long regions() {
        return figure(Figure.REGIONS);
    }

    /** {@return AIO reads submitted with {@code io_submit}} */
    public long readsSubmitted() {
        return figure(Figure.READS_SUBMITTED);
    }

    /** {@return AIO reads whose completion was reaped} */
    public long readsCompleted() {
        return figure(Figure.READS_COMPLETED);
    }

    /** {@return bytes read by AIO (whole aligned reads, which may be a little more than the regions asked for)} */
    public long bytesRead() {
        return figure(Figure.BYTES_READ);
    }

    /** {@return AIO writes and syncs submitted with {@code io_submit} (by {@link AioFileSink})} */
    public long writesSubmitted() {
        return figure(Figure.WRITES_SUBMITTED);
    }

    /** {@return AIO writes and syncs whose completion was reaped} */
    public long writesCompleted() {
        return figure(Figure.WRITES_COMPLETED);
    }

    /**
     * {@return bytes the sinks wrote: by AIO (whole aligned blocks, so a little more than the sinks were given at their
     * ends), and by the blocking writes of a sink that fell back}
     */
    public long bytesWritten() {
        return figure(Figure.BYTES_WRITTEN);
    }

    /** {@return AIO operations (reads, writes, syncs) submitted and not reaped yet, now} */
    public int inFlight() {
        return (int) figure(Figure.IN_FLIGHT);
    }

    /** {@return chunks (or whole regions) served from the page cache without touching the disk} */
    public long pageCacheReads() {
        return figure(Figure.PAGE_CACHE_READS);
    }

    /** {@return bytes served from the page cache} */
    public long pageCacheBytes() {
        return figure(Figure.PAGE_CACHE_BYTES);
    }

    /** {@return reads that failed ({@code res < 0}, or a file that shrank)} */
    public long errors() {
        return figure(Figure.ERRORS);
    }

    /**
     * {@return how many times {@code io_submit} took none of the reads offered ({@code EAGAIN}): they waited for a
     * completion and were offered again}
     */
    public long submitsDeferred() {
        return figure(Figure.SUBMITS_DEFERRED);
    }

    /**
     * {@return regions read through the page cache under the {@code ADMIT_REPEATED} policy: their file was asked for
     * again, or most of the range was cached already (its missing pages are read ahead into the cache). A range wholly
     * cached is not counted here but in {@link #pageCacheReads()}}
     */
    public long admitted() {
        return figure(Figure.ADMITTED);
    }

    /** {@return bytes handed to the kernel's read-ahead to bring admitted files into the page cache} */
    public long prefetchedBytes() {
        return figure(Figure.PREFETCHED_BYTES);
    }

    /** {@return prefetched chunks that had not arrived in the page cache by their deadline and were read with AIO} */
    public long prefetchesLate() {
        return figure(Figure.PREFETCHES_LATE);
    }

    /** {@return regions whose {@code O_DIRECT} descriptor came from the loop's open-file cache} */
    public long openFileHits() {
        return figure(Figure.OPEN_FILE_HITS);
    }

    /** {@return regions whose file had to be opened with {@code O_DIRECT}} */
    public long openFileMisses() {
        return figure(Figure.OPEN_FILE_MISSES);
    }

    /**
     * {@return the loop's memory budget for chunk buffers, in bytes: 0 before the loop's AIO state exists; for a
     * group, the sum over the loops whose AIO state exists}
     */
    public long memoryBudget() {
        return figure(Figure.MEMORY_BUDGET);
    }

    /** {@return bytes of the memory budget in use now: chunk buffers read or being read and not yet written} */
    public long memoryUsed() {
        return figure(Figure.MEMORY_USED);
    }

    /**
     * {@return the most bytes of the memory budget ever in use at once. For a group, the highest of the loops' (each
     * loop has a budget of its own, and their peaks need not have been at the same time)}
     */
    public long maxMemoryUsed() {
        return figure(Figure.MAX_MEMORY_USED);
    }

    /** {@return how many times reads waited for memory (the budget was in use, or the allocator had none)} */
    public long memoryWaits() {
        return figure(Figure.MEMORY_WAITS);
    }

    /**
     * {@return allocations of chunk buffers that failed for want of direct memory; the reads waited and went on later}
     */
    public long allocationFailures() {
        return figure(Figure.ALLOCATION_FAILURES);
    }

    /**
     * {@return reads that did not wait for memory when the budget had no room: chunks of regions sent with
     * {@code sendfile} (no handler below needs their bytes) that were read ahead into the page cache and sent from
     * there instead}
     */
    public long memoryDiversions() {
        return figure(Figure.MEMORY_DIVERSIONS);
    }

    /**
     * {@return reads set aside because their channel was not writable while more than half of the memory budget was in
     * use: they wait for less to be used, so that clients that stopped reading (or HTTP/2 streams at a zero window)
     * leave the other half to the channels that make progress}
     */
    public long memoryParks() {
        return figure(Figure.MEMORY_PARKS);
    }

    /**
     * {@return bytes of chunk memory the loop holds now: buffers in use ({@link #memoryUsed()}) and slabs kept idle for
     * reuse (freed after an idle period, or to make room for another size)}
     */
    public long chunkMemoryHeld() {
        return figure(Figure.MEMORY_USED) + figure(Figure.CHUNK_MEMORY_IDLE);
    }

    /**
     * {@return fresh chunk memory: slabs allocated because no idle one of the size asked for was kept. In a steady
     * state it stops growing; every one costs page faults and zeroing}
     */
    public long chunkSlabsAllocated() {
        return figure(Figure.CHUNK_SLABS_ALLOCATED);
    }

    /**
     * {@return slabs of chunk memory freed: idle for a whole trim interval, freed to make room for a slab of another
     * size, or when the loop's AIO state closed}
     */
    public long chunkSlabsFreed() {
        return figure(Figure.CHUNK_SLABS_FREED);
    }

    /**
     * {@return the most completions handled in one eventfd wake-up (bounded by the loop's completion budget); for a
     * group, the highest of the loops'}
     */
    public int maxCompletionsPerWakeUp() {
        return (int) figure(Figure.MAX_COMPLETIONS_PER_WAKE_UP);
    }

    /**
     * {@return the loop's lag in nanoseconds, 0 before the first sample: every 10 ms a task is scheduled on the loop,
     * and this is the longest it ran late} A request of another channel of the loop waits about as long. Sampled once
     * the loop has delivered a file through AIO.
     */
    public long maxLoopLagNanos() {
        return loops.maxLagNanos();
    }

    /**
     * The lag below which a fraction {@code quantile} of the loop's samples fell since it started, as an upper bound
     * (see {@link DurationHistogram#nanosAt(double)}). For a group, the worst loop's: the highest of the loops'
     * quantiles, so that one lagging loop shows instead of being averaged away by idle ones.
     *
     * @param quantile from 0 to 1, for example 0.99
     * @return nanoseconds; 0 before the first sample
     * @throws IllegalArgumentException if {@code quantile} is not within 0..1
     */
    public long loopLagNanos(double quantile) {
        DurationHistogram.checkQuantile(quantile);
        return loops.lagNanosAt(quantile);
    }

    /**
     * {@return a snapshot of the loop's lag samples (see {@link #maxLoopLagNanos()}); for a group, the loops'
     * samples together} For a window, subtract an earlier snapshot with {@link DurationHistogram#since}.
     */
    public DurationHistogram loopLag() {
        return loops.histogram(LoopRecorder::lag);
    }

    /**
     * {@return a snapshot of the busy time of each iteration of the loop: handling I/O events plus running tasks (see
     * {@link #measured(IoHandlerFactory)}), empty for a loop not made with it; for a group, the loops' iterations
     * together} For a window, subtract an earlier snapshot with {@link DurationHistogram#since}.
     */
    public DurationHistogram loopIterations() {
        return loops.histogram(LoopRecorder::iterations);
    }

    /**
     * {@return the nanoseconds the loop spent handling I/O events in all its measured iterations (0 for a loop not made
     * with {@link #measured(IoHandlerFactory)}). Together with {@link #loopTaskNanos()} over the time elapsed, how busy
     * the loop was}
     */
    public long loopIoNanos() {
        return figure(Figure.LOOP_IO_NANOS);
    }

    /**
     * {@return the nanoseconds the loop spent running tasks in all its measured iterations (0 for a loop not made with
     * {@link #measured(IoHandlerFactory)})}
     */
    public long loopTaskNanos() {
        return figure(Figure.LOOP_TASK_NANOS);
    }

    /**
     * {@return how many times the given fallback was taken}
     *
     * @param reason the reason
     */
    public long fallbacks(Fallback reason) {
        return loops.fallbacks(ObjectUtil.checkNotNull(reason, "reason"));
    }

    /** {@return how many fallbacks were taken, all reasons together} */
    public long fallbacks() {
        long total = 0;
        for (long n : loops.fallbacksByReason()) {
            total += n;
        }
        return total;
    }

    private long figure(Figure figure) {
        return loops.figure(figure);
    }

    /**
     * A one-line summary: every figure, and the fallbacks with their reasons, for example
     * {@code fallbacks: 5 {UNSUPPORTED_LOOP=3, DISABLED=2}} (only the reasons taken).
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return loops.summary(group);
    }
}
