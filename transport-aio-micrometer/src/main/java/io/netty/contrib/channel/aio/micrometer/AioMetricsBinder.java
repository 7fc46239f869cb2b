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
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.internal.ObjectUtil;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Binds the {@link AioMetrics} of an event loop group (summed over its loops, see
 * {@link AioMetrics#of(io.netty.util.concurrent.EventExecutorGroup)}) to a Micrometer {@link MeterRegistry}:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
 * new AioMetricsBinder(group, Tags.of("server", "files")).bindTo(registry);
 * }</pre>
 *
 * <p>Counters ({@link FunctionCounter}s, counting since each loop started):
 * <table>
 *   <caption>counters</caption>
 *   <tr><th>name</th><th>base unit</th><th>what</th></tr>
 *   <tr><td>{@code netty.aio.regions}</td><td>regions</td><td>file regions the handler took: through AIO, from the
 *       page cache, or by a fallback</td></tr>
 *   <tr><td>{@code netty.aio.reads.submitted}</td><td>reads</td><td>AIO reads given to {@code io_submit}</td></tr>
 *   <tr><td>{@code netty.aio.reads.completed}</td><td>reads</td><td>AIO reads whose completion was reaped</td></tr>
 *   <tr><td>{@code netty.aio.bytes.read}</td><td>bytes</td><td>bytes read from the disk by AIO (whole aligned
 *       reads)</td></tr>
 *   <tr><td>{@code netty.aio.writes.submitted}</td><td>writes</td><td>AIO writes and syncs of
 *       {@code AioFileSink}s given to {@code io_submit}</td></tr>
 *   <tr><td>{@code netty.aio.writes.completed}</td><td>writes</td><td>those whose completion was reaped</td></tr>
 *   <tr><td>{@code netty.aio.bytes.written}</td><td>bytes</td><td>bytes the sinks wrote, by AIO and by the blocking
 *       writes of a sink that fell back</td></tr>
 *   <tr><td>{@code netty.aio.page.cache.reads}</td><td>reads</td><td>chunks and whole regions served from the page
 *       cache instead of the disk</td></tr>
 *   <tr><td>{@code netty.aio.page.cache.bytes}</td><td>bytes</td><td>bytes served from the page cache</td></tr>
 *   <tr><td>{@code netty.aio.errors}</td><td>errors</td><td>reads that failed, or found their file shrunk</td></tr>
 *   <tr><td>{@code netty.aio.fallbacks}, tag {@code reason}</td><td>regions</td><td>regions (or chunks) not read
 *       through AIO, one counter per {@link AioMetrics.Fallback} ({@code reason} is its name, for example
 *       {@code UNSUPPORTED_LOOP}), zeros included so that a rate can be graphed from the start</td></tr>
 *   <tr><td>{@code netty.aio.submits.deferred}</td><td>operations</td><td>{@code io_submit} calls refused with
 *       {@code EAGAIN} (the reads waited)</td></tr>
 *   <tr><td>{@code netty.aio.page.cache.admissions}</td><td>regions</td><td>regions of files admitted to the page
 *       cache because they were asked for again</td></tr>
 *   <tr><td>{@code netty.aio.prefetched.bytes}</td><td>bytes</td><td>bytes handed to the kernel's read-ahead for
 *       admitted files</td></tr>
 *   <tr><td>{@code netty.aio.prefetches.late}</td><td>reads</td><td>prefetched chunks not in the page cache by
 *       their deadline, read with AIO instead</td></tr>
 *   <tr><td>{@code netty.aio.open.files}, tag {@code result} = {@code hit} | {@code miss}</td><td>regions</td>
 *       <td>regions whose {@code O_DIRECT} descriptor was kept open by the loop, or had to be opened</td></tr>
 *   <tr><td>{@code netty.aio.memory.waits}</td><td>events</td><td>times reads waited for the loop's memory
 *       budget</td></tr>
 *   <tr><td>{@code netty.aio.allocation.failures}</td><td>events</td><td>chunk buffers refused for want of direct
 *       memory (the reads waited)</td></tr>
 *   <tr><td>{@code netty.aio.memory.diversions}</td><td>reads</td><td>reads of regions sent through the page cache
 *       ({@code sendfile}) because the memory budget had no room</td></tr>
 *   <tr><td>{@code netty.aio.memory.parks}</td><td>reads</td><td>reads of channels that were not writable, set
 *       aside while more than half of the budget was in use</td></tr>
 *   <tr><td>{@code netty.aio.chunk.slabs}, tag {@code event} = {@code allocated} | {@code freed}</td>
 *       <td>slabs</td><td>chunk memory made fresh, and given back after an idle period</td></tr>
 *   <tr><td>{@code netty.aio.loop.io.time}</td><td>seconds</td><td>time the loops spent handling I/O events (loops
 *       made with {@link AioMetrics#measured}; 0 for others)</td></tr>
 *   <tr><td>{@code netty.aio.loop.task.time}</td><td>seconds</td><td>time the loops spent running tasks (the
 *       same loops)</td></tr>
 * </table>
 *
 * <p>A function timer, {@code netty.aio.loop.iterations}: the measured loops' iterations (count) and their busy
 * time (total: I/O events plus tasks; see {@link AioMetrics#loopIterations()}).
 *
 *
 * <p>Gauges (values now):
 * <table>
 *   <caption>gauges</caption>
 *   <tr><th>name</th><th>base unit</th><th>what</th></tr>
 *   <tr><td>{@code netty.aio.in.flight}</td><td>reads</td><td>AIO reads submitted and not completed</td></tr>
 *   <tr><td>{@code netty.aio.memory.used}</td><td>bytes</td><td>chunk buffers in use: read or being read, not yet
 *       written</td></tr>
 *   <tr><td>{@code netty.aio.memory.budget}</td><td>bytes</td><td>the loops' memory budgets together (a loop's
 *       counts once it has served through AIO)</td></tr>
 *   <tr><td>{@code netty.aio.memory.used.max}</td><td>bytes</td><td>the most one loop ever had in use</td></tr>
 *   <tr><td>{@code netty.aio.chunk.memory.held}</td><td>bytes</td><td>chunk memory the loops' pools hold, in use
 *       and idle</td></tr>
 *   <tr><td>{@code netty.aio.loops}</td><td>loops</td><td>event loops of the group</td></tr>
 *   <tr><td>{@code netty.aio.completions.per.wakeup.max}</td><td>completions</td><td>the most AIO completions one
 *       loop handled in one wake-up</td></tr>
 *   <tr><td>{@code netty.aio.loop.lag.max}</td><td>time</td><td>the longest a task scheduled every 10 ms ran late
 *       on any loop: what a request of any channel of that loop waited</td></tr>
 *   <tr><td>{@code netty.aio.loop.lag}, tag {@code quantile} = {@code 0.5} | {@code 0.99}</td><td>time</td>
 *       <td>the worst loop's median and 99th percentile of that lag (bucket bounds: see
 *       {@link io.netty.contrib.channel.aio.DurationHistogram#nanosAt})</td></tr>
 *   <tr><td>{@code netty.aio.loop.iteration.max}</td><td>time</td><td>the longest iteration of a measured
 *       loop</td></tr>
 *   <tr><td>{@code netty.aio.loop.iteration}, tag {@code quantile} = {@code 0.5} | {@code 0.99}</td><td>time</td>
 *       <td>the quantiles of the measured loops' iterations, all loops' iterations together</td></tr>
 * </table>
 * Time gauges are in the registry's base time unit (seconds for most). Every figure covers each loop's whole life,
 * not only the time since binding. The lag quantiles and maxima never come down: they show that a loop lagged,
 * not when; a rising {@code netty.aio.loop.lag.max} dates the worst spike. {@link AioMetrics} has the per-loop
 * figures.
 *
 * <p>Every meter carries the tags given to the constructor. Binding two groups to one registry needs a tag that
 * tells them apart: meters of the same name and tags are one meter in Micrometer, and the second binding would
 * read the first group.
 *
 * <p>Meters read the loops' counters from the scraper's thread (see {@link AioMetrics} for why that is safe); a
 * reading sums the loops then. The meters do not keep the group from being garbage collected: they hold it
 * through a weak reference (Micrometer's default), and the counts through a view that refers to no loop. Once the
 * group is collected, gauges read {@code NaN} and counters keep their last value.
 */
public final class AioMetricsBinder implements MeterBinder {

    private static final String PREFIX = "netty.aio.";
    private static final double[] LAG_QUANTILES = {0.5, 0.99};

    private final WeakReference<EventExecutorGroup> group;
    private final AioMetrics metrics;
    private final Tags tags;

    /**
     * Meters for the given group, without extra tags.
     *
     * @param group the event loop group whose channels have an {@code AioFileRegionHandler} (any
     *              {@link EventExecutorGroup} the handler runs on)
     */
    public AioMetricsBinder(EventExecutorGroup group) {
        this(group, Tags.empty());
    }

    /**
     * Meters for the given group, each with the given tags.
     *
     * @param group the event loop group whose channels have an {@code AioFileRegionHandler} (any
     *              {@link EventExecutorGroup} the handler runs on)
     * @param tags  tags to add to every meter, for example which server the group serves
     */
    public AioMetricsBinder(EventExecutorGroup group, Iterable<Tag> tags) {
        ObjectUtil.checkNotNull(group, "group");
        ObjectUtil.checkNotNull(tags, "tags");
        this.group = new WeakReference<>(group);
        metrics = AioMetrics.of(group);
        this.tags = Tags.of(tags);
    }

    /**
     * Registers the meters described above. Does nothing once the group has been garbage collected.
     *
     * @param registry where to register them
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        ObjectUtil.checkNotNull(registry, "registry");
        EventExecutorGroup g = group.get();
        if (g == null) {
            return;
        }
        counter(registry, g, "regions", "regions", "File regions taken by the AIO file region handler",
                Tags.empty(), AioMetrics::regions);
        counter(registry, g, "reads.submitted", "reads", "AIO reads submitted", Tags.empty(),
                AioMetrics::readsSubmitted);
        counter(registry, g, "reads.completed", "reads", "AIO reads completed", Tags.empty(),
                AioMetrics::readsCompleted);
        counter(registry, g, "bytes.read", BaseUnits.BYTES, "Bytes read from files by AIO", Tags.empty(),
                AioMetrics::bytesRead);
        counter(registry, g, "writes.submitted", "writes", "AIO writes and syncs of the file sinks submitted",
                Tags.empty(), AioMetrics::writesSubmitted);
        counter(registry, g, "writes.completed", "writes", "AIO writes and syncs of the file sinks completed",
                Tags.empty(), AioMetrics::writesCompleted);
        counter(registry, g, "bytes.written", BaseUnits.BYTES, "Bytes the file sinks wrote (AIO and blocking)",
                Tags.empty(), AioMetrics::bytesWritten);
        counter(registry, g, "page.cache.reads", "reads", "Chunks and regions served from the page cache",
                Tags.empty(), AioMetrics::pageCacheReads);
        counter(registry, g, "page.cache.bytes", BaseUnits.BYTES, "Bytes served from the page cache", Tags.empty(),
                AioMetrics::pageCacheBytes);
        counter(registry, g, "errors", "errors", "AIO reads that failed or found their file shrunk", Tags.empty(),
                AioMetrics::errors);
        for (AioMetrics.Fallback reason : AioMetrics.Fallback.values()) {
            counter(registry, g, "fallbacks", "regions", "Regions or chunks not read through AIO, by reason",
                    Tags.of("reason", reason.name()), m -> m.fallbacks(reason));
        }
        counter(registry, g, "submits.deferred", BaseUnits.OPERATIONS, "io_submit calls refused with EAGAIN",
                Tags.empty(), AioMetrics::submitsDeferred);
        counter(registry, g, "page.cache.admissions", "regions", "Regions of files admitted to the page cache",
                Tags.empty(), AioMetrics::admitted);
        counter(registry, g, "prefetched.bytes", BaseUnits.BYTES, "Bytes handed to the kernel's read-ahead",
                Tags.empty(), AioMetrics::prefetchedBytes);
        counter(registry, g, "prefetches.late", "reads", "Prefetched chunks read with AIO after their deadline",
                Tags.empty(), AioMetrics::prefetchesLate);
        counter(registry, g, "open.files", "regions", "Regions by whether their O_DIRECT descriptor was kept open",
                Tags.of("result", "hit"), AioMetrics::openFileHits);
        counter(registry, g, "open.files", "regions", "Regions by whether their O_DIRECT descriptor was kept open",
                Tags.of("result", "miss"), AioMetrics::openFileMisses);
        counter(registry, g, "memory.waits", BaseUnits.EVENTS, "Times reads waited for the memory budget",
                Tags.empty(), AioMetrics::memoryWaits);
        counter(registry, g, "allocation.failures", BaseUnits.EVENTS, "Chunk buffers refused for want of memory",
                Tags.empty(), AioMetrics::allocationFailures);
        counter(registry, g, "memory.diversions", "reads",
                "Reads of regions sent through the page cache because the memory budget had no room", Tags.empty(),
                AioMetrics::memoryDiversions);
        counter(registry, g, "memory.parks", "reads",
                "Reads of channels that were not writable set aside while the budget was more than half in use",
                Tags.empty(), AioMetrics::memoryParks);
        counter(registry, g, "chunk.slabs", "slabs", "Chunk memory slabs made fresh, and freed",
                Tags.of("event", "allocated"), AioMetrics::chunkSlabsAllocated);
        counter(registry, g, "chunk.slabs", "slabs", "Chunk memory slabs made fresh, and freed",
                Tags.of("event", "freed"), AioMetrics::chunkSlabsFreed);

        gauge(registry, g, "in.flight", "reads", "AIO reads in flight", AioMetrics::inFlight);
        gauge(registry, g, "memory.used", BaseUnits.BYTES, "Chunk buffer memory in use", AioMetrics::memoryUsed);
        gauge(registry, g, "memory.budget", BaseUnits.BYTES, "Chunk buffer memory budget",
                AioMetrics::memoryBudget);
        gauge(registry, g, "memory.used.max", BaseUnits.BYTES, "The most chunk buffer memory one loop had in use",
                AioMetrics::maxMemoryUsed);
        gauge(registry, g, "chunk.memory.held", BaseUnits.BYTES, "Chunk memory the pools hold, in use and idle",
                AioMetrics::chunkMemoryHeld);
        gauge(registry, g, "loops", "loops", "Event loops of the group", AioMetrics::loopCount);
        gauge(registry, g, "completions.per.wakeup.max", "completions",
                "The most AIO completions one loop handled in one wake-up", AioMetrics::maxCompletionsPerWakeUp);
        lagGauge(registry, g, "loop.lag.max", "The longest a task ran late on a loop", Tags.empty(),
                AioMetrics::maxLoopLagNanos);
        for (double q : LAG_QUANTILES) {
            lagGauge(registry, g, "loop.lag", "The worst loop's lag quantile since it started",
                    Tags.of("quantile", String.valueOf(q)), m -> m.loopLagNanos(q));
        }
        // Loops made with AioMetrics.measured: their iterations' busy time (zeros for other loops).
        AioMetrics view = metrics;
        FunctionTimer.builder(PREFIX + "loop.iterations", g, ignored -> view.loopIterations().count(),
                        ignored -> view.loopIoNanos() + view.loopTaskNanos(), TimeUnit.NANOSECONDS)
                .description("Event loop iterations and their busy time (I/O events plus tasks)").tags(tags)
                .register(registry);
        lagGauge(registry, g, "loop.iteration.max", "The longest iteration of a loop", Tags.empty(),
                m -> m.loopIterations().maxNanos());
        for (double q : LAG_QUANTILES) {
            lagGauge(registry, g, "loop.iteration", "The loops' iteration quantile since they started",
                    Tags.of("quantile", String.valueOf(q)), m -> m.loopIterations().nanosAt(q));
        }
        FunctionCounter.builder(PREFIX + "loop.io.time", g, ignored -> view.loopIoNanos() / 1e9)
                .baseUnit("seconds").description("Time the loops spent handling I/O events").tags(tags)
                .register(registry);
        FunctionCounter.builder(PREFIX + "loop.task.time", g, ignored -> view.loopTaskNanos() / 1e9)
                .baseUnit("seconds").description("Time the loops spent running tasks").tags(tags)
                .register(registry);
    }

    // The functions below capture the view and the figure, never the group: the meter holds the group weakly.

    private void counter(MeterRegistry registry, EventExecutorGroup g, String name, String unit, String description,
                         Tags extra, ToLongFunction<AioMetrics> figure) {
        AioMetrics view = metrics;
        FunctionCounter.builder(PREFIX + name, g, ignored -> figure.applyAsLong(view))
                .baseUnit(unit).description(description).tags(tags.and(extra)).register(registry);
    }

    private void gauge(MeterRegistry registry, EventExecutorGroup g, String name, String unit, String description,
                       ToLongFunction<AioMetrics> figure) {
        AioMetrics view = metrics;
        Gauge.builder(PREFIX + name, g, ignored -> figure.applyAsLong(view))
                .baseUnit(unit).description(description).tags(tags).register(registry);
    }

    private void lagGauge(MeterRegistry registry, EventExecutorGroup g, String name, String description, Tags extra,
                          ToLongFunction<AioMetrics> nanos) {
        AioMetrics view = metrics;
        TimeGauge.builder(PREFIX + name, g, TimeUnit.NANOSECONDS, ignored -> nanos.applyAsLong(view))
                .description(description).tags(tags.and(extra)).register(registry);
    }

    @Override
    public String toString() {
        return "AioMetricsBinder(" + tags + ", " + metrics + ')';
    }
}
