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
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The file an {@link AioFileSink} writes: opened for writing and truncated, with an {@code O_DIRECT} twin where AIO
 * writes it, extended ahead of the direct writes, written and synced with blocking calls on a fallback, cut to what
 * was written when the sink fails, and closed once. Used on the channel's event loop.
 */
final class SinkFile {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(SinkFile.class);

    /** Without a known length, the file is extended ahead of the writes by at least this many blocks at a time. */
    private static final int EXTEND_BLOCKS = 8;

    final File file;
    /** The descriptor AIO writes go to: the {@code O_DIRECT} one, the plain one, or -1 for blocking writes. */
    final int fd;
    /** What offsets and lengths of direct writes are multiples of (1 without {@code O_DIRECT}). */
    final int alignment;
    /** What a direct write's buffer address is a multiple of (1 without {@code O_DIRECT}). */
    final int memoryAlignment;
    private final RandomAccessFile raf;
    private final FileChannel channel;
    /** The {@code O_DIRECT} descriptor, or {@code null} when writes go through the page cache. */
    private final AioFileDescriptor direct;
    private final int blockSize;
    private final long expectedLength;
    /** The file's size as extended ahead of the writes. */
    private long extendedTo;
    /** The lowest offset of a block that failed or was given up: a failed sink's file is cut there. */
    private long lostFrom = Long.MAX_VALUE;
    private boolean closed;

    /**
     * Opens {@code file} (created if missing, truncated if not); with {@code aio}, also with {@code O_DIRECT} where
     * the file system allows it (a refusal is counted as {@link AioMetrics.Fallback#DIRECT_IO_REFUSED}).
     *
     * @throws IllegalArgumentException if {@code blockSize} is not a multiple of the file's direct-I/O alignment
     */
    SinkFile(File file, boolean aio, int blockSize, long expectedLength, LoopRecorder metrics) throws IOException {
        this.file = file;
        this.blockSize = blockSize;
        this.expectedLength = expectedLength;
        raf = new RandomAccessFile(file, "rw");
        AioFileDescriptor directFd = null;
        try {
            channel = raf.getChannel();
            raf.setLength(0);
            if (aio) {
                try {
                    directFd = AioFiles.reopen(channel, AioFiles.O_WRONLY | AioFiles.O_DIRECT);
                } catch (IOException e) {
                    metrics.fallback(AioMetrics.Fallback.DIRECT_IO_REFUSED, e.getMessage());
                }
            }
            if (directFd != null) {
                AioFiles.DirectIoAlignment a = AioFiles.alignment(directFd);
                alignment = a.offset();
                memoryAlignment = a.memory();
                if (blockSize % alignment != 0) {
                    throw new IllegalArgumentException("blockSize " + blockSize + " is not a multiple of the file's "
                            + "direct-I/O alignment " + alignment + " (" + file + ')');
                }
                fd = directFd.intValue();
            } else {
                alignment = 1;
                memoryAlignment = 1;
                // Blocking writes go through the FileChannel: no descriptor number (nor the native library) needed.
                fd = aio ? AioFiles.fd(channel) : -1;
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(directFd);
            closeQuietly(raf);
            throw e;
        }
        direct = directFd;
    }

    /** {@code true} if the blocks are written with {@code O_DIRECT}. */
    boolean isDirect() {
        return direct != null;
    }

    /** {@code n} rounded up to the alignment. */
    long roundUp(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /**
     * Makes sure the file reaches {@code end} before an {@code O_DIRECT} write up to there is submitted: a write that
     * extends the file is done synchronously inside {@code io_submit} on ext4 (measured: about 700 µs per 1 MiB
     * against 40 µs inside the file's size).
     */
    void extendFor(long end) throws IOException {
        if (direct == null || end <= extendedTo) {
            return;
        }
        long target = expectedLength >= 0 && roundUp(expectedLength) >= end ? roundUp(expectedLength)
                : Math.max(end, Math.max(extendedTo * 2, (long) EXTEND_BLOCKS * blockSize));
        try {
            raf.setLength(target);
        } catch (IOException e) {
            throw new IOException("cannot extend " + file + " to " + target + " bytes (for a write up to " + end
                    + "): " + e.getMessage(), e);
        }
        extendedTo = target;
    }

    /** Writes {@code length} bytes of {@code buf} from {@code index} at {@code offset}, with blocking calls. */
    long write(ByteBuf buf, int index, int length, long offset) throws IOException {
        ByteBuffer nio = buf.nioBuffer(index, length);
        long written = 0;
        while (nio.hasRemaining()) {
            written += channel.write(nio, offset + written);
        }
        return written;
    }

    /** Gives the file its exact length, {@code length}, once every block is written. */
    void cutTo(long length) throws IOException {
        if (channel.size() != length) {
            raf.setLength(length);
        }
    }

    /** A blocking {@code fsync} ({@code metadata}) or {@code fdatasync}. */
    void force(boolean metadata) throws IOException {
        channel.force(metadata);
    }

    /** The block at {@code offset} failed or was given up: a failed sink's file keeps only what comes before. */
    void lost(long offset) {
        lostFrom = Math.min(lostFrom, offset);
    }

    /**
     * Closes both descriptors, once; a {@code failed} sink's file is first cut to what was written before its first
     * lost block (not left at its length as extended ahead).
     *
     * @return {@code true} if this call closed them
     */
    boolean close(boolean failed, long received) {
        if (closed) {
            return false;
        }
        closed = true;
        if (failed) {
            try {
                raf.setLength(Math.min(lostFrom, received));
            } catch (IOException e) {
                logger.debug("Could not cut {} to what was written", file, e);
            }
        }
        closeQuietly(direct);
        closeQuietly(raf);
        return true;
    }

    /** Closes {@code c} (if any), logging a failure at debug level. */
    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                logger.debug("Could not close {}", c, e);
            }
        }
    }
}
