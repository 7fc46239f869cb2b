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
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Writes a stream of {@link ByteBuf}s (for example an HTTP request body as it arrives) to a file with Linux AIO on
 * the channel's own event loop, in order, with bounded memory, and makes it durable on {@link #close()}.
 * <p>
 * The bytes are gathered into blocks ({@link Builder#blockSize}, 1 MiB by default) that are written with
 * {@code O_DIRECT} {@code IOCB_CMD_PWRITE}; the last, partial block is padded to the file's direct-I/O alignment,
 * written, and the file is then truncated to the exact number of bytes given. {@code close()} ends with an
 * {@code IOCB_CMD_FDSYNC} (or {@code IOCB_CMD_FSYNC}) through AIO, and its future succeeds only when the kernel reports
 * the data durable. Appending {@code O_DIRECT} writes are done synchronously inside {@code io_submit} on ext4, so the
 * file is extended ahead of the writes ({@code ftruncate}, to {@link Builder#expectedLength} when known, else in
 * doubling steps): writes inside the file's size are really asynchronous.
 * <p>
 * <b>Backpressure.</b> At most {@link Builder#maxWritesInFlight} blocks are written at a time. When that many are
 * under way (or the loop's memory budget runs short), the sink turns the channel's {@code autoRead} off, and back on
 * once the disk has caught up. Blocks come from the loop's chunk pool, within its memory budget: data that finds no
 * room waits, reading paused, until a buffer comes back; a block begun while the budget is more than half in use is
 * 64 KiB. Memory per sink is therefore at most {@code (maxWritesInFlight + 1) × blockSize}.
 * <p>
 * <b>Fallbacks</b>, counted in the loop's {@link AioMetrics}: a file system that refuses {@code O_DIRECT} gets
 * buffered AIO writes ({@link AioMetrics.Fallback#DIRECT_IO_REFUSED}), which copy into the page cache inside
 * {@code io_submit}; a loop that is neither epoll nor io_uring (NIO, {@code EmbeddedChannel}'s), or where AIO is
 * unavailable (the native library missing too), gets blocking {@link FileChannel} writes on the loop
 * ({@link AioMetrics.Fallback#UNSUPPORTED_LOOP} and the others).
 * <p>
 * <b>Errors.</b> A failed write (for example {@code ENOSPC}) fails {@link #result()} at once and frees every buffer
 * the sink holds; further data given to {@link #write} is released and dropped. A buffer under a write stays alive
 * until the kernel reports the write complete, whatever happens to the sink or the channel. The file keeps the bytes
 * written before the first block that failed or was given up, its length cut there (not left at a length extended
 * ahead for {@link Builder#expectedLength}); deleting it is the caller's decision. Messages name the file.
 * <p>
 * <b>Loop termination.</b> If the event loop terminates without closing the channel (a shutdown with a zero quiet
 * period can end a loop that way), a sink that writes through AIO ({@link #isAio()}) is ended as the loop ends, on the
 * loop's thread after its last task, whatever it waited for (more data, a write, a timer of the loop):
 * {@link #result()} fails with an {@link IOException} that says the loop terminated, the descriptors close and every
 * buffer is freed, without touching the channel. The result's listeners run then, on that thread: the loop takes no
 * more tasks, so a listener must not use the channel. The file is left as after any failure.
 * <p>
 * Every method must be called on the channel's event loop.
 *
 * <pre>{@code
 * AioFileSink sink = AioFileSink.builder(ctx.channel(), file).expectedLength(contentLength).open();
 * // for each HttpContent: sink.write(content.content().retain());
 * sink.close().addListener(f -> ... f.isSuccess() ? 201 : 500 ...);
 * }</pre>
 */
public final class AioFileSink {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileSink.class);

    /** The default size of a block written with one AIO write: 1 MiB. */
    public static final int DEFAULT_BLOCK_SIZE = 1 << 20;
    /** The default number of blocks written at a time: 4. */
    public static final int DEFAULT_MAX_WRITES_IN_FLIGHT = 4;

    /** How {@link #close()} makes the data durable. */
    public enum Sync {
        /** {@code IOCB_CMD_FDSYNC}: the data and the metadata needed to read it ({@code fdatasync(2)}). */
        FDSYNC,
        /** {@code IOCB_CMD_FSYNC}: the data and all metadata ({@code fsync(2)}). */
        FSYNC
    }

    private final Channel channel;
    private final EventLoop loop;
    private final File file;
    private final LoopRecorder metrics;
    /** The loop's AIO state, or {@code null} for blocking writes. */
    private final AioLoop aio;
    /** The file, its descriptors and its alignment. */
    private final SinkFile out;
    private final int blockSize;
    private final int maxWritesInFlight;
    private final Sync sync;
    private final Promise<Long> result;
    /** The data given, as blocks: waiting for memory, being filled, sealed and waiting to be written. */
    private final SinkBlocks blocks;
    /**
     * Attached to the loop's AIO state while the sink holds its descriptors: ends the sink if the loop terminates
     * without closing the channel (nothing else would reach it again).
     */
    private final AioLoop.Owner owner = reason -> loopTerminated();

    /** Writes (and the final sync) handed to the kernel and not completed. */
    private int inFlight;
    private boolean closing;
    private boolean syncStarted;
    private boolean pausedReading;
    private Throwable failure;

    private AioFileSink(Builder b) throws IOException {
        channel = b.channel;
        loop = channel.eventLoop();
        file = b.file;
        blockSize = b.blockSize;
        maxWritesInFlight = b.maxWritesInFlight;
        sync = b.sync;
        metrics = LoopRecorders.of(loop);
        result = loop.newPromise();
        aio = ReaderFactory.aioLoop(loop, metrics, b.loopConfig);
        out = new SinkFile(file, aio != null, blockSize, b.expectedLength, metrics);
        blocks = new SinkBlocks(channel, aio, out, blockSize, writes, () -> loopGone("written"), () -> {
            copyHeld();
            pump();
        });
        if (aio != null) {
            aio.attach(owner);
        }
    }

    /**
     * A builder of a sink that writes {@code file} (created if missing, truncated if not) for {@code channel}, whose
     * reading it pauses when the disk falls behind.
     *
     * @param channel the channel whose body is written: its event loop runs the writes, and its reading pauses
     * @param file the file to write
     * @return a builder; {@link Builder#open()} opens the file
     */
    public static Builder builder(Channel channel, File file) {
        return new Builder(channel, file);
    }

    /**
     * Syncs a directory ({@code IOCB_CMD_FSYNC} on it, through AIO on the channel's loop): after a file written by a
     * sink has been renamed into {@code directory}, this makes the new name durable too. Where AIO cannot be used,
     * the sync is a blocking {@code fsync} on the loop. Call on the channel's event loop.
     *
     * @param channel the channel on whose event loop the sync runs
     * @param directory the directory to sync
     * @return succeeds when the kernel reports the directory synced
     * @throws IOException if the directory cannot be opened
     */
    public static Future<Void> syncDirectory(Channel channel, File directory) throws IOException {
        ObjectUtil.checkNotNull(channel, "channel");
        ObjectUtil.checkNotNull(directory, "directory");
        return DirectorySync.sync(channel.eventLoop(), directory);
    }

    /**
     * The file being written.
     *
     * @return the file given to {@link #builder}
     */
    public File file() {
        return file;
    }

    /**
     * Whether the blocks are written with {@code O_DIRECT} AIO.
     *
     * @return {@code true} for {@code O_DIRECT} AIO; {@code false} on a fallback path
     */
    public boolean isDirect() {
        return out.isDirect();
    }

    /**
     * Whether writes go through AIO.
     *
     * @return {@code true} for AIO (direct or buffered); {@code false} for blocking writes
     */
    public boolean isAio() {
        return aio != null;
    }

    /**
     * Bytes given to {@link #write} so far.
     *
     * @return the count of bytes received
     */
    public long received() {
        return blocks.received();
    }

    /**
     * Succeeds with the file's length once {@link #close()} has written and synced everything; fails as soon as a
     * write fails or the sink is {@linkplain #abort aborted}.
     *
     * @return the sink's outcome
     */
    public Future<Long> result() {
        return result;
    }

    /**
     * Appends the readable bytes of {@code data} and releases it (always, also when this throws). The bytes are
     * copied into the block being filled; full blocks are written in order. Once the sink has failed or been
     * aborted, data is dropped.
     *
     * @param data the bytes to append; released by this call
     * @throws IllegalStateException if called off the event loop, or after {@link #close()} on a sink that has not
     *         failed
     */
    public void write(ByteBuf data) {
        ObjectUtil.checkNotNull(data, "data");
        try {
            checkLoop();
            if (failure != null) {
                data.release();
                return;
            }
            if (closing) {
                throw new IllegalStateException("the sink is closed: " + this);
            }
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
        blocks.hold(data);
        copyHeld();
        pump();
    }

    /**
     * Copies the data that waits into blocks ({@link SinkBlocks#copyHeld}); once the sink is closing and nothing
     * waits, the last block is sealed.
     */
    private void copyHeld() {
        if (failure != null) {
            return;
        }
        try {
            blocks.copyHeld();
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        if (closing) {
            blocks.sealLast();
        }
    }

    /**
     * Writes what is left, truncates the file to the bytes given, and syncs it through AIO. The future (the same as
     * {@link #result()}) succeeds with the file's length when the data is durable. Calling it again returns the same
     * future.
     *
     * @return {@link #result()}
     * @throws IllegalStateException if called off the event loop
     */
    public Future<Long> close() {
        checkLoop();
        if (!closing) {
            closing = true;
            if (failure == null) {
                blocks.sealLast();
            }
            pump();
        }
        return result;
    }

    /**
     * Gives up: {@link #result()} fails with {@code cause}, every buffer not under a write is freed, and the channel
     * reads again. Writes already under way finish on their own (the kernel cannot cancel them); their buffers are
     * freed when they do. Does nothing if the sink already succeeded or failed.
     *
     * @param cause why the sink gives up: {@link #result()} fails with it
     * @throws IllegalStateException if called off the event loop
     */
    public void abort(Throwable cause) {
        ObjectUtil.checkNotNull(cause, "cause");
        checkLoop();
        closing = true;
        if (!result.isDone()) {
            fail(cause);
        }
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("AioFileSink must be used on its channel's event loop " + loop);
        }
    }

    /** Starts the writes the bound allows, then the final sync, and pauses or resumes reading. */
    private void pump() {
        try {
            while (failure == null && blocks.peekQueued() != null && inFlight < maxWritesInFlight) {
                SinkWrite w = blocks.peekQueued();
                out.extendFor(w.offset + w.length);
                blocks.pollQueued();
                start(w);
            }
            if (failure == null && closing && !syncStarted && inFlight == 0 && blocks.isEmpty()) {
                finish();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
        updateReading();
    }

    private void start(SinkWrite w) throws IOException {
        inFlight++;
        if (aio != null) {
            w.opcode = Native.IOCB_CMD_PWRITE;
            w.fd = out.fd;
            aio.submit(w);
            return;
        }
        long res;
        try {
            res = out.write(w.buffer, w.index, w.length, w.offset);
        } catch (IOException | RuntimeException e) {
            inFlight--;
            w.free();
            throw e;
        }
        metrics.blockingWrite(res);
        w.completed(res);
    }

    /** Every block is written: the file gets its exact length, then is synced. */
    private void finish() throws IOException {
        syncStarted = true;
        out.cutTo(blocks.received());
        inFlight++;
        SyncOp op = new SyncOp();
        if (aio != null) {
            op.opcode = sync == Sync.FSYNC ? Native.IOCB_CMD_FSYNC : Native.IOCB_CMD_FDSYNC;
            op.fd = out.fd;
            aio.submit(op);
        } else {
            op.syncBlocking();
        }
    }

    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        blocks.freeAll();
        result.tryFailure(cause);
        closeFilesIfIdle();
        updateReading();
    }

    private void succeed() {
        closeFilesIfIdle();
        if (!result.trySuccess(blocks.received())) {
            logger.debug("{} was synced after it had been aborted", this);
        }
        updateReading();
    }

    private void lost(long offset) {
        out.lost(offset);
    }

    /** The descriptors close once nothing is in flight (so that a synchronous retry still finds them open). */
    private void closeFilesIfIdle() {
        if (inFlight == 0) {
            closeFiles();
        }
    }

    /** Closes the descriptors, once; the sink then holds nothing, and the loop's termination need not end it. */
    private void closeFiles() {
        if (out.close(failure != null, blocks.received()) && aio != null) {
            aio.detach(owner);
        }
    }

    /**
     * The loop ended without closing the channel ({@link AioLoop.Owner}), on its thread after its last task: every
     * write and sync of the sink has ended (each freeing its own block), and nothing runs on the loop any more. Frees the
     * block being filled and those waiting, fails the result and closes the descriptors. Not called if the sink let go
     * of its descriptors first, so that nothing is freed twice.
     */
    private void loopTerminated() {
        fail(loopGone("written"));
        // Every operation of the loop has ended by now: nothing can use the descriptors again.
        closeFiles();
    }

    /** Why the sink failed when its loop went away while it was being {@code doing}. */
    private IOException loopGone(String doing) {
        return new IOException("the event loop " + loop + (LoopSlot.hasEnded(loop) ? " terminated" : " shut down")
                + " while " + file + " was being " + doing + " (" + blocks.received() + " bytes received)");
    }

    /**
     * Reading pauses while {@code maxWritesInFlight} blocks (or more) are written or waiting, or while the loop's
     * memory budget is short and a completion will come to resume it; it resumes when they drain, or when the sink
     * ends.
     */
    private void updateReading() {
        if (LoopSlot.hasEnded(loop)) {
            // The loop ended without closing the channel: the channel is no longer the sink's to touch (its I/O
            // handler is gone, and autoRead would hand a task to a loop that takes none).
            return;
        }
        boolean pause = failure == null && !result.isDone() && !closing
                && (inFlight + blocks.queuedCount() >= maxWritesInFlight || blocks.hasHeld()
                || inFlight > 0 && aio != null && aio.memory().isShortOfMemory());
        if (pause && !pausedReading) {
            if (channel.config().isAutoRead()) {
                pausedReading = true;
                channel.config().setAutoRead(false);
            }
        } else if (!pause && pausedReading) {
            pausedReading = false;
            channel.config().setAutoRead(true);
        }
    }

    private IOException ioFailure(String what, long res) {
        IOException cause = Errors.newIOException(what, (int) res);
        return new IOException(what + " of " + file + " failed: " + errnoText(cause), cause);
    }

    /** The errno's description in a native exception's message ("...: No space left on device"). */
    static String errnoText(IOException nativeFailure) {
        String message = String.valueOf(nativeFailure.getMessage());
        return message.substring(message.lastIndexOf(": ") + 1).trim();
    }

    @Override
    public String toString() {
        return "AioFileSink(" + file + ", received: " + blocks.received() + ", in flight: " + inFlight
                + (out.isDirect() ? ", O_DIRECT" : aio != null ? ", buffered AIO" : ", blocking") + ')';
    }

    /** How each block's write ended: the sink goes on, or fails. */
    private final SinkWrite.Listener writes = new SinkWrite.Listener() {
        @Override
        public void written(SinkWrite w, long res) {
            inFlight--;
            long length = w.length;
            long at = w.offset;
            w.free();
            if (res < 0) {
                metrics.error();
                lost(at);
                fail(ioFailure("aio write at offset " + at, res));
            } else if (res != length) {
                metrics.error();
                lost(at);
                fail(new IOException("short write of " + file + " at offset " + at + ": " + res + " of " + length
                        + " bytes"));
            }
            closeFilesIfFailed();
            pump();
        }

        @Override
        public void writeAborted(SinkWrite w, AioOperation.Abort reason) {
            if (reason == AioOperation.Abort.SUBMIT_STARVED) {
                metrics.fallback(AioMetrics.Fallback.SUBMIT_EAGAIN, "io_submit kept refusing writes with EAGAIN");
                long res;
                try {
                    res = failure != null ? w.length : out.write(w.buffer, w.index, w.length, w.offset);
                } catch (IOException | RuntimeException e) {
                    inFlight--;
                    lost(w.offset);
                    w.free();
                    fail(e);
                    closeFilesIfFailed();
                    return;
                }
                written(w, res);
                return;
            }
            inFlight--;
            lost(w.offset);
            w.free();
            if (reason == AioOperation.Abort.LOOP_CLOSED) {
                fail(loopGone("written"));
            }
            closeFilesIfFailed();
        }
    };

    private void closeFilesIfFailed() {
        if (failure != null) {
            closeFilesIfIdle();
        }
    }

    /** The final {@code fdatasync}/{@code fsync}. */
    private final class SyncOp extends AioOperation {

        @Override
        void completed(long res) {
            inFlight--;
            try {
                if (res < 0) {
                    metrics.error();
                    fail(ioFailure(sync == Sync.FSYNC ? "aio fsync" : "aio fdatasync", res));
                } else {
                    succeed();
                }
            } finally {
                // Also when the sink had already failed (aborted while the sync was under way).
                closeFilesIfIdle();
            }
        }

        /** The sync where AIO has none (no AIO, or a file system without AIO fsync): a blocking one on the loop. */
        void syncBlocking() {
            inFlight--;
            try {
                out.force(sync == Sync.FSYNC);
                succeed();
            } catch (IOException e) {
                fail(e);
            } finally {
                closeFilesIfIdle();
            }
        }

        @Override
        void aborted(AioOperation.Abort reason) {
            if (reason == AioOperation.Abort.SUBMIT_STARVED || reason == AioOperation.Abort.NO_AIO_SYNC) {
                syncBlocking();
            } else {
                inFlight--;
                fail(loopGone("synced"));
                closeFilesIfIdle();
            }
        }

        @Override
        boolean isCancelled() {
            return false;
        }
    }

    /** Settings of one {@link AioFileSink}; every setter checks its argument. */
    public static final class Builder {
        private final Channel channel;
        private final File file;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private int maxWritesInFlight = DEFAULT_MAX_WRITES_IN_FLIGHT;
        private long expectedLength = -1;
        private Sync sync = Sync.FDSYNC;
        /** {@code null}: the loop's. */
        private AioLoopConfig loopConfig;

        private Builder(Channel channel, File file) {
            this.channel = ObjectUtil.checkNotNull(channel, "channel");
            this.file = ObjectUtil.checkNotNull(file, "file");
        }

        /**
         * Bytes per AIO write, a power of two from 4 KiB to 64 MiB (default 1 MiB); a multiple of every direct-I/O
         * alignment in use.
         *
         * @param blockSize bytes per write
         * @return this builder
         */
        public Builder blockSize(int blockSize) {
            if (blockSize < 4096 || blockSize > 64 << 20 || (blockSize & blockSize - 1) != 0) {
                throw new IllegalArgumentException("blockSize: " + blockSize
                        + " (expected: a power of two from 4096 to 67108864)");
            }
            this.blockSize = blockSize;
            return this;
        }

        /**
         * Blocks written at a time before reading pauses, 1 to 64 (default 4).
         *
         * @param maxWritesInFlight the bound on writes in flight
         * @return this builder
         */
        public Builder maxWritesInFlight(int maxWritesInFlight) {
            if (maxWritesInFlight < 1 || maxWritesInFlight > 64) {
                throw new IllegalArgumentException("maxWritesInFlight: " + maxWritesInFlight + " (expected: 1..64)");
            }
            this.maxWritesInFlight = maxWritesInFlight;
            return this;
        }

        /**
         * The length the file will probably have (a {@code Content-Length}), or -1 if unknown (the default): the
         * file is extended to it once, ahead of the writes. A wrong guess costs nothing but that.
         *
         * @param expectedLength the expected length in bytes, or -1
         * @return this builder
         */
        public Builder expectedLength(long expectedLength) {
            if (expectedLength < -1) {
                throw new IllegalArgumentException("expectedLength: " + expectedLength + " (expected: >= -1)");
            }
            this.expectedLength = expectedLength;
            return this;
        }

        /**
         * How {@link AioFileSink#close()} makes the data durable (default {@link Sync#FDSYNC}).
         *
         * @param sync the kind of sync
         * @return this builder
         */
        public Builder sync(Sync sync) {
            this.sync = ObjectUtil.checkNotNull(sync, "sync");
            return this;
        }

        /**
         * The settings of the event loop's AIO state, for a sink that is the first to use AIO on a loop not made
         * with {@link AioIoHandler} (without them, {@link AioLoopConfig#DEFAULT} then; a loop already set up keeps its
         * own). A loop has one configuration: give the same as its handlers' {@link AioFileRegionConfig#loopConfig()};
         * another one is logged once and not used.
         *
         * @param loopConfig the loop's AIO settings
         * @return this builder
         */
        public Builder loopConfig(AioLoopConfig loopConfig) {
            this.loopConfig = ObjectUtil.checkNotNull(loopConfig, "loopConfig");
            return this;
        }

        /**
         * Opens the file and returns the sink. Call on the channel's event loop.
         *
         * @return the open sink
         * @throws IOException if the file cannot be opened or truncated
         * @throws IllegalStateException if called off the channel's event loop
         */
        public AioFileSink open() throws IOException {
            if (!channel.eventLoop().inEventLoop()) {
                throw new IllegalStateException("AioFileSink must be opened on its channel's event loop "
                        + channel.eventLoop());
            }
            return new AioFileSink(this);
        }
    }
}
