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
import io.netty.util.concurrent.Future;
import io.netty.util.internal.ObjectUtil;

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

    private final EventLoop loop;
    private final File file;
    /** Everything the sink does with what it is given. */
    private final SinkWriter writer;

    private AioFileSink(Builder b) throws IOException {
        loop = b.channel.eventLoop();
        file = b.file;
        writer = new SinkWriter(b.channel, b.file, b.blockSize, b.maxWritesInFlight, b.sync == Sync.FSYNC,
                b.expectedLength, b.loopConfig);
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
        return writer.isDirect();
    }

    /**
     * Whether writes go through AIO.
     *
     * @return {@code true} for AIO (direct or buffered); {@code false} for blocking writes
     */
    public boolean isAio() {
        return writer.isAio();
    }

    /**
     * Bytes given to {@link #write} so far.
     *
     * @return the count of bytes received
     */
    public long received() {
        return writer.received();
    }

    /**
     * Succeeds with the file's length once {@link #close()} has written and synced everything; fails as soon as a
     * write fails or the sink is {@linkplain #abort aborted}.
     *
     * @return the sink's outcome
     */
    public Future<Long> result() {
        return writer.result();
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
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
        writer.write(data);
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
        return writer.close();
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
        writer.abort(cause);
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("AioFileSink must be used on its channel's event loop " + loop);
        }
    }

    @Override
    public String toString() {
        return writer.toString();
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
