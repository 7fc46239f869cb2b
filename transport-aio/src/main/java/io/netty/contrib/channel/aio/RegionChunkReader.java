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
import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Reads chunks synchronously through the region's own {@code transferTo}, into buffers of the channel's allocator:
 * the fallback when AIO cannot be used but bytes are needed (under TLS). It blocks the loop as {@code ChunkedFile}
 * would.
 */
final class RegionChunkReader implements ChunkReader {

    private final DefaultFileRegion region;
    private final ByteBufAllocator alloc;
    private final LoopRecorder metrics;

    RegionChunkReader(DefaultFileRegion region, ByteBufAllocator alloc, LoopRecorder metrics) {
        this.region = region;
        this.alloc = alloc;
        this.metrics = metrics;
    }

    @Override
    public int alignment() {
        return 1;
    }

    @Override
    public void read(long start, long end, Sink sink) {
        int length = (int) (end - start);
        ByteBuf buf = alloc.buffer(length);
        try {
            long relative = start - region.position();
            BufferChannel target = new BufferChannel(buf, length);
            while (buf.writerIndex() < length) {
                // DefaultFileRegion.transferTo throws if the file became shorter than the region.
                long n = region.transferTo(target, relative + buf.writerIndex());
                if (n <= 0) {
                    throw new IOException("File shrank: read " + buf.writerIndex() + " of " + length + " bytes at "
                            + start + " of " + region);
                }
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            metrics.error();
            sink.failed(e);
            return;
        }
        sink.filled(buf);
    }

    @Override
    public int readAhead(int configured, boolean writable) {
        return configured;
    }

    @Override
    public void close() {
        // the region is the stream's to release
    }

    /** A channel that appends to a buffer, up to a limit: the target of the region's own transferTo. */
    private static final class BufferChannel implements WritableByteChannel {
        private final ByteBuf buf;
        private final int limit;

        BufferChannel(ByteBuf buf, int limit) {
            this.buf = buf;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), limit - buf.writerIndex());
            ByteBuffer slice = src.duplicate();
            slice.limit(slice.position() + n);
            buf.writeBytes(slice);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
