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
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.internal.ObjectUtil;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ChunkedInput} of a file range whose chunks are read by Linux AIO on the channel's own event loop (epoll or
 * io_uring): for pipelines that need {@link ByteBuf}s rather than file regions (HTTP/2 DATA frames, content
 * compression, {@code HttpChunkedInput}) and that {@code ChunkedNioFile} would block while it reads the disk.
 *
 * <pre>{@code
 * ch.pipeline().addLast(new HttpServerCodec(), new ChunkedWriteHandler(), handler);
 * // in the handler, after the response head:
 * ctx.writeAndFlush(new HttpChunkedInput(new AioChunkedInput(ctx.channel(), file, 0, file.length())));
 * }</pre>
 *
 * Each chunk is read with {@code O_DIRECT} into an aligned buffer of the loop's pool, or copied from the page cache
 * when it is resident there (see {@link AioFileRegionConfig.PageCachePolicy}), exactly as {@link AioFileRegionHandler}
 * reads regions, with the same read-ahead and the loop's memory budget: a chunk's memory counts until the buffer
 * handed out is freed. While more than half of the budget is in use, chunks are read 64 KiB at a time and handed out as
 * copies in the channel's allocator, so that a peer that stops reading (an HTTP/2 stream at a zero window) holds its
 * chunk outside the budget. While the next chunk is still on its way, {@link #readChunk(ByteBufAllocator)} returns
 * {@code null}; when it arrives, the channel's {@link ChunkedWriteHandler} is asked to go on
 * ({@link ChunkedWriteHandler#resumeTransfer()}) from the loop itself, so the loop never waits for the disk. A read
 * that fails is thrown by the next {@code readChunk}, which makes {@code ChunkedWriteHandler} fail the write and close
 * the input.
 * <p>
 * Where AIO cannot be used (a loop that is neither epoll nor io_uring, a {@code ChunkedWriteHandler} on an executor
 * of its own, a file system that refuses {@code O_DIRECT}, AIO unavailable or switched off) the chunks are read
 * synchronously with {@link FileChannel#read}, as {@code ChunkedNioFile} reads them, counted in {@link AioMetrics} by
 * reason.
 * <p>
 * The input owns its file: closing it closes the {@link FileChannel}. Chunks are asked for by the channel's
 * {@code ChunkedWriteHandler} on the channel's event loop; one input serves one write.
 */
public class AioChunkedInput implements ChunkedInput<ByteBuf> {

    private final Channel channel;
    private final DefaultFileRegion region;
    private final FileChannel file;
    private final AioFileRegionConfig config;
    private final long start;
    private final long end;
    /** The reader a test gives, or {@code null}: the loop's route decides on the first chunk. */
    private final ChunkReader givenReader;
    private LoopRecorder metrics;
    /** The chunks read through AIO or the page cache; {@code null} before the first chunk, or when synchronous. */
    private ChunkedReads reads;
    private boolean started;
    /** The next byte to hand out. */
    private long offset;
    private boolean closed;
    private boolean released;

    /**
     * The whole of {@code file}, with {@link AioFileRegionConfig#DEFAULT}.
     *
     * @param channel the channel the chunks are written to: its event loop reads them
     * @param file the file to read
     * @throws IOException if the file cannot be opened
     */
    public AioChunkedInput(Channel channel, File file) throws IOException {
        this(channel, file, 0, ObjectUtil.checkNotNull(file, "file").length());
    }

    /**
     * {@code count} bytes of {@code file} from {@code position}, with {@link AioFileRegionConfig#DEFAULT}.
     *
     * @param channel the channel the chunks are written to: its event loop reads them
     * @param file the file to read
     * @param position where the bytes start in the file
     * @param count how many bytes to send
     * @throws IOException if the file cannot be opened
     */
    public AioChunkedInput(Channel channel, File file, long position, long count) throws IOException {
        this(channel, file, position, count, AioFileRegionConfig.DEFAULT);
    }

    /**
     * {@code count} bytes of {@code file} from {@code position}. The file is opened now and closed with the input.
     *
     * @param channel the channel the chunks are written to: its event loop reads them
     * @param file the file to read
     * @param position where the bytes start in the file
     * @param count how many bytes to send
     * @param config chunk size, read-ahead, page cache policy and loop settings, as for {@link AioFileRegionHandler}
     * @throws IOException if the file cannot be opened
     * @throws IllegalArgumentException if {@code position} or {@code count} is negative or their sum overflows (is
     *         above {@code Long.MAX_VALUE - 2^30}); the file is not opened then
     */
    public AioChunkedInput(Channel channel, File file, long position, long count, AioFileRegionConfig config)
            throws IOException {
        this(channel, open(channel, file, position, count, config), position, count, config);
    }

    /**
     * {@code count} bytes of an open {@code file} from {@code position}, with {@link AioFileRegionConfig#DEFAULT}.
     * The input owns the file channel from now on and closes it.
     *
     * @param channel the channel the chunks are written to: its event loop reads them
     * @param file the open file to read; the input closes it
     * @param position where the bytes start in the file
     * @param count how many bytes to send
     */
    public AioChunkedInput(Channel channel, FileChannel file, long position, long count) {
        this(channel, file, position, count, AioFileRegionConfig.DEFAULT);
    }

    /**
     * {@code count} bytes of an open {@code file} from {@code position}. The input owns the channel from now on: it is
     * closed with the input (as {@code ChunkedNioFile} closes its channel).
     *
     * @param channel the channel the chunks are written to: its event loop reads them
     * @param file the open file to read; the input closes it
     * @param position where the bytes start in the file
     * @param count how many bytes to send
     * @param config chunk size, read-ahead, page cache policy and loop settings, as for {@link AioFileRegionHandler}
     * @throws IllegalArgumentException if {@code position} or {@code count} is negative or their sum overflows (is
     *         above {@code Long.MAX_VALUE - 2^30})
     */
    public AioChunkedInput(Channel channel, FileChannel file, long position, long count,
                           AioFileRegionConfig config) {
        this(channel, file, position, count, config, null);
    }

    /** An input whose chunks {@code reader} reads, if not {@code null}: for tests of the input over a fake reader. */
    AioChunkedInput(Channel channel, FileChannel file, long position, long count, AioFileRegionConfig config,
                    ChunkReader reader) {
        givenReader = reader;
        this.channel = ObjectUtil.checkNotNull(channel, "channel");
        this.file = ObjectUtil.checkNotNull(file, "file");
        this.config = ObjectUtil.checkNotNull(config, "config");
        ReaderFactory.checkRange(position, count);
        region = new DefaultFileRegion(file, position, count);
        start = position;
        end = position + count;
        offset = start;
    }

    /** Opens {@code file} once every argument has been checked: a constructor that throws leaves nothing open. */
    private static FileChannel open(Channel channel, File file, long position, long count, AioFileRegionConfig config)
            throws IOException {
        ObjectUtil.checkNotNull(channel, "channel");
        ObjectUtil.checkNotNull(file, "file");
        ObjectUtil.checkNotNull(config, "config");
        ReaderFactory.checkRange(position, count);
        return FileChannel.open(file.toPath(), StandardOpenOption.READ);
    }

    /** {@code true} once every byte of the range has been handed out, or the input was closed. */
    @Override
    public boolean isEndOfInput() {
        return closed || offset >= end;
    }

    /**
     * Frees what the input holds and closes its file; a buffer under a read is freed when the read completes. Called
     * off the channel's loop, the input is closed on the loop; if the loop no longer runs tasks, it is closed when
     * the loop's AIO state ends (when the loop terminates, at the latest).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        EventLoop loop = channel.eventLoop();
        if (reads != null && !loop.inEventLoop()) {
            // The reads' state belongs to the loop.
            try {
                loop.execute(this::closeNow);
            } catch (RejectedExecutionException e) {
                // The loop is going away and runs nothing more: its end ends the input (AioLoop.Owner).
            }
            return;
        }
        closeNow();
    }

    /** @deprecated use {@link #readChunk(ByteBufAllocator)} */
    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    /**
     * The next chunk, or {@code null} if it is still being read (or the range has been handed out): the channel's
     * {@link ChunkedWriteHandler} is resumed when it arrives.
     *
     * @throws IOException if the file could not be read (an I/O error, a file shorter than the range, the loop
     *         shutting down)
     * @throws IllegalStateException if called off the channel's event loop once the input reads through AIO (its
     *         first call on the loop chose that)
     */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (closed) {
            throw new IOException("AioChunkedInput is closed: " + this);
        }
        if (reads != null && !channel.eventLoop().inEventLoop()) {
            // Reading through AIO, its state belongs to the channel's loop (an input first read elsewhere reads
            // synchronously, and may go on doing so anywhere).
            throw new IllegalStateException("AioChunkedInput reads through AIO on its channel's event loop "
                    + channel.eventLoop() + "; readChunk was called on " + Thread.currentThread().getName());
        }
        if (reads != null) {
            reads.throwIfFailed();
        }
        if (offset >= end) {
            return null;
        }
        if (!started) {
            start();
        }
        if (reads == null) {
            return readSynchronously(allocator);
        }
        ByteBuf chunk = reads.next(allocator);
        if (chunk != null) {
            offset = reads.handedOut();
            if (offset == end) {
                releaseResources();
            }
        }
        return chunk;
    }

    /** The length of the range in bytes. */
    @Override
    public long length() {
        return end - start;
    }

    /** The bytes handed out so far. */
    @Override
    public long progress() {
        return offset - start;
    }

    /** Decides, once, how the range is read; every fallback is counted in the loop's metrics. */
    private void start() throws IOException {
        started = true;
        EventLoop loop = channel.eventLoop();
        metrics = LoopRecorders.of(loop);
        metrics.regionStarted();
        ChunkReader reader;
        try {
            // Completions arrive on the channel's loop: a ChunkedWriteHandler elsewhere gets the synchronous path.
            reader = givenReader != null ? givenReader
                    : ReaderFactory.bytesRoute(loop, loop.inEventLoop(), region, config, metrics).reader();
        } catch (IOException | RuntimeException e) {
            metrics.error();
            throw e;
        }
        if (reader != null) {
            reads = new ChunkedReads(channel, reader, offset, end, config, this::closeNow);
        }
    }

    /** The fallback: one chunk read on the calling thread with {@link FileChannel#read}, as ChunkedNioFile does. */
    private ByteBuf readSynchronously(ByteBufAllocator allocator) throws IOException {
        int length = (int) Math.min(config.chunkSize(), end - offset);
        ByteBuf buf = allocator.buffer(length);
        try {
            while (buf.writerIndex() < length) {
                long position = offset + buf.writerIndex();
                if (buf.writeBytes(file, position, length - buf.writerIndex()) < 0) {
                    throw OpenRegion.shrank(file, end, file);
                }
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            metrics.error();
            throw e;
        }
        offset += length;
        if (offset == end) {
            releaseResources();
        }
        return buf;
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        if (reads != null) {
            reads.stop();
        }
        releaseResources();
    }

    private void releaseResources() {
        if (!released) {
            released = true;
            if (reads != null) {
                reads.close();
            }
            // Closes the file.
            region.release();
        }
    }

    @Override
    public String toString() {
        return "AioChunkedInput(" + file + ", [" + start + ", " + end + "), offset: " + offset + ", "
                + (reads != null ? reads : "synchronous") + ')';
    }
}
