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
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.File;
import java.io.IOException;

/**
 * What an {@link AioFileSink} does with what it is given: blocks ({@link SinkBlocks}) written in file order, at most
 * {@code maxWritesInFlight} at a time, through the loop's AIO or with blocking calls ({@link SinkFile}); then the
 * file's exact length and the final sync; the first failure, after which everything not under a write is freed; the
 * channel's reading paused while the disk is behind; and the loop's end. Used on the channel's event loop.
 */
final class SinkWriter {

    /** The public class's logger: what the sink logs is the sink's. */
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileSink.class);

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
    /** {@code fsync} rather than {@code fdatasync}. */
    private final boolean fullSync;
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

    SinkWriter(Channel channel, File file, int blockSize, int maxWritesInFlight, boolean fullSync, long expectedLength,
               AioLoopConfig loopConfig) throws IOException {
        this.channel = channel;
        loop = channel.eventLoop();
        this.file = file;
        this.blockSize = blockSize;
        this.maxWritesInFlight = maxWritesInFlight;
        this.fullSync = fullSync;
        metrics = LoopRecorders.of(loop);
        result = loop.newPromise();
        aio = ReaderFactory.aioLoop(loop, metrics, loopConfig);
        out = new SinkFile(file, aio != null, blockSize, expectedLength, metrics);
        blocks = new SinkBlocks(channel, aio, out, blockSize, writes, () -> loopGone("written"), () -> {
            copyHeld();
            pump();
        });
        if (aio != null) {
            aio.attach(owner);
        }
    }

    boolean isDirect() {
        return out.isDirect();
    }

    boolean isAio() {
        return aio != null;
    }

    long received() {
        return blocks.received();
    }

    Promise<Long> result() {
        return result;
    }

    /** {@link AioFileSink#write}, on the loop: {@code data} is released whatever happens. */
    void write(ByteBuf data) {
        if (failure != null) {
            data.release();
            return;
        }
        if (closing) {
            data.release();
            throw new IllegalStateException("the sink is closed: " + this);
        }
        blocks.hold(data);
        copyHeld();
        pump();
    }

    /** {@link AioFileSink#close}, on the loop. */
    Future<Long> close() {
        if (!closing) {
            closing = true;
            if (failure == null) {
                blocks.sealLast();
            }
            pump();
        }
        return result;
    }

    /** {@link AioFileSink#abort}, on the loop. */
    void abort(Throwable cause) {
        closing = true;
        if (!result.isDone()) {
            fail(cause);
        }
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
            op.opcode = fullSync ? Native.IOCB_CMD_FSYNC : Native.IOCB_CMD_FDSYNC;
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
        if (aio != null && aio.isLoopGone()) {
            // The loop ended without closing the channel: the channel is no longer the sink's to touch (its I/O
            // handler is gone, and autoRead would hand a task to a loop that takes none). A sink without AIO is not
            // ended by the loop: it never gets here then.
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
                    fail(ioFailure(fullSync ? "aio fsync" : "aio fdatasync", res));
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
                out.force(fullSync);
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
}
