package io.netty.contrib.channel.aio;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counters of one event loop's file delivery through {@link AioFileRegionHandler}: AIO reads, bytes, what came from
 * the page cache instead of the disk, and every fallback by reason; and the writes of its {@link AioFileSink}s.
 * Written only by the loop's thread; readable from any thread.
 */
public final class AioMetrics {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioMetrics.class);
    private static final int LAG_BUCKETS = 10;
    private static final long LAG_BASE_NANOS = 250_000;
    private static final AtomicBoolean[] LOGGED = new AtomicBoolean[Fallback.values().length];

    static {
        for (int i = 0; i < LOGGED.length; i++) {
            LOGGED[i] = new AtomicBoolean();
        }
    }

    /**
     * Why a region was not (or not entirely) read through AIO, or an {@link AioFileSink} did not write with
     * {@code O_DIRECT} AIO ({@link #NOT_EPOLL}, {@link #AIO_UNAVAILABLE}, {@link #SETUP_FAILED},
     * {@link #DIRECT_IO_REFUSED}, {@link #SUBMIT_EAGAIN}).
     */
    public enum Fallback {
        /**
         * The channel's event loop is not an epoll loop (NIO, io_uring), or the handler runs on an executor other
         * than the channel's loop: the region's own path was used.
         */
        NOT_EPOLL,
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

    private final long[] fallbacks = new long[Fallback.values().length];
    private volatile long regions;
    private volatile long readsSubmitted;
    private volatile long readsCompleted;
    private volatile long bytesRead;
    private volatile long pageCacheReads;
    private volatile long pageCacheBytes;
    private volatile long errors;
    private volatile long submitsDeferred;
    private volatile int inFlight;
    private volatile long writesSubmitted;
    private volatile long writesCompleted;
    private volatile long bytesWritten;
    private volatile long admitted;
    private volatile long prefetchedBytes;
    private volatile long prefetchesLate;
    private volatile long openFileHits;
    private volatile long openFileMisses;
    private volatile int maxCompletionsPerWakeUp;
    private volatile long memoryBudget;
    private volatile long memoryUsed;
    private volatile long maxMemoryUsed;
    private volatile long memoryWaits;
    private volatile long allocationFailures;
    private volatile long maxLoopLagNanos;
    /** Lag samples by upper bound: below 250 µs × 2^i, the last bucket unbounded. */
    private final long[] lagHistogram = new long[LAG_BUCKETS];
    private volatile long fallbackSum;

    AioMetrics() {
    }

    /**
     * The metrics of one event loop, live: all zero until something is delivered on it, then counting.
     */
    public static AioMetrics of(EventExecutor loop) {
        ObjectUtil.checkNotNull(loop, "loop");
        return LoopRegistry.of(loop).metrics;
    }

    /** Regions handled (streamed through AIO, served from the page cache or passed on as a fallback). */
    public long regions() {
        return regions;
    }

    /** AIO reads submitted with {@code io_submit}. */
    public long readsSubmitted() {
        return readsSubmitted;
    }

    /** AIO reads whose completion was reaped. */
    public long readsCompleted() {
        return readsCompleted;
    }

    /** Bytes read by AIO (whole aligned reads, which may be a little more than the regions asked for). */
    public long bytesRead() {
        return bytesRead;
    }

    /** AIO writes and syncs submitted with {@code io_submit} (by {@link AioFileSink}). */
    public long writesSubmitted() {
        return writesSubmitted;
    }

    /** AIO writes and syncs whose completion was reaped. */
    public long writesCompleted() {
        return writesCompleted;
    }

    /** Bytes written by AIO (whole aligned blocks, so a little more than the sinks were given at their ends). */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** AIO operations (reads, writes, syncs) submitted and not reaped yet. */
    public int inFlight() {
        return inFlight;
    }

    /** Chunks (or whole regions) served from the page cache without touching the disk. */
    public long pageCacheReads() {
        return pageCacheReads;
    }

    /** Bytes served from the page cache. */
    public long pageCacheBytes() {
        return pageCacheBytes;
    }

    /** Reads that failed ({@code res < 0}, or a file that shrank). */
    public long errors() {
        return errors;
    }

    /**
     * How many times {@code io_submit} took none of the reads offered ({@code EAGAIN}): they waited for a completion
     * and were offered again.
     */
    public long submitsDeferred() {
        return submitsDeferred;
    }

    /** Regions of files admitted to the page cache (asked for again: see the {@code ADMIT_REPEATED} policy). */
    public long admitted() {
        return admitted;
    }

    /** Bytes handed to the kernel's read-ahead to bring admitted files into the page cache. */
    public long prefetchedBytes() {
        return prefetchedBytes;
    }

    /** Prefetched chunks that had not arrived in the page cache by their deadline and were read with AIO. */
    public long prefetchesLate() {
        return prefetchesLate;
    }

    /** Regions whose {@code O_DIRECT} descriptor came from the loop's open-file cache. */
    public long openFileHits() {
        return openFileHits;
    }

    /** Regions whose file had to be opened with {@code O_DIRECT}. */
    public long openFileMisses() {
        return openFileMisses;
    }

    /** The loop's memory budget for chunk buffers, in bytes (0 before the loop's AIO state exists). */
    public long memoryBudget() {
        return memoryBudget;
    }

    /** Bytes of the memory budget in use now: chunk buffers read or being read and not yet written. */
    public long memoryUsed() {
        return memoryUsed;
    }

    /** The most bytes of the memory budget ever in use at once. */
    public long maxMemoryUsed() {
        return maxMemoryUsed;
    }

    /** How many times reads waited for memory (the budget was in use, or the allocator had none). */
    public long memoryWaits() {
        return memoryWaits;
    }

    /** Allocations of chunk buffers that failed for want of direct memory; the reads waited and went on later. */
    public long allocationFailures() {
        return allocationFailures;
    }

    /** The most completions handled in one eventfd wake-up (bounded by the loop's completion budget). */
    public int maxCompletionsPerWakeUp() {
        return maxCompletionsPerWakeUp;
    }

    /**
     * The loop's lag: every 10 ms a task is scheduled on the loop, and this is the longest it ran late, in
     * nanoseconds. A request of another channel of the loop waits about as long.
     */
    public long maxLoopLagNanos() {
        return maxLoopLagNanos;
    }

    /**
     * The lag below which a fraction {@code quantile} (0..1) of the samples fell, as an upper bound in nanoseconds
     * (samples are kept in buckets of 250 µs × 2^i); 0 before the first sample.
     */
    public long loopLagNanos(double quantile) {
        if (quantile < 0 || quantile > 1) {
            throw new IllegalArgumentException("quantile: " + quantile + " (expected: 0..1)");
        }
        long[] counts;
        synchronized (lagHistogram) {
            counts = lagHistogram.clone();
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        long seen = 0;
        for (int i = 0; i < counts.length - 1; i++) {
            seen += counts[i];
            if (seen >= Math.ceil(quantile * total)) {
                return LAG_BASE_NANOS << i;
            }
        }
        return maxLoopLagNanos;
    }

    /** How many times the given fallback was taken. */
    public long fallbacks(Fallback reason) {
        synchronized (fallbacks) {
            return fallbacks[reason.ordinal()];
        }
    }

    /** How many fallbacks were taken, all reasons together. */
    public long fallbacks() {
        return fallbackSum;
    }

    void regionStarted() {
        regions++;
    }

    void readsSubmitted(int n) {
        readsSubmitted += n;
        inFlight += n;
    }

    void readCompleted(long bytes) {
        readsCompleted++;
        inFlight--;
        if (bytes > 0) {
            bytesRead += bytes;
        }
    }

    void writesSubmitted(int n) {
        writesSubmitted += n;
        inFlight += n;
    }

    void writeCompleted(long bytes) {
        writesCompleted++;
        inFlight--;
        if (bytes > 0) {
            bytesWritten += bytes;
        }
    }

    void pageCacheRead(long bytes) {
        pageCacheReads++;
        pageCacheBytes += bytes;
    }

    void regionAdmitted() {
        admitted++;
    }

    void prefetched(long bytes) {
        prefetchedBytes += bytes;
    }

    void prefetchLate() {
        prefetchesLate++;
    }

    void openFileHit() {
        openFileHits++;
    }

    void openFileMiss() {
        openFileMisses++;
    }

    void memoryBudget(long bytes) {
        memoryBudget = bytes;
    }

    void memoryUsed(long bytes) {
        memoryUsed = bytes;
        if (bytes > maxMemoryUsed) {
            maxMemoryUsed = bytes;
        }
    }

    void memoryWait() {
        memoryWaits++;
    }

    void allocationFailed() {
        allocationFailures++;
    }

    void wakeUp(int completions) {
        if (completions > maxCompletionsPerWakeUp) {
            maxCompletionsPerWakeUp = completions;
        }
    }

    void loopLag(long nanos) {
        if (nanos > maxLoopLagNanos) {
            maxLoopLagNanos = nanos;
        }
        int bucket = 0;
        while (bucket < LAG_BUCKETS - 1 && nanos >= LAG_BASE_NANOS << bucket) {
            bucket++;
        }
        synchronized (lagHistogram) {
            lagHistogram[bucket]++;
        }
    }

    void error() {
        errors++;
    }

    void submitDeferred() {
        submitsDeferred++;
    }

    void fallback(Fallback reason, Object detail) {
        synchronized (fallbacks) {
            fallbacks[reason.ordinal()]++;
        }
        fallbackSum++;
        if (LOGGED[reason.ordinal()].compareAndSet(false, true)) {
            logger.info("AIO file delivery falls back ({}): {} (logged once per reason)", reason, detail);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AioMetrics(regions: ").append(regions)
                .append(", reads: ").append(readsSubmitted).append('/').append(readsCompleted)
                .append(", bytes: ").append(bytesRead).append(", writes: ").append(writesSubmitted).append('/')
                .append(writesCompleted).append(", bytes written: ").append(bytesWritten)
                .append(", in flight: ").append(inFlight)
                .append(", page cache: ").append(pageCacheReads).append('/').append(pageCacheBytes)
                .append(", admitted: ").append(admitted).append(", prefetched: ").append(prefetchedBytes)
                .append(", late: ").append(prefetchesLate)
                .append(", open files: ").append(openFileHits).append('/').append(openFileMisses)
                .append(", memory: ").append(memoryUsed).append('/').append(memoryBudget).append(" (max ")
                .append(maxMemoryUsed).append(", waits ").append(memoryWaits).append(')')
                .append(", loop lag p99/max: ").append(loopLagNanos(0.99) / 1000).append('/')
                .append(maxLoopLagNanos / 1000).append(" µs, errors: ").append(errors)
                .append(", deferred submits: ").append(submitsDeferred).append(", fallbacks: ").append(fallbackSum);
        String sep = " (";
        for (Fallback reason : Fallback.values()) {
            long n = fallbacks(reason);
            if (n > 0) {
                sb.append(sep).append(reason).append(": ").append(n);
                sep = ", ";
            }
        }
        return sb.append(sep.equals(", ") ? "))" : ")").toString();
    }
}
