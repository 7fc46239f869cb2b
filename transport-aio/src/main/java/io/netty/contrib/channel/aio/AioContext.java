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

import io.netty.channel.unix.Buffer;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A Linux AIO context ({@code io_setup(2)}) and the operations on it: {@link #submit}, {@link #getEvents},
 * {@link #cancel} and {@link #close} ({@code io_destroy(2)}).
 * <p>
 * The context keeps every submitted {@link AioControlBlock} (and the buffer behind it) reachable until its event has
 * been reaped by {@link #getEvents}, returned by {@link #cancel}, or the context has been destroyed. {@link #close()}
 * waits for every operation still in flight, as {@code io_destroy(2)} does.
 * <p>
 * <b>One thread at a time.</b> A context is not thread-safe: {@link #submit}, {@link #getEvents}, {@link #cancel} and
 * {@link #close} must not run at the same time in two threads. A thread that calls one of them while another thread
 * is inside one gets an {@link IllegalStateException}; handing the context from one thread to another between calls
 * is fine (with the usual happens-before, for example through an executor).
 * <p>
 * Close a context when done with it. One that becomes unreachable without {@link #close()} is reported as a leak
 * (logged once, at error level) and destroyed by a cleaner thread, after its operations in flight completed; their
 * buffers stay reachable until then.
 */
public final class AioContext implements AutoCloseable {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioContext.class);

    /**
     * No ring holds more events than this ({@code ioctx_alloc()} in fs/aio.c refuses larger ones), so neither
     * {@code io_submit} nor {@code io_getevents} can take or return more in one call.
     */
    private static final int MAX_RING_EVENTS = 0x10000000 / Native.SIZEOF_IO_EVENT;

    private static final Cleaner CLEANER = Cleaner.create(task -> new Thread(task, "aio-context-cleaner"));

    private static final AtomicReferenceFieldUpdater<AioContext, Thread> USER =
            AtomicReferenceFieldUpdater.newUpdater(AioContext.class, Thread.class, "user");

    private final ContextKernel kernel;
    private final Cleaner.Cleanable cleanable;
    private final int maxEvents;
    private final ByteBuffer cancelEvent;
    private ByteBuffer pointers;
    private ByteBuffer events;
    private volatile boolean closed;
    /** The thread inside submit, getEvents, cancel or close, or {@code null}. */
    private volatile Thread user;

    /**
     * Creates a context able to hold at least {@code maxEvents} operations in flight.
     *
     * @param maxEvents how many operations the context must be able to hold in flight
     * @throws IllegalArgumentException if {@code maxEvents} is negative
     * @throws IOException naming {@code io_setup} and the errno: {@code EINVAL} for 0 or a value above the kernel's
     *         limit, {@code EAGAIN} when {@code maxEvents} is larger than {@code /proc/sys/fs/aio-max-nr} or the
     *         system-wide count of events ({@code fs.aio-nr}) would exceed it
     */
    public AioContext(int maxEvents) throws IOException {
        ObjectUtil.checkPositiveOrZero(maxEvents, "maxEvents");
        cancelEvent = ByteBuffer.allocateDirect(Native.SIZEOF_IO_EVENT).order(ByteOrder.nativeOrder());
        long res = Native.ioSetup(maxEvents);
        if (res < 0) {
            throw AioSetup.failure(maxEvents, res);
        }
        this.maxEvents = maxEvents;
        kernel = new ContextKernel(res, maxEvents);
        cleanable = CLEANER.register(this, kernel);
    }

    /** {@return the {@code maxEvents} this context was created with} */
    public int maxEvents() {
        return maxEvents;
    }

    /** {@return how many submitted control blocks have not been reaped yet} */
    public int inFlight() {
        return kernel.inFlight.size();
    }

    /** {@return {@code true} once {@link #close()} has been called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Submits control blocks with one {@code io_submit(2)} call. A {@link io.netty.buffer.ByteBuf} under a block is
     * retained until its event is reaped.
     *
     * @param iocbs the control blocks, submitted in this order
     * @return how many were submitted, from the first; the others are not in flight and may be submitted again. Like
     *         the kernel, which takes no more than its ring holds, one call submits at most 8,388,608 blocks.
     * @throws IllegalStateException if the context is closed, used by another thread at the same time, or a block is
     *         already in flight; no block is in flight or retains its buffer then
     * @throws io.netty.util.IllegalReferenceCountException if a block's {@code ByteBuf} was released; no block is in
     *         flight or retains its buffer then
     * @throws IOException naming {@code io_submit} and the errno, if not even the first block could be submitted
     */
    public int submit(AioControlBlock... iocbs) throws IOException {
        ObjectUtil.checkNotNull(iocbs, "iocbs");
        enter();
        int res;
        try {
            checkOpen();
            res = doSubmit(iocbs, iocbs.length);
        } finally {
            exit();
        }
        if (res < 0) {
            if (res == -Native.EAGAIN) {
                throw new IOException("io_submit(..) failed with error(" + res + "): no room for more operations in"
                        + " flight (" + inFlight() + " in flight, maxEvents " + maxEvents + ')',
                        Native.newIOException("io_submit", res));
            }
            throw Native.newIOException("io_submit", res);
        }
        return res;
    }

    /**
     * Submits the first {@code n} blocks; returns how many were submitted or {@code -errno}, without throwing for
     * kernel errors (the event loop's path, where an exception per refused submit would cost too much). A closed
     * context answers {@code -EINVAL}, as the kernel does for a context it does not know.
     */
    int submit(AioControlBlock[] iocbs, int n) {
        enter();
        try {
            return closed ? -Native.EINVAL : doSubmit(iocbs, Math.min(n, iocbs.length));
        } finally {
            exit();
        }
    }

    private int doSubmit(AioControlBlock[] iocbs, int count) {
        int n = Math.min(count, MAX_RING_EVENTS);
        if (n <= 0) {
            return 0;
        }
        int marked = 0;
        ByteBuffer ptrs;
        try {
            for (; marked < n; marked++) {
                AioControlBlock iocb = iocbs[marked];
                if (iocb == null) {
                    throw new NullPointerException("iocbs[" + marked + ']');
                }
                if (iocb.isInFlight()) {
                    throw new IllegalStateException("iocbs[" + marked + "] is already in flight: " + iocb);
                }
                // Retains a ByteBuf first: a released one throws here and the block stays unmarked.
                iocb.markInFlight(kernel);
            }
            ptrs = pointers(n);
        } catch (RuntimeException | Error e) {
            unmark(iocbs, 0, marked);
            throw e;
        }
        for (int i = 0; i < n; i++) {
            ptrs.putLong(i * Long.BYTES, iocbs[i].address());
        }
        int res;
        try {
            res = Native.ioSubmit(kernel.ctx, n, Buffer.memoryAddress(ptrs));
        } finally {
            Reference.reachabilityFence(this);
        }
        if (res < 0) {
            unmark(iocbs, 0, n);
            return res;
        }
        for (int i = 0; i < res; i++) {
            kernel.inFlight.put(iocbs[i].address(), iocbs[i]);
        }
        unmark(iocbs, res, n);
        return res;
    }

    private static void unmark(AioControlBlock[] iocbs, int from, int to) {
        for (int i = from; i < to; i++) {
            iocbs[i].markDone();
        }
    }

    /**
     * Reaps completed events ({@code io_getevents(2)}) into the first slots of {@code events}; a {@code null} slot
     * gets a new {@link AioEvent}.
     * <p>
     * One call reaps at most {@code max(maxEvents(), inFlight())} events, however long the array: no more can be
     * waiting, so nothing is lost, and the native event array is sized by the context rather than by the caller.
     * {@code minNr} is lowered to that bound too.
     *
     * @param minNr the least number of events to wait for, at most {@code events.length}
     * @param events the array to fill from index 0; a {@code null} slot gets a new {@link AioEvent}
     * @param timeout how long to wait for {@code minNr} events; {@code null} waits for ever
     * @return the number of events filled
     * @throws IllegalStateException if the context is closed or used by another thread at the same time
     * @throws IOException naming {@code io_getevents} and the errno
     */
    public int getEvents(int minNr, AioEvent[] events, Duration timeout) throws IOException {
        ObjectUtil.checkNotNull(events, "events");
        if (minNr < 0 || minNr > events.length) {
            throw new IllegalArgumentException("minNr: " + minNr + " (expected: 0.." + events.length + ')');
        }
        long timeoutNanos;
        if (timeout == null) {
            timeoutNanos = -1;
        } else if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0 or null)");
        } else {
            timeoutNanos = toNanosSaturated(timeout);
        }
        enter();
        int res;
        try {
            checkOpen();
            res = doGetEvents(minNr, events, events.length, timeoutNanos);
        } finally {
            exit();
        }
        Native.check("io_getevents", res);
        return res;
    }

    /**
     * Reaps up to {@code nr} events into {@code events}; returns how many or {@code -errno}. {@code timeoutNanos}
     * below 0 waits for ever. A closed context answers {@code -EINVAL}.
     */
    int getEvents(int minNr, AioEvent[] events, int nr, long timeoutNanos) {
        enter();
        try {
            return closed ? -Native.EINVAL : doGetEvents(minNr, events, nr, timeoutNanos);
        } finally {
            exit();
        }
    }

    private int doGetEvents(int minNr, AioEvent[] events, int nr, long timeoutNanos) {
        // Only operations in flight can complete, and the ring may hold more of them than maxEvents: this bound
        // loses no event and keeps the native array proportional to the context (a caller's array of 2^27 + 1 slots
        // once wrapped the int size to 32 bytes while the kernel was told it could write them all).
        int n = Math.min(Math.min(nr, events.length), Math.min(MAX_RING_EVENTS, Math.max(maxEvents, inFlight())));
        if (n <= 0) {
            return 0;
        }
        ByteBuffer array = events(n);
        int res;
        try {
            res = Native.ioGetEvents(kernel.ctx, Math.min(minNr, n), n, Buffer.memoryAddress(array), timeoutNanos);
        } finally {
            Reference.reachabilityFence(this);
        }
        for (int i = 0; i < res; i++) {
            AioEvent event = events[i];
            if (event == null) {
                event = events[i] = new AioEvent();
            }
            fill(event, array, i * Native.SIZEOF_IO_EVENT);
        }
        return res;
    }

    /**
     * Attempts to cancel an operation in flight ({@code io_cancel(2)}).
     *
     * @param iocb a control block in flight in this context
     * @param result receives the event if the operation is cancelled
     * @return {@code true} if the operation was cancelled and its event written to {@code result} (it will not be
     *         reaped); {@code false} if cancellation was started and the event will arrive through
     *         {@link #getEvents} (the kernel's {@code EINPROGRESS})
     * @throws IllegalStateException if the context is closed or used by another thread at the same time
     * @throws IOException naming {@code io_cancel} and the errno if the kernel cannot cancel it (file reads and
     *         writes cannot be cancelled: {@code EINVAL}; their events still arrive)
     */
    public boolean cancel(AioControlBlock iocb, AioEvent result) throws IOException {
        ObjectUtil.checkNotNull(iocb, "iocb");
        ObjectUtil.checkNotNull(result, "result");
        enter();
        try {
            checkOpen();
            if (iocb.owner() != kernel) {
                throw new IllegalArgumentException("iocb is not in flight in this context: " + iocb);
            }
            int res = Native.ioCancel(kernel.ctx, iocb.address(), Buffer.memoryAddress(cancelEvent));
            if (res == -Native.EINPROGRESS) {
                return false;
            }
            Native.check("io_cancel", res);
            fill(result, cancelEvent, 0);
            return true;
        } finally {
            exit();
            Reference.reachabilityFence(this);
        }
    }

    /** Reads one {@code struct io_event} and ends the in-flight life of its control block. */
    private void fill(AioEvent event, ByteBuffer array, int base) {
        long obj = array.getLong(base + Native.IO_EVENT_OBJ);
        AioControlBlock iocb = kernel.inFlight.remove(obj);
        event.set(array.getLong(base + Native.IO_EVENT_DATA), obj, array.getLong(base + Native.IO_EVENT_RES),
                array.getLong(base + Native.IO_EVENT_RES2), iocb);
        if (iocb != null) {
            iocb.markDone();
        }
    }

    /**
     * Destroys the context ({@code io_destroy(2)}), after waiting for every operation in flight; their buffers are
     * released then. Calling it again does nothing.
     *
     * @throws IllegalStateException if another thread is inside this context at the same time
     */
    @Override
    public void close() throws IOException {
        enter();
        try {
            if (closed) {
                return;
            }
            closed = true;
            int res = kernel.destroy();
            cleanable.clean(); // the kernel context is gone: this only unregisters the safety net
            Native.check("io_destroy", res);
        } finally {
            exit();
            Reference.reachabilityFence(this);
        }
    }

    private void enter() {
        Thread current = Thread.currentThread();
        if (!USER.compareAndSet(this, null, current)) {
            Thread other = user;
            throw new IllegalStateException("AioContext used by two threads at once: " + current.getName()
                    + " while " + (other == null ? "another thread" : other.getName())
                    + " is inside; use a context from one thread at a time");
        }
    }

    private void exit() {
        user = null;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AioContext is closed");
        }
    }

    private ByteBuffer pointers(int n) {
        ByteBuffer ptrs = pointers;
        long size = (long) n * Long.BYTES;
        if (ptrs == null || ptrs.capacity() < size) {
            ptrs = pointers = ByteBuffer.allocateDirect(Math.toIntExact(Math.max(size, 16L * Long.BYTES)))
                    .order(ByteOrder.nativeOrder());
        }
        return ptrs;
    }

    private ByteBuffer events(int n) {
        ByteBuffer array = events;
        long size = (long) n * Native.SIZEOF_IO_EVENT;
        if (array == null || array.capacity() < size) {
            array = events = ByteBuffer.allocateDirect(Math.toIntExact(Math.max(size, 16L * Native.SIZEOF_IO_EVENT)))
                    .order(ByteOrder.nativeOrder());
        }
        return array;
    }

    private static long toNanosSaturated(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return kernel.name() + ", maxEvents: " + maxEvents + ", in flight: " + inFlight()
                + (closed ? ", closed)" : ")");
    }
}
