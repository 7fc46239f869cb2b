package io.netty.contrib.channel.aio;

import io.netty.channel.unix.Buffer;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.internal.ObjectUtil;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * A Linux AIO context ({@code io_setup(2)}) and the operations on it: {@link #submit}, {@link #getEvents},
 * {@link #cancel} and {@link #close} ({@code io_destroy(2)}).
 * <p>
 * The context keeps every submitted {@link AioControlBlock} (and the buffer behind it) reachable until its event has
 * been reaped by {@link #getEvents}, returned by {@link #cancel}, or the context has been closed. {@link #close()}
 * waits for every operation still in flight, as {@code io_destroy(2)} does.
 * <p>
 * Instances are not thread-safe: use one from one thread at a time.
 */
public final class AioContext implements AutoCloseable {

    private static final Path AIO_MAX_NR = Paths.get("/proc/sys/fs/aio-max-nr");
    private static final Path AIO_NR = Paths.get("/proc/sys/fs/aio-nr");

    private final long ctx;
    private final int maxEvents;
    private final LongObjectMap<AioControlBlock> inFlight = new LongObjectHashMap<>();
    private final ByteBuffer cancelEvent;
    private ByteBuffer pointers;
    private ByteBuffer events;
    private boolean closed;

    /**
     * Creates a context able to hold at least {@code maxEvents} operations in flight.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is negative
     * @throws IOException naming {@code io_setup} and the errno: {@code EINVAL} for 0 or a value above the kernel's
     *         limit, {@code EAGAIN} when {@code /proc/sys/fs/aio-max-nr} is used up
     */
    public AioContext(int maxEvents) throws IOException {
        ObjectUtil.checkPositiveOrZero(maxEvents, "maxEvents");
        long res = Native.ioSetup0(maxEvents);
        if (res < 0) {
            throw ioSetupException(maxEvents, res);
        }
        ctx = res;
        this.maxEvents = maxEvents;
        cancelEvent = ByteBuffer.allocateDirect(Native.SIZEOF_IO_EVENT).order(ByteOrder.nativeOrder());
    }

    private static IOException ioSetupException(int maxEvents, long res) {
        IOException cause = Native.newIOException("io_setup", res);
        if (res == -Native.EAGAIN) {
            return new IOException("io_setup(" + maxEvents + ") failed: the system-wide limit of AIO events is used"
                    + " up (fs.aio-nr " + readSysctl(AIO_NR) + " of fs.aio-max-nr " + readSysctl(AIO_MAX_NR)
                    + "); raise it with 'sysctl -w fs.aio-max-nr=N' or lower maxEvents (" + cause.getMessage()
                    + ')', cause);
        }
        return cause;
    }

    private static String readSysctl(Path path) {
        try {
            // procfs files report a size of 0: read a line, not "all bytes".
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII)) {
                return reader.readLine().trim();
            }
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The {@code maxEvents} this context was created with. */
    public int maxEvents() {
        return maxEvents;
    }

    /** How many submitted control blocks have not been reaped yet. */
    public int inFlight() {
        return inFlight.size();
    }

    /** {@code true} once {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Submits control blocks with one {@code io_submit(2)} call.
     *
     * @return how many were submitted, from the first; the others are not in flight and may be submitted again
     * @throws IllegalStateException if the context is closed or a block is already in flight
     * @throws IOException naming {@code io_submit} and the errno, if not even the first block could be submitted
     */
    public int submit(AioControlBlock... iocbs) throws IOException {
        checkOpen();
        ObjectUtil.checkNotNull(iocbs, "iocbs");
        int res = submit(iocbs, iocbs.length);
        if (res < 0) {
            if (res == -Native.EAGAIN) {
                throw new IOException("io_submit(..) failed with error(" + res + "): no room for more operations in"
                        + " flight (" + inFlight.size() + " in flight, maxEvents " + maxEvents + ')',
                        Native.newIOException("io_submit", res));
            }
            throw Native.newIOException("io_submit", res);
        }
        return res;
    }

    /**
     * Submits the first {@code n} blocks; returns how many were submitted or {@code -errno}, without throwing for
     * kernel errors (the event loop's path, where an exception per refused submit would cost too much).
     */
    int submit(AioControlBlock[] iocbs, int n) {
        if (n == 0) {
            return 0;
        }
        ByteBuffer ptrs = pointers(n);
        int marked = 0;
        try {
            for (; marked < n; marked++) {
                AioControlBlock iocb = iocbs[marked];
                if (iocb == null) {
                    throw new NullPointerException("iocbs[" + marked + ']');
                }
                if (iocb.isInFlight()) {
                    throw new IllegalStateException("iocbs[" + marked + "] is already in flight: " + iocb);
                }
                iocb.markInFlight(this);
                ptrs.putLong(marked * Long.BYTES, iocb.address());
            }
        } catch (RuntimeException e) {
            unmark(iocbs, 0, marked);
            throw e;
        }
        int res = Native.ioSubmit0(ctx, n, Buffer.memoryAddress(ptrs));
        if (res < 0) {
            unmark(iocbs, 0, n);
            return res;
        }
        for (int i = 0; i < res; i++) {
            inFlight.put(iocbs[i].address(), iocbs[i]);
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
     *
     * @param minNr the least number of events to wait for, at most {@code events.length}
     * @param timeout how long to wait for {@code minNr} events; {@code null} waits for ever
     * @return the number of events filled
     */
    public int getEvents(int minNr, AioEvent[] events, Duration timeout) throws IOException {
        checkOpen();
        ObjectUtil.checkNotNull(events, "events");
        if (minNr < 0 || minNr > events.length) {
            throw new IllegalArgumentException("minNr: " + minNr + " (expected: 0.." + events.length + ')');
        }
        if (events.length == 0) {
            return 0;
        }
        long timeoutNanos;
        if (timeout == null) {
            timeoutNanos = -1;
        } else if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0 or null)");
        } else {
            timeoutNanos = toNanosSaturated(timeout);
        }
        int res = getEvents(minNr, events, events.length, timeoutNanos);
        Native.check("io_getevents", res);
        return res;
    }

    /**
     * Reaps up to {@code nr} events into {@code events}; returns how many or {@code -errno}. {@code timeoutNanos}
     * below 0 waits for ever.
     */
    int getEvents(int minNr, AioEvent[] events, int nr, long timeoutNanos) {
        ByteBuffer array = events(nr);
        int res = Native.ioGetEvents0(ctx, minNr, nr, Buffer.memoryAddress(array), timeoutNanos);
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
     * @return {@code true} if the operation was cancelled and its event written to {@code result} (it will not be
     *         reaped); {@code false} if cancellation was started and the event will arrive through
     *         {@link #getEvents} (the kernel's {@code EINPROGRESS})
     * @throws IOException naming {@code io_cancel} and the errno if the kernel cannot cancel it (file reads and
     *         writes cannot be cancelled: {@code EINVAL}; their events still arrive)
     */
    public boolean cancel(AioControlBlock iocb, AioEvent result) throws IOException {
        checkOpen();
        ObjectUtil.checkNotNull(iocb, "iocb");
        ObjectUtil.checkNotNull(result, "result");
        if (iocb.owner() != this) {
            throw new IllegalArgumentException("iocb is not in flight in this context: " + iocb);
        }
        int res = Native.ioCancel0(ctx, iocb.address(), Buffer.memoryAddress(cancelEvent));
        if (res == -Native.EINPROGRESS) {
            return false;
        }
        Native.check("io_cancel", res);
        fill(result, cancelEvent, 0);
        return true;
    }

    /** Reads one {@code struct io_event} and ends the in-flight life of its control block. */
    private void fill(AioEvent event, ByteBuffer array, int base) {
        long obj = array.getLong(base + Native.IO_EVENT_OBJ);
        AioControlBlock iocb = inFlight.remove(obj);
        event.set(array.getLong(base + Native.IO_EVENT_DATA), obj, array.getLong(base + Native.IO_EVENT_RES),
                array.getLong(base + Native.IO_EVENT_RES2), iocb);
        if (iocb != null) {
            iocb.markDone();
        }
    }

    /**
     * Destroys the context ({@code io_destroy(2)}), after waiting for every operation in flight; their buffers are
     * released then. Calling it again does nothing.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        int res = Native.ioDestroy0(ctx);
        for (AioControlBlock iocb : inFlight.values()) {
            iocb.markDone();
        }
        inFlight.clear();
        Native.check("io_destroy", res);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AioContext is closed");
        }
    }

    private ByteBuffer pointers(int n) {
        ByteBuffer ptrs = pointers;
        if (ptrs == null || ptrs.capacity() < n * Long.BYTES) {
            ptrs = pointers = ByteBuffer.allocateDirect(Math.max(n, 16) * Long.BYTES).order(ByteOrder.nativeOrder());
        }
        return ptrs;
    }

    private ByteBuffer events(int n) {
        ByteBuffer array = events;
        if (array == null || array.capacity() < n * Native.SIZEOF_IO_EVENT) {
            array = events = ByteBuffer.allocateDirect(Math.max(n, 16) * Native.SIZEOF_IO_EVENT)
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
        return "AioContext(0x" + Long.toHexString(ctx) + ", maxEvents: " + maxEvents + ", in flight: "
                + inFlight.size() + (closed ? ", closed)" : ")");
    }
}
