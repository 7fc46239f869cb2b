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

import io.netty.channel.IoEventLoop;
import io.netty.contrib.channel.aio.AioOperation.Abort;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The AIO state of one epoll or io_uring event loop: its kernel context ({@link LoopRing}), one eventfd watched by the
 * loop through a {@link CompletionSource}, the operations ({@link AioOperation}) on their way to the kernel
 * ({@link LoopSubmitter}, with the loop's chunk memory) and what it knows of files ({@link LoopFiles}); the owners to
 * end if the loop ends without closing their channels; the loop's lag probe. Every method runs on the loop's thread.
 * <p>
 * Reads asked for during one loop iteration are submitted together by a task that runs at the end of it (one
 * {@code io_submit}). On an eventfd wake-up, at most a budget of completions is handled (about
 * {@link AioLoopConfig#completionBudgetBytes()} bytes of them); if more may be waiting the eventfd is written again,
 * so that other channels of the loop get their turn first.
 */
final class AioLoop {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioLoop.class);

    private static final long SETUP_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How often the loop's lag is sampled: a task scheduled this far ahead measures how late it runs. */
    private static final long LAG_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Events reaped per io_getevents call, at most. */
    private static final int MAX_REAP = 64;

    /**
     * What uses the loop's AIO state and holds resources of its own meanwhile: a region's stream or a chunked input,
     * with its file, its {@code O_DIRECT} descriptor and the chunks it has read; a file sink, with its descriptors and
     * blocks. Between its reads it may wait on a timer of the loop (a prefetched chunk) or on its channel (writability,
     * a write's completion, more data). If the loop terminates without closing its channels, neither ever comes back;
     * its reads are ended by the loop, and the owner itself by {@link #loopEnded()}. Attached from the loop's thread
     * while it holds its resources.
     */
    interface Owner {
        /**
         * The loop ended without closing the owner's channel ({@link Abort#LOOP_CLOSED}): free everything, and touch
         * neither the loop nor the channel ({@link LoopSlot#hasEnded} says {@code true} now; the loop takes no more
         * tasks and its I/O handler is gone). A future may be failed: its listeners run at once, on this thread.
         * Called at most once, after every read of the loop has ended, on the loop's thread as it ends.
         */
        void aborted(Abort reason);
    }

    private final IoEventLoop loop;
    private final AioLoopConfig config;
    private final LoopRecorder metrics;
    private final LoopRing ring;
    private final AioEventFd eventFd;
    private final CompletionSource source;
    private final LoopSubmitter submitter;
    private final LoopFiles files;
    private final Runnable lagProbe = this::probeLag;
    private long lagProbeDue;
    /** Attached {@link Owner}s, ended by {@link #loopEnded} if still there. */
    private final Set<Owner> owners = new HashSet<>();
    private boolean closed;
    private boolean loopGone;
    /** Another configuration than {@link #config} was asked for, and logged. */
    private boolean configConflictLogged;

    private AioLoop(IoEventLoop loop, AioLoopConfig config, LoopRecorder metrics) throws IOException {
        if (!CompletionSource.supports(loop)) {
            throw new IllegalArgumentException("AIO completions need an epoll or io_uring event loop: " + loop);
        }
        this.loop = loop;
        this.config = config;
        this.metrics = metrics;
        eventFd = new AioEventFd();
        LoopRing r = null;
        try {
            r = new LoopRing(config.maxInFlight(), config.contextEvents(), MAX_REAP, eventFd.intValue(), metrics);
            source = CompletionSource.create(loop, eventFd, this);
            submitter = new LoopSubmitter(loop, r, config.memoryBudgetBytes(), metrics);
            files = new LoopFiles(loop, config, metrics);
        } catch (Throwable t) {
            // Nothing was submitted or registered yet: give the context and the eventfd back now.
            if (r != null) {
                r.destroy();
            }
            eventFd.close();
            throw t;
        }
        ring = r;
    }

    /**
     * The loop's AIO state, created on first use; {@code null} (after counting the fallback) if AIO cannot be used on
     * this loop now. A loop made with {@link AioIoHandler#newFactory} has the configuration given there; any other
     * loop has its first user's ({@link AioLoopConfig#DEFAULT} for {@code null}). Another configuration asked for
     * than the one the loop has is logged once, at WARN, and not used. Call on the loop's thread.
     *
     * @param config the settings asked for, or {@code null} for whatever the loop has
     */
    static AioLoop get(IoEventLoop loop, AioLoopConfig config) {
        LoopSlot slot = LoopSlot.of(loop);
        if (slot == null) {
            LoopRecorders.of(loop).fallback(AioMetrics.Fallback.UNSUPPORTED_LOOP, LoopSlot.whyNone(loop));
            return null;
        }
        AioLoop aio = slot.aio;
        if (aio != null) {
            aio.checkAskedFor(config, slot);
            return aio.closed ? null : aio;
        }
        if (loop.isShuttingDown() || slot.isEnded()) {
            return null;
        }
        if (slot.setupFailedAt != 0 && System.nanoTime() - slot.setupFailedAt < SETUP_RETRY_NANOS) {
            slot.recorder.fallback(AioMetrics.Fallback.SETUP_FAILED, "io_setup failed less than a second ago");
            return null;
        }
        AioLoopConfig chosen = slot.config != null ? slot.config : config != null ? config : AioLoopConfig.DEFAULT;
        try {
            aio = new AioLoop(loop, chosen, slot.recorder);
        } catch (IOException | RuntimeException e) {
            slot.setupFailedAt = System.nanoTime();
            slot.recorder.fallback(AioMetrics.Fallback.SETUP_FAILED, e);
            return null;
        }
        slot.setupFailedAt = 0;
        slot.aio = aio;
        aio.source.register();
        aio.scheduleLagProbe();
        aio.checkAskedFor(config, slot);
        return aio;
    }

    /** Logs once, at WARN, that {@code asked} (if given) is not the configuration the loop uses. */
    private void checkAskedFor(AioLoopConfig asked, LoopSlot slot) {
        if (asked != null && !configConflictLogged && !asked.equals(config)) {
            configConflictLogged = true;
            logger.warn("AIO on {} is set up with {}; {} asked for is not used (one configuration per event loop: {})",
                    loop, config, asked, slot.config != null ? "the one its AioIoHandler was made with"
                            : "its first user's; give every handler, chunked input and sink of a loop the same"
                            + " AioLoopConfig, or make the loop with AioIoHandler.newFactory");
        }
    }

    /** The settings the loop's AIO state was made with. */
    AioLoopConfig config() {
        return config;
    }

    LoopRecorder metrics() {
        return metrics;
    }

    /** What the loop knows of files: its {@code O_DIRECT} descriptors and the files asked for lately. */
    LoopFiles files() {
        return files;
    }

    private void scheduleLagProbe() {
        lagProbeDue = System.nanoTime() + LAG_PROBE_NANOS;
        loop.schedule(lagProbe, LAG_PROBE_NANOS, TimeUnit.NANOSECONDS);
    }

    /**
     * How late a task runs is what every channel of the loop feels: the longest loop iterations (a burst of
     * completions, a large write, a slow system call, GC) show up here.
     */
    private void probeLag() {
        if (!closed) {
            metrics.loopLag(System.nanoTime() - lagProbeDue);
            scheduleLagProbe();
        }
    }

    /**
     * Has {@code owner} ended by {@link #loopEnded()} if the loop ends before the owner is
     * {@link #detach detached}. Call on the loop's thread.
     */
    void attach(Owner owner) {
        owners.add(owner);
    }

    /** {@code owner} no longer holds anything: it is not ended when the loop terminates. */
    void detach(Owner owner) {
        owners.remove(owner);
    }

    /** Runs {@code task} on the loop after {@code nanos}. */
    void schedule(Runnable task, long nanos) {
        loop.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    /** Asks for a read, write or sync ({@link AioOperation#kind()}); it is submitted at the end of this iteration. */
    void submit(AioOperation op) {
        submitter.submit(op);
    }

    /** The loop's chunk memory: its pool, within the budget, and what waits for it. */
    LoopMemory memory() {
        return submitter.memory();
    }

    /** {@code true} once the loop's AIO state has closed: nothing more can be read, written or allocated. */
    boolean isClosed() {
        return closed;
    }

    /**
     * The eventfd woke the loop: reaps and dispatches at most a budget of completions.
     *
     * @return {@code true} if the budget ran out and more may be waiting: the eventfd was written again, so that the
     *         loop comes back for them after its other work
     */
    boolean completionsReady() {
        if (closed) {
            return false;
        }
        boolean more = false;
        try {
            // Level-triggered: read the counter on every wake-up, before reaping.
            eventFd.read();
            int budget = Math.max(1, Math.min(MAX_REAP, config.completionBudgetBytes() / submitter.maxReadLength()));
            int n = ring.reap(budget);
            if (n < 0) {
                throw Native.newIOException("io_getevents", n);
            }
            dispatch(n, false);
            metrics.wakeUp(n);
            if (n == budget && ring.inFlight() > 0) {
                // More may be waiting: come back after the loop's other work.
                eventFd.write(1);
                more = true;
            }
        } catch (IOException e) {
            logger.warn("AIO completion handling failed on {}", loop, e);
        }
        submitter.slotsReturned();
        return more;
    }

    /** Hands the {@code n} operations just reaped their results; with {@code lost}, the result has nowhere to go. */
    private void dispatch(int n, boolean lost) {
        for (int i = 0; i < n; i++) {
            AioOperation read = ring.takeReaped(i);
            if (lost) {
                AioOperation.abort(read, Abort.LOOP_CLOSED);
            } else {
                AioOperation.complete(read, ring.result(i));
            }
        }
    }

    /**
     * Called by the loop when it shuts down (its registrations are closed): waits for the reads in flight, hands each
     * its result, aborts those not submitted yet, then destroys the context.
     */
    void close() {
        close(false);
    }

    /**
     * The loop has run its last task and its I/O handler is gone ({@link LoopSlot}). Normally it closed its
     * registrations first ({@link #close()}), and with them its channels, whose owners have let go. A loop ended early
     * with a zero quiet period does not: every read is aborted (its real result having nowhere to go), and then every
     * owner still attached is ended, whatever it waited for (a timer of the loop, which will never run, or its
     * channel). Runs on the loop's thread, its last use of this state.
     */
    void loopEnded() {
        loopGone = true;
        close(true);
        endOwners();
        // An io_uring ring that never handed back its poll is gone with the loop: the eventfd can close now.
        source.release();
    }

    /** {@code true} once {@link #loopEnded()} began: the loop's I/O handler is gone, its registrations with it. */
    boolean isLoopGone() {
        return loopGone;
    }

    /** Ends each attached owner once; an owner detaches itself as it frees its resources. */
    private void endOwners() {
        Owner[] left = owners.toArray(new Owner[0]);
        owners.clear();
        for (Owner owner : left) {
            try {
                owner.aborted(Abort.LOOP_CLOSED);
            } catch (Throwable t) {
                logger.warn("An owner of AIO reads failed to end when {} ended", loop, t);
            }
        }
    }

    private void close(boolean terminated) {
        if (closed) {
            return;
        }
        closed = true;
        LoopMemory memory = submitter.memory();
        memory.close();
        try {
            source.cancel();
            for (AioOperation op : submitter.close()) {
                AioOperation.abort(op, Abort.LOOP_CLOSED);
            }
            drainInFlight(terminated);
        } catch (RuntimeException e) {
            logger.warn("Draining the AIO reads of {} failed", loop, e);
        } finally {
            // io_destroy waits for whatever is still in flight.
            int res = ring.destroy();
            if (res < 0) {
                logger.warn("io_destroy failed on {}", loop, Native.newIOException("io_destroy", res));
            }
            abortStranded();
            files.close();
            memory.free();
            // Last: nothing in flight can signal the eventfd now.
            source.release();
        }
    }

    private void drainInFlight(boolean terminated) {
        // io_cancel cannot stop file reads: wait for them (a disk read takes milliseconds), so that every buffer is
        // released after its read, never before.
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (ring.inFlight() > 0 && System.nanoTime() - deadline < 0) {
            int n = ring.await(ring.inFlight(), TimeUnit.MILLISECONDS.toNanos(100));
            if (n < 0) {
                break;
            }
            dispatch(n, terminated);
        }
    }

    /**
     * Ends the reads that were still in flight when draining stopped (its deadline passed, or io_getevents failed):
     * io_destroy waited for them, but their results were not reaped. Their owners free their buffers now.
     */
    private void abortStranded() {
        for (AioOperation read : ring.takeStranded()) {
            AioOperation.abort(read, Abort.LOOP_CLOSED);
        }
    }

    @Override
    public String toString() {
        return "AioLoop(" + loop + ", " + ring + ')';
    }
}
