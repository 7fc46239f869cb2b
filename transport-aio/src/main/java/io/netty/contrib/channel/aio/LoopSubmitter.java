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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a loop's operations reach the kernel: they wait in its {@link SubmissionQueue} until the end of the loop
 * iteration, when one pass moves as many as the {@link LoopRing} has free slots for, and its {@link LoopMemory} has
 * memory for, into one {@code io_submit}. A read that needs memory waits for it, first come, first served, unless its
 * owner can do without ({@link Abort#NO_MEMORY}); the reads of channels that are not writable are set aside while more
 * than half of the budget is in use; {@code EAGAIN} puts the reads back in front, retried on the next completion, for
 * at most {@link #EAGAIN_RETRY_NANOS}. Every method runs on the loop's thread.
 */
final class LoopSubmitter {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopSubmitter.class);

    /** How long a refused io_submit (EAGAIN) is retried before the reads are given up as starved. */
    private static final long EAGAIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How often parked reads are looked at again while nothing else runs the submit task. */
    private static final long PARKED_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final IoEventLoop loop;
    private final LoopRing ring;
    private final LoopRecorder metrics;
    private final LoopMemory memory;
    private final SubmissionQueue queue = new SubmissionQueue();
    private final Runnable submitTask = this::submitPending;
    private boolean submitScheduled;
    private final Runnable parkedRecheck = this::recheckParked;
    private boolean parkedRecheckScheduled;
    private long eagainSince;
    private int maxReadLength = 1;
    private boolean closed;

    LoopSubmitter(IoEventLoop loop, LoopRing ring, long memoryBudgetBytes, LoopRecorder metrics) {
        this.loop = loop;
        this.ring = ring;
        this.metrics = metrics;
        memory = new LoopMemory(loop, memoryBudgetBytes, metrics, this::memoryReturned);
    }

    /** The loop's chunk memory: its pool, within the budget, and what waits for it. */
    LoopMemory memory() {
        return memory;
    }

    /** The longest read asked for so far, in bytes: what a completion budget is counted in. */
    int maxReadLength() {
        return maxReadLength;
    }

    /** Completions gave slots back: operations still waiting go at the end of this iteration. */
    void slotsReturned() {
        if (queue.hasWaiting()) {
            scheduleSubmit();
        }
    }

    /** Stops: every operation still waiting is handed back, to be ended by the caller; later ones are aborted. */
    List<AioOperation> close() {
        closed = true;
        return queue.takeAll();
    }

    /** Asks for a read, write or sync ({@link AioOperation#kind()}); it is submitted at the end of this iteration. */
    void submit(AioOperation read) {
        if (closed) {
            AioOperation.abort(read, Abort.LOOP_CLOSED);
            return;
        }
        if (read.length > maxReadLength) {
            maxReadLength = read.length;
        }
        queue.add(read);
        scheduleSubmit();
    }

    /** Runs a submission pass at the end of this iteration, unless one is already due. */
    void scheduleSubmit() {
        if (!submitScheduled) {
            submitScheduled = true;
            loop.execute(submitTask);
        }
    }

    /** Offers the queued reads to the kernel, as many as there are free slots, in one {@code io_submit}. */
    private void submitPending() {
        submitScheduled = false;
        if (closed) {
            return;
        }
        memory.readsGo();
        stageWaiting();
        submitStaged();
        if (queue.hasParked() && !parkedRecheckScheduled) {
            // A parked read's channel may become writable while nothing else brings the loop back here.
            parkedRecheckScheduled = true;
            loop.schedule(parkedRecheck, PARKED_RECHECK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** Moves the waiting reads to the ring's free slots, in order, as far as memory allows. */
    private void stageWaiting() {
        boolean parkedNow = false;
        if (queue.hasParked()) {
            // Stalled reads set aside while more than half of the budget is in use: the rest is for channels that
            // make progress.
            queue.unpark(!memory.isMoreThanHalfUsed());
        }
        while (ring.hasRoom() && queue.hasWaiting()) {
            AioOperation read = queue.peek();
            boolean needsMemory = queue.headNeedsMemory();
            if (read.isCancelled()) {
                queue.poll();
                AioOperation.abort(read, Abort.CANCELLED);
                continue;
            }
            if (needsMemory && read.isStalled()
                    && (parkedNow || !memory.fitsHalf(read.length, read.memoryAlignment))) {
                // Once one is parked, later stalled reads are too: a later chunk of the same stream (smaller, say)
                // must not take memory before it.
                queue.parkHead();
                parkedNow = true;
                metrics.memoryParked();
                continue;
            }
            if (needsMemory && !memory.allocate(read)) {
                if (divertWaiting()) {
                    // The head could do without memory: look again at what is left.
                    continue;
                }
                // First come, first served: the reads behind it wait too.
                memory.readsWait();
                break;
            }
            queue.poll();
            try {
                ring.stage(read);
            } catch (RuntimeException e) {
                logger.warn("A read could not be set up: {}", read, e);
                if (read.isSync()) {
                    AioOperation.abort(read, Abort.NO_AIO_SYNC); // done with a blocking call instead
                } else {
                    AioOperation.complete(read, -Native.EINVAL);
                }
            }
        }
    }

    /** Submits what {@link #stageWaiting} staged: a refused first block fails alone, {@code EAGAIN} waits. */
    private void submitStaged() {
        while (ring.staged() > 0) {
            int res = ring.submit();
            if (res > 0) {
                eagainSince = 0;
            } else if (res == -Native.EAGAIN || res == 0) {
                metrics.submitDeferred();
                break;
            } else {
                // The first block was refused (EBADF, EINVAL, ...): it fails alone, the rest go on.
                AioOperation read = ring.unstageFirst();
                if (res == -Native.EINVAL && read.isSync()) {
                    AioOperation.abort(read, Abort.NO_AIO_SYNC);
                } else {
                    AioOperation.complete(read, res);
                }
            }
        }
        if (ring.staged() > 0) {
            requeueStaged();
        } else {
            eagainSince = 0;
            if (queue.hasWaiting() && ring.hasRoom() && !(memory.areReadsWaiting() && !queue.hasReady())) {
                // Refused reads gave their slots back and no completion may come to submit the rest: go on now.
                // (Reads that wait for memory are resumed by a buffer given back, or by the retry timer.)
                scheduleSubmit();
            }
        }
    }

    /**
     * Ends the waiting reads whose owners can do without memory ({@link AioOperation#mayDivert}) as
     * {@link Abort#NO_MEMORY}; {@code true} if there were any.
     */
    private boolean divertWaiting() {
        List<AioOperation> diverted = queue.takeDivertible();
        if (diverted.isEmpty()) {
            return false;
        }
        metrics.memoryDiverted(diverted.size());
        for (AioOperation read : diverted) {
            AioOperation.abort(read, Abort.NO_MEMORY);
        }
        return true;
    }

    private void recheckParked() {
        parkedRecheckScheduled = false;
        if (!closed && queue.hasParked()) {
            scheduleSubmit();
        }
    }

    /** A chunk buffer came back to the pool: reads that wait for memory, or were set aside, may go now. */
    private void memoryReturned() {
        if (memory.areReadsWaiting() || queue.hasParked() && !memory.isMoreThanHalfUsed()) {
            scheduleSubmit();
        }
    }

    /** Puts the staged reads, refused with EAGAIN, back in front of the queue and retries later. */
    private void requeueStaged() {
        while (ring.staged() > 0) {
            queue.addFirst(ring.unstageLast());
        }
        long now = System.nanoTime();
        if (eagainSince == 0) {
            eagainSince = now;
        }
        if (now - eagainSince > EAGAIN_RETRY_NANOS) {
            // The kernel keeps refusing: give the reads back rather than let them wait without end.
            eagainSince = 0;
            // Only the reads waiting now: those their owners ask for while they read synchronously wait their turn.
            for (AioOperation read : queue.takeWaiting()) {
                AioOperation.abort(read, Abort.SUBMIT_STARVED);
            }
        } else if (ring.inFlight() == 0) {
            // No completion will come to retry from: try again shortly.
            loop.schedule(this::scheduleSubmit, 1, TimeUnit.MILLISECONDS);
        }
    }
}
