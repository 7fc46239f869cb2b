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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.Errors;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Reads chunks with {@code O_DIRECT} AIO on the channel's loop: each read is aligned (its start rounded down and its
 * end rounded up to the file's alignment) into a buffer that the loop allocates, within its memory budget, when it
 * submits the read; the chunk is the part of the buffer that the region asked for. With a page-cache check, a chunk
 * whose pages are all resident is served from the page cache instead ({@link #fromPageCache}), which never waits for
 * the disk.
 */
final class DirectChunkReader implements ChunkReader {

    /** The first look at a chunk read ahead: a MiB of read-ahead takes about a millisecond on an idle SSD. */
    private static final long FIRST_CHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** After this a chunk read ahead goes to the disk with O_DIRECT: the page cache may be thrashing. */
    static final long PREFETCH_DEADLINE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final AioLoop aio;
    private final LoopRecorder metrics;
    private final DirectFile file;
    private final OpenRegion region;
    private final boolean checkCache;
    private final int alignment;
    private final int memoryAlignment;
    /** Ended by the loop if it terminates while this reader is open; {@code null} if none was attached. */
    private AioLoop.Owner owner;

    /**
     * @param file the region's file opened with {@code O_DIRECT}; released by {@link #close()}
     * @param region the region, whose own descriptor serves page-cache reads and synchronous reads
     * @param checkCache serve the chunks that are in the page cache from it
     */
    DirectChunkReader(AioLoop aio, DirectFile file, OpenRegion region, boolean checkCache) {
        this.aio = aio;
        this.metrics = aio.metrics();
        this.file = file;
        this.region = region;
        this.checkCache = checkCache;
        this.alignment = file.alignment().offset();
        this.memoryAlignment = file.alignment().memory();
    }

    @Override
    public int alignment() {
        return alignment;
    }

    @Override
    public boolean isShortOfMemory() {
        return aio.memory().isShortOfMemory();
    }

    @Override
    public int readAhead(int configured, boolean writable) {
        if (!aio.memory().isShortOfMemory()) {
            return configured;
        }
        // Short of memory, every connection keeps one chunk under way, so that none starves the others; and one whose
        // channel is not writable starts none: a chunk it read would stay in the channel until its peer reads (a
        // client that stopped reading, an HTTP/2 stream at a zero window), and what is left of the budget is for the
        // channels that make progress. It starts again when its channel becomes writable.
        return writable ? 1 : 0;
    }

    @Override
    public void read(long start, long end, Sink sink) {
        if (checkCache && region.isResident(start, end) && fromPageCache(start, end, sink)) {
            return;
        }
        readDirect(start, end, sink, PageCache.isResidencySupported());
    }

    /**
     * Reads {@code [start, end)} with {@code O_DIRECT} AIO, whatever the page cache holds.
     *
     * @param mayDivert a region sent with {@code sendfile} need not wait for memory: when the budget has no room, the
     *                  chunk is read ahead into the page cache and sent from there
     *                  ({@link AioOperation.Abort#NO_MEMORY});
     *                  only where {@code cachestat} can tell when it has arrived (with every page-cache policy: under
     *                  {@code ALWAYS_DIRECT} too, a client that stops reading must not hold the budget)
     */
    void readDirect(long start, long end, Sink sink, boolean mayDivert) {
        long alignedStart = start - start % alignment;
        long alignedEnd = end % alignment == 0 ? end : end + alignment - end % alignment;
        DirectRead read = new DirectRead(start, end, sink);
        read.fd = file.fd();
        read.length = (int) (alignedEnd - alignedStart);
        read.offset = alignedStart;
        read.memoryAlignment = memoryAlignment;
        read.mayDivert = mayDivert && !region.needsBytes && region.isPageCacheUsable();
        aio.submit(read);
    }

    /**
     * Reads {@code [start, end)} ahead into the page cache ({@code POSIX_FADV_WILLNEED}) and serves it from there
     * once it has arrived; with {@code O_DIRECT} if the page cache cannot be used, or the pages are not all there
     * after {@link #PREFETCH_DEADLINE_NANOS} (the page cache may be thrashing); such a read waits for memory rather than
     * coming back here.
     */
    void prefetch(long start, long end, Sink sink) {
        if (!region.isPageCacheUsable()
                || Native.fadvise(region.fd, start, end - start, Native.POSIX_FADV_WILLNEED) != 0) {
            readDirect(start, end, sink, false);
            return;
        }
        metrics.prefetched(end - start);
        new Arrival(start, end, sink, System.nanoTime() + PREFETCH_DEADLINE_NANOS).checkIn(FIRST_CHECK_NANOS);
    }

    /**
     * Serves {@code [start, end)} from the page cache: a part of the region for {@code sendfile}, or, when bytes are
     * needed, a {@code preadv2(RWF_NOWAIT)} copy within the loop's memory budget. {@code false} if the bytes are not
     * all there (or still on their way), or the budget has no room: the caller reads them otherwise.
     */
    boolean fromPageCache(long start, long end, Sink sink) {
        int length = (int) (end - start);
        if (!region.needsBytes) {
            metrics.pageCacheRead(length);
            sink.filled(new RegionSlice(region.region, region.channel, start, length));
            return true;
        }
        if (!sink.isNext()) {
            // Memory is taken in order: a later chunk does not jump ahead of an earlier one that waits for it.
            return false;
        }
        ByteBuf buf = aio.memory().tryAllocate(length, 1);
        if (buf == null) {
            return false;
        }
        if (!region.copyFromPageCache(buf, start, length)) {
            buf.release();
            return false;
        }
        metrics.pageCacheRead(length);
        sink.filled(buf);
        return true;
    }

    @Override
    public void attach(AioLoop.Owner owner) {
        this.owner = owner;
        aio.attach(owner);
    }

    @Override
    public void close() {
        if (owner != null) {
            aio.detach(owner);
            owner = null;
        }
        aio.files().cache().release(file);
    }

    @Override
    public String toString() {
        return "DirectChunkReader(" + region + ", alignment: " + alignment + ')';
    }

    /** One aligned AIO read; its buffer is its own until the chunk takes it (or until it is freed, unwanted). */
    private final class DirectRead extends AioOperation {
        private final long start;
        private final long end;
        private final Sink sink;

        DirectRead(long start, long end, Sink sink) {
            this.start = start;
            this.end = end;
            this.sink = sink;
        }

        @Override
        boolean isCancelled() {
            return sink.isCancelled();
        }

        @Override
        boolean isStalled() {
            return sink.isStalled();
        }

        @Override
        void completed(long res) {
            try {
                complete(res);
            } catch (Throwable t) {
                // Whatever went wrong, the chunk must end: a stream that hears nothing hangs.
                releaseBuffer();
                sink.failed(t);
            }
        }

        private void complete(long res) {
            if (sink.isCancelled()) {
                // The region failed or the channel closed while the disk was busy: only the buffer is left to free.
                releaseBuffer();
                return;
            }
            if (res < 0) {
                IOException cause = Errors.newIOException("aio read", (int) res);
                fail(new IOException("reading " + region + " at offset " + offset + " failed: " + cause.getMessage(),
                        cause));
                return;
            }
            if (offset + res < end) {
                fail(OpenRegion.shrank(region.channel, end, region));
                return;
            }
            ByteBuf buf = buffer;
            buffer = null;
            int dataIndex = index + (int) (start - offset);
            sink.filled(buf.setIndex(dataIndex, dataIndex + (int) (end - start)));
        }

        @Override
        void aborted(AioOperation.Abort reason) {
            switch (reason) {
                case SUBMIT_STARVED:
                    metrics.fallback(AioMetrics.Fallback.SUBMIT_EAGAIN, "io_submit kept refusing reads with EAGAIN");
                    long res;
                    try {
                        res = sink.isCancelled() ? 0 : readSynchronously();
                    } catch (Throwable t) {
                        releaseBuffer();
                        sink.failed(t);
                        return;
                    }
                    completed(res);
                    break;
                case LOOP_CLOSED:
                    releaseBuffer();
                    sink.failed(new IOException("the event loop shut down while " + region + " was being read"));
                    break;
                case NO_MEMORY:
                    if (!sink.isCancelled()) {
                        prefetch(start, end, sink);
                    }
                    break;
                default:
                    releaseBuffer();
                    break;
            }
        }

        private void fail(IOException cause) {
            releaseBuffer();
            metrics.error();
            sink.failed(cause);
        }

        private long readSynchronously() {
            if (buffer == null) {
                // It starved before the loop gave it memory: a degraded path, outside the budget.
                buffer = Unpooled.directBuffer(length + memoryAlignment);
                index = LoopMemory.alignedIndex(buffer, memoryAlignment);
            }
            long total = 0;
            while (total < length) {
                long n = Native.preadv2(region.fd, Buffers.address(buffer, index, length) + total,
                        (int) (length - total), offset + total, 0);
                if (n <= 0) {
                    return n < 0 ? n : total;
                }
                total += n;
            }
            return total;
        }

        private void releaseBuffer() {
            ByteBuf b = buffer;
            if (b != null) {
                buffer = null;
                b.release();
            }
        }
    }

    /** Waits for the read-ahead of one chunk. */
    private final class Arrival implements Runnable {
        private final long start;
        private final long end;
        private final Sink sink;
        private final long deadline;

        Arrival(long start, long end, Sink sink, long deadline) {
            this.start = start;
            this.end = end;
            this.sink = sink;
            this.deadline = deadline;
        }

        void checkIn(long nanos) {
            aio.schedule(this, nanos);
        }

        @Override
        public void run() {
            if (sink.isCancelled() || region.isResident(start, end) && fromPageCache(start, end, sink)) {
                return;
            }
            if (!region.isPageCacheUsable() || System.nanoTime() - deadline > 0) {
                metrics.prefetchLate();
                readDirect(start, end, sink, false);
                return;
            }
            checkIn(RECHECK_NANOS);
        }
    }
}
