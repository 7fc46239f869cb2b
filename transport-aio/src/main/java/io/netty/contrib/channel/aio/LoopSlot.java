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
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Where an event loop's AIO state lives: on the loop's own thread, so that it is found without a lookup shared with
 * other threads, and ended on that thread when the loop is done with it. Every method but {@link #hasEnded} runs on
 * the loop's thread.
 *
 * <p>A loop made with {@link AioIoHandler#newFactory} has its slot from the start, with the configuration given there,
 * and ends it when Netty destroys the loop's I/O handler. On any other loop the slot is made by the first AIO user,
 * with that user's configuration, and ended when Netty clears the thread's {@link FastThreadLocal}s as the loop
 * terminates (a {@code SingleThreadIoEventLoop}'s thread does so last, after its I/O handler is destroyed). Either way
 * the end comes after the loop's last task and after its I/O handler is gone: {@link AioLoop#loopEnded()} reaps what
 * it can, ends every read and every owner still attached, and destroys the context, on the loop's thread.
 *
 * <p>One slot per thread: a thread that runs a second loop of its own ({@code ManualIoEventLoop}s sharing a thread)
 * has no AIO on the second. A loop whose thread Netty does not end with it (a {@code ManualIoEventLoop}) gets no slot
 * from its first user, as nothing would end it: it has AIO only when made with {@link AioIoHandler}.
 */
final class LoopSlot {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopSlot.class);

    private static final FastThreadLocal<LoopSlot> CURRENT = new FastThreadLocal<LoopSlot>() {
        @Override
        protected void onRemoval(LoopSlot slot) {
            slot.end();
        }
    };

    /**
     * The slot whose loop is ending on this thread, while it does: a plain {@link ThreadLocal}, as Netty clears every
     * {@link FastThreadLocal} (this slot's own entry first) before the end runs.
     */
    private static final ThreadLocal<LoopSlot> ENDING = new ThreadLocal<>();

    final IoEventLoop loop;
    /** The configuration the loop was made with ({@link AioIoHandler}), or {@code null}: its first user's. */
    final AioLoopConfig config;
    final LoopRecorder recorder;
    /** The loop's AIO state, once made. */
    AioLoop aio;
    /** {@link System#nanoTime()} of the last failed set-up, or 0. */
    long setupFailedAt;
    private boolean ended;

    LoopSlot(IoEventLoop loop, AioLoopConfig config) {
        this.loop = loop;
        this.config = config;
        recorder = LoopRecorders.of(loop);
    }

    /**
     * The slot of {@code loop}, made for it if this thread has none and Netty ends the thread's thread-locals with the
     * loop; {@code null} otherwise ({@link #whyNone} says why). Call on the loop's thread.
     */
    static LoopSlot of(IoEventLoop loop) {
        LoopSlot slot = CURRENT.getIfExists();
        if (slot == null) {
            if (!(loop instanceof SingleThreadEventExecutor)) {
                // Nothing would end a slot made here (a ManualIoEventLoop's thread is its owner's).
                return null;
            }
            slot = new LoopSlot(loop, null);
            CURRENT.set(slot);
            return slot;
        }
        return slot.loop == loop ? slot : null;
    }

    /** Why {@link #of} found no slot for {@code loop}: for the fallback's log line. */
    static String whyNone(IoEventLoop loop) {
        if (CURRENT.getIfExists() != null) {
            return "the thread of " + loop + " holds the AIO state of another event loop";
        }
        return loop + " does not end with its thread (a ManualIoEventLoop, say): make it with"
                + " AioIoHandler.newFactory to read and write with AIO on it";
    }

    /**
     * {@code true} once {@code loop} has run its last task: it terminated, or this is its thread ending its AIO
     * state. Whoever learns of it then lets go of what it holds and touches neither the loop nor its channels. Any
     * thread.
     */
    static boolean hasEnded(EventExecutor loop) {
        if (loop.isTerminated()) {
            return true;
        }
        if (!loop.inEventLoop()) {
            return false;
        }
        LoopSlot slot = ENDING.get();
        return slot != null && slot.loop == loop;
    }

    /** Makes this the slot of the current thread, which runs {@link #loop} from now on. */
    void bind() {
        LoopSlot old = CURRENT.getIfExists();
        if (old != null && old != this) {
            // The thread ran another loop before, whose end never cleared it (not a Netty loop thread).
            CURRENT.remove();
        }
        CURRENT.set(this);
    }

    /** The loop is done with its AIO state: ends it, on this thread, and clears the slot. */
    void unbind() {
        if (CURRENT.getIfExists() == this) {
            CURRENT.remove(); // calls end()
        } else {
            end();
        }
    }

    /** {@code true} once {@link #end} ran: the slot cannot be used again. */
    boolean isEnded() {
        return ended;
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        AioLoop a = aio;
        if (a == null) {
            return;
        }
        ENDING.set(this);
        try {
            a.loopEnded();
        } catch (Throwable t) {
            logger.warn("Ending the AIO state of {} failed", loop, t);
        } finally {
            ENDING.remove();
        }
    }
}
