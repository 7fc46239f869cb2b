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

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Completions on an io_uring loop: the loop's ring polls the eventfd with a one-shot {@code IORING_OP_POLL_ADD}
 * ({@code POLLIN}), submitted through Netty's public {@link IoUringIoHandle} API, and re-armed after each wake-up.
 * The reads themselves stay Linux AIO: one data path whatever the loop (docs/design.md says why).
 * <p>
 * One-shot rather than multishot: a multishot poll posts a completion for every signal of the eventfd, and Netty's
 * io_uring loop handles all completions of a wake-up together, so the completion budget would be spent once per
 * signal. When the budget runs out ({@link AioLoop#completionsReady()} returns {@code true}; it wrote the eventfd
 * again), the poll is re-armed by a task: the loop runs its tasks first, and the ring fires the poll at its next
 * submission, just as epoll's level-triggered registration comes back on the next iteration. Re-armed at once, the
 * poll would fire inside the same round of completions and the other channels would wait.
 * <p>
 * Loaded only when Netty's io_uring transport is on the class path and the loop is an io_uring one
 * ({@link CompletionSource}): that transport is an optional dependency.
 * <p>
 * Shutdown: the ring may still hold the poll when the loop's AIO state closes. {@link #cancel()} submits an
 * {@code IORING_OP_ASYNC_CANCEL} for it and cancels the registration; Netty removes the registration (and calls
 * {@link #unregistered()}) once the ring has delivered every completion of ours, and only then is the eventfd closed
 * ({@link #release()} waits for both). If the loop ends first, its ring is gone with it, and its end
 * ({@link AioLoop#loopEnded()}) closes the eventfd.
 */
final class IoUringCompletionSource extends CompletionSource implements IoUringIoHandle {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringCompletionSource.class);

    /** {@code include/uapi/linux/io_uring.h}: stable kernel ABI; Netty's own constants are not public. */
    private static final byte IORING_OP_POLL_ADD = 6;
    private static final byte IORING_OP_ASYNC_CANCEL = 14;
    /** {@code poll.h}. */
    private static final int POLLIN = 0x0001;
    /** What the ring hands back with each completion of ours (Netty keeps it to 16 bits on its fast path). */
    private static final long POLL_DATA = 1;
    private static final long CANCEL_DATA = 2;

    private IoRegistration registration;
    /** What {@link IoRegistration#submit} returned for the armed poll, or 0 while none is armed. */
    private long pollId;
    private boolean rearmScheduled;
    private final Runnable rearm = this::rearm;
    private boolean cancelled;
    /** The ring holds nothing of ours any more: it never registered us, removed us, or is gone. */
    private boolean ringDone;
    private boolean released;

    /** The one-shot poll of the eventfd, submitted again after each wake-up. */
    private final IoUringIoOps pollAdd;

    private IoUringCompletionSource(IoEventLoop loop, AioEventFd eventFd, AioLoop aio) {
        super(loop, eventFd, aio);
        pollAdd = new IoUringIoOps(IORING_OP_POLL_ADD, (byte) 0, (short) 0, eventFd.intValue(), 0L, 0L, 0, POLLIN,
                POLL_DATA, (short) 0, (short) 0, 0, 0L);
    }

    /** Typed as the base class, so that callers need not load this class to verify theirs. */
    static CompletionSource create(IoEventLoop loop, AioEventFd eventFd, AioLoop aio) {
        return new IoUringCompletionSource(loop, eventFd, aio);
    }

    /** {@code true} if {@code loop} is an io_uring event loop. */
    static boolean isIoUring(IoEventLoop loop) {
        return loop.isCompatible(IoUringCompletionSource.class);
    }

    @Override
    void register() {
        Future<IoRegistration> future = loop.register(this);
        future.addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                if (cancelled) {
                    registration.cancel();
                } else {
                    arm();
                }
            } else {
                logger.warn("Could not register the AIO eventfd with {}", loop, f.cause());
                ringDone = true;
                aio.close();
            }
        });
    }

    private void arm() {
        if (cancelled || pollId != 0 || registration == null) {
            return;
        }
        pollId = registration.submit(pollAdd);
    }

    private void rearm() {
        rearmScheduled = false;
        arm();
    }

    private void scheduleRearm() {
        if (!rearmScheduled) {
            rearmScheduled = true;
            loop.execute(rearm);
        }
    }

    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        IoUringIoEvent event = (IoUringIoEvent) ioEvent;
        if (event.opcode() != IORING_OP_POLL_ADD) {
            return; // our IORING_OP_ASYNC_CANCEL's own completion
        }
        pollId = 0;
        if (cancelled || loop.isShutdown()) {
            // Closing, or a loop ended without closing its registrations (a zero quiet period): its ring hands back
            // the poll while it is destroyed, when the loop takes no more tasks. Its end ends the reads.
            return;
        }
        if (event.res() < 0) {
            // Not expected for an eventfd: say so, and poll again once the loop's tasks ran (no spin).
            logger.warn("io_uring poll of the AIO eventfd failed on {}: error({})", loop, event.res());
            scheduleRearm();
        } else if (aio.completionsReady()) {
            scheduleRearm();
        } else {
            arm();
        }
    }

    /** Netty closes its registrations when the loop shuts down. */
    @Override
    public void close() {
        aio.close();
    }

    @Override
    void cancel() {
        cancelled = true;
        if (aio.isLoopGone()) {
            ringDone = true;
            return;
        }
        if (registration != null && registration.isValid()) {
            if (pollId != 0) {
                registration.submit(new IoUringIoOps(IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, pollId, 0,
                        0, CANCEL_DATA, (short) 0, (short) 0, 0, 0L));
                pollId = 0;
            }
            // Removed once the poll's and the cancel's completions have arrived: then unregistered() is called.
            registration.cancel();
        }
    }

    @Override
    public void unregistered() {
        ringDone = true;
        if (released) {
            closeEventFd();
        }
    }

    @Override
    void release() {
        released = true;
        if (aio.isLoopGone()) {
            ringDone = true;
        }
        if (ringDone) {
            closeEventFd();
        }
    }

    @Override
    public String toString() {
        return "IoUringCompletionSource(" + eventFd + ')';
    }
}
