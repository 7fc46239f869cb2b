package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The AIO state of one epoll event loop: one {@link AioContext}, one eventfd registered with the loop through
 * {@link IoEventLoop#register}, and the reads in flight. Every method runs on the loop's thread.
 * <p>
 * Reads asked for during one loop iteration are submitted together by a task that runs at the end of it (one
 * {@code io_submit}). On an eventfd wake-up, at most a budget of completions is handled (about
 * {@link #COMPLETION_BUDGET_BYTES} bytes of them); if more may be waiting the eventfd is written again, so that other
 * channels of the loop get their turn first.
 */
final class AioLoop implements EpollIoHandle {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioLoop.class);

    /** Reads in flight per loop, at most. */
    static final int MAX_IN_FLIGHT = SystemPropertyUtil.getInt("io.netty.contrib.aio.maxInFlight", 128);
    /**
     * Events asked of {@code io_setup}; the kernel may give more (a page of ring at least). Tests set it below
     * {@link #MAX_IN_FLIGHT} to make {@code io_submit} refuse reads with {@code EAGAIN}.
     */
    static final int CONTEXT_EVENTS = SystemPropertyUtil.getInt("io.netty.contrib.aio.contextEvents", MAX_IN_FLIGHT);
    /** Bytes of completions handled per wake-up before the loop turns to its other channels. */
    static final int COMPLETION_BUDGET_BYTES =
            SystemPropertyUtil.getInt("io.netty.contrib.aio.completionBudgetBytes", 2 << 20);
    /** How long a refused io_submit (EAGAIN) is retried before the reads are done synchronously. */
    private static final long EAGAIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SETUP_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Map<IoEventLoop, AioLoop> LOOPS = new ConcurrentHashMap<>();
    private static final Map<IoEventLoop, Long> SETUP_FAILED = new ConcurrentHashMap<>();

    /** A read to do: the stream fills the fields, the loop calls {@link #complete} on its thread. */
    abstract static class Read {
        int fd;
        ByteBuf buffer;
        int index;
        int length;
        long offset;

        /**
         * The read finished: {@code res} bytes or {@code -errno}. {@code -EAGAIN} means it could not be submitted
         * for a long while, {@link #LOOP_CLOSED} that the loop shut down first, {@link #CANCELLED} that its owner
         * gave up before it was submitted. Called exactly once per {@link AioLoop#read}: the owner frees the buffer
         * here, never before.
         */
        abstract void complete(long res);

        /** {@code true} if the owner no longer wants the read: it is completed with {@link #CANCELLED} unsubmitted. */
        abstract boolean isCancelled();
    }

    /** Passed to {@link Read#complete} for reads that never reached the kernel because the loop shut down. */
    static final long LOOP_CLOSED = Long.MIN_VALUE;
    /** Passed to {@link Read#complete} for reads whose owner gave up before they were submitted. */
    static final long CANCELLED = Long.MIN_VALUE + 1;

    private final IoEventLoop loop;
    private final AioContext context;
    private final AioEventFd eventFd;
    private final AioMetrics metrics;
    private final AioControlBlock[] blocks = new AioControlBlock[MAX_IN_FLIGHT];
    private final Read[] reads = new Read[MAX_IN_FLIGHT];
    private final int[] freeSlots = new int[MAX_IN_FLIGHT];
    private int freeCount;
    private final AioControlBlock[] batch = new AioControlBlock[MAX_IN_FLIGHT];
    private final AioEvent[] events = new AioEvent[64];
    private final ArrayDeque<Read> pending = new ArrayDeque<>();
    private final Runnable submitTask = this::submitPending;
    private boolean submitScheduled;
    private long eagainSince;
    private int maxReadLength = 1;
    private IoRegistration registration;
    private boolean closed;

    private AioLoop(IoEventLoop loop, AioMetrics metrics) throws IOException {
        this.loop = loop;
        this.metrics = metrics;
        AioContext ctx = new AioContext(CONTEXT_EVENTS);
        try {
            eventFd = new AioEventFd();
        } catch (IOException | RuntimeException e) {
            ctx.close();
            throw e;
        }
        context = ctx;
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            freeSlots[i] = MAX_IN_FLIGHT - 1 - i;
        }
        freeCount = MAX_IN_FLIGHT;
    }

    /**
     * The loop's AIO state, created on first use; {@code null} (after counting the fallback) if AIO cannot be used on
     * this loop now. Call on the loop's thread.
     */
    static AioLoop get(IoEventLoop loop, AioMetrics metrics) {
        AioLoop aio = LOOPS.get(loop);
        if (aio != null) {
            return aio.closed ? null : aio;
        }
        if (loop.isShuttingDown()) {
            return null;
        }
        Long failedAt = SETUP_FAILED.get(loop);
        if (failedAt != null && System.nanoTime() - failedAt < SETUP_RETRY_NANOS) {
            metrics.fallback(AioMetrics.Fallback.SETUP_FAILED, "io_setup failed less than a second ago");
            return null;
        }
        try {
            aio = new AioLoop(loop, metrics);
        } catch (IOException | RuntimeException e) {
            SETUP_FAILED.put(loop, System.nanoTime());
            metrics.fallback(AioMetrics.Fallback.SETUP_FAILED, e);
            return null;
        }
        SETUP_FAILED.remove(loop);
        LOOPS.put(loop, aio);
        aio.register();
        return aio;
    }

    private void register() {
        Future<IoRegistration> future = loop.register(this);
        future.addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                if (closed) {
                    registration.cancel();
                } else {
                    registration.submit(EpollIoOps.EPOLLIN);
                }
            } else {
                logger.warn("Could not register the AIO eventfd with {}", loop, f.cause());
                close();
            }
        });
        // Whatever happens to the registration, the kernel objects go when the loop goes.
        loop.terminationFuture().addListener(f -> closeOnTermination());
    }

    AioMetrics metrics() {
        return metrics;
    }

    /** Asks for a read; it is submitted at the end of this loop iteration. */
    void read(Read read) {
        if (closed) {
            read.complete(LOOP_CLOSED);
            return;
        }
        if (read.length > maxReadLength) {
            maxReadLength = read.length;
        }
        pending.add(read);
        scheduleSubmit();
    }

    private void scheduleSubmit() {
        if (!submitScheduled) {
            submitScheduled = true;
            loop.execute(submitTask);
        }
    }

    private void submitPending() {
        submitScheduled = false;
        if (closed) {
            return;
        }
        int n = 0;
        while (n < freeCount && !pending.isEmpty()) {
            Read read = pending.poll();
            if (read.isCancelled()) {
                complete(read, CANCELLED);
                continue;
            }
            int slot = freeSlots[--freeCount];
            AioControlBlock iocb = blocks[slot];
            if (iocb == null) {
                iocb = blocks[slot] = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD)
                        .flags(AioControlBlock.IOCB_FLAG_RESFD).resFd(eventFd.intValue()).data(slot);
            }
            try {
                iocb.fd(read.fd).offset(read.offset).buffer(read.buffer, read.index, read.length);
            } catch (RuntimeException e) {
                freeSlots[freeCount++] = slot;
                logger.warn("A read could not be set up: {}", read, e);
                complete(read, -Native.EINVAL);
                continue;
            }
            reads[slot] = read;
            batch[n++] = iocb;
        }
        int remaining = n;
        while (remaining > 0) {
            int res = context.submit(batch, remaining);
            if (res > 0) {
                for (int i = 0; i < res; i++) {
                    metrics.readSubmitted();
                }
                dropFront(res, remaining);
                remaining -= res;
                eagainSince = 0;
            } else if (res == -Native.EAGAIN || res == 0) {
                metrics.submitDeferred();
                break;
            } else {
                // The first block was refused (EBADF, EINVAL, ...): it fails alone, the rest go on.
                int slot = (int) batch[0].data();
                Read read = reads[slot];
                freeSlot(slot);
                dropFront(1, remaining);
                remaining--;
                complete(read, res);
            }
        }
        if (remaining > 0) {
            requeue(remaining);
        }
        for (int i = 0; i < n; i++) {
            batch[i] = null;
        }
    }

    /** Drops the first {@code k} of the {@code remaining} blocks at the front of the batch. */
    private void dropFront(int k, int remaining) {
        System.arraycopy(batch, k, batch, 0, remaining - k);
    }

    /** Puts the reads of batch[0 .. remaining), refused with EAGAIN, back in front of the queue and retries later. */
    private void requeue(int remaining) {
        for (int i = remaining - 1; i >= 0; i--) {
            int slot = (int) batch[i].data();
            Read read = reads[slot];
            freeSlot(slot);
            pending.addFirst(read);
        }
        long now = System.nanoTime();
        if (eagainSince == 0) {
            eagainSince = now;
        }
        if (now - eagainSince > EAGAIN_RETRY_NANOS) {
            // The kernel keeps refusing: degrade rather than wait, the streams read these synchronously.
            eagainSince = 0;
            while (!pending.isEmpty()) {
                complete(pending.poll(), -Native.EAGAIN);
            }
        } else if (context.inFlight() == 0) {
            // No completion will come to retry from: try again shortly.
            loop.schedule(this::scheduleSubmit, 1, TimeUnit.MILLISECONDS);
        }
    }

    private void freeSlot(int slot) {
        reads[slot] = null;
        freeSlots[freeCount++] = slot;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        if (closed) {
            return;
        }
        try {
            // Level-triggered: read the counter on every wake-up, before reaping.
            eventFd.read();
            int budget = Math.max(1, Math.min(events.length, COMPLETION_BUDGET_BYTES / maxReadLength));
            int n = context.getEvents(0, events, budget, 0);
            if (n < 0) {
                throw Native.newIOException("io_getevents", n);
            }
            for (int i = 0; i < n; i++) {
                AioEvent event = events[i];
                int slot = (int) event.data();
                Read read = reads[slot];
                freeSlot(slot);
                metrics.readCompleted(event.res());
                complete(read, event.res());
            }
            if (n == budget && context.inFlight() > 0) {
                // More may be waiting: come back after the loop's other work.
                eventFd.write(1);
            }
        } catch (IOException e) {
            logger.warn("AIO completion handling failed on {}", loop, e);
        }
        if (!pending.isEmpty()) {
            scheduleSubmit();
        }
    }

    private static void complete(Read read, long res) {
        try {
            read.complete(res);
        } catch (Throwable t) {
            logger.warn("A read's completion handler threw", t);
        }
    }

    @Override
    public FileDescriptor fd() {
        return eventFd.fd();
    }

    /**
     * Called by the loop when it shuts down (its registrations are closed): waits for the reads in flight, hands each
     * its result, fails those not submitted yet, then destroys the context.
     */
    @Override
    public void close() {
        close(false);
    }

    /**
     * @param terminated the loop's thread is gone: every read is completed with {@link #LOOP_CLOSED}, its real result
     *        having nowhere to go
     */
    private void close(boolean terminated) {
        if (closed) {
            return;
        }
        closed = true;
        LOOPS.remove(loop, this);
        try {
            if (registration != null && !loop.isTerminated()) {
                registration.cancel();
            }
            while (!pending.isEmpty()) {
                complete(pending.poll(), LOOP_CLOSED);
            }
            drainInFlight(terminated);
        } catch (RuntimeException e) {
            logger.warn("Draining the AIO reads of {} failed", loop, e);
        } finally {
            try {
                context.close();
            } catch (IOException e) {
                logger.warn("io_destroy failed on {}", loop, e);
            }
            try {
                eventFd.close();
            } catch (IOException e) {
                logger.debug("Could not close the AIO eventfd of {}", loop, e);
            }
        }
    }

    private void drainInFlight(boolean terminated) {
        // io_cancel cannot stop file reads: wait for them (a disk read takes milliseconds), so that every buffer is
        // released after its read, never before.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (context.inFlight() > 0 && System.nanoTime() < deadline) {
            int n = context.getEvents(1, events, Math.min(events.length, context.inFlight()),
                    TimeUnit.MILLISECONDS.toNanos(100));
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                int slot = (int) events[i].data();
                Read read = reads[slot];
                freeSlot(slot);
                metrics.readCompleted(events[i].res());
                complete(read, terminated ? LOOP_CLOSED : events[i].res());
            }
        }
    }

    private void closeOnTermination() {
        if (!closed) {
            // The loop ended without closing its registrations (Netty does not when a zero quiet period ends it
            // early). Its thread is gone: nothing else touches this state now.
            close(true);
        }
        SETUP_FAILED.remove(loop);
    }

    @Override
    public String toString() {
        return "AioLoop(" + loop + ", " + context + ')';
    }
}
