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
package io.netty.contrib.channel.aio.example.file;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.stream.ChunkedNioFile;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A {@link ChunkedNioFile} that fails when the file ends before its range does. The plain one returns empty chunks
 * for ever once a file has been truncated under it, and the event loop spins.
 */
final class CheckedChunkedNioFile extends ChunkedNioFile {

    private final int chunkSize;

    CheckedChunkedNioFile(FileChannel in, long offset, long length, int chunkSize) throws IOException {
        super(in, offset, length, chunkSize);
        this.chunkSize = chunkSize;
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        long expected = Math.min(chunkSize, endOffset() - currentOffset());
        ByteBuf chunk = super.readChunk(allocator);
        if (chunk != null && chunk.readableBytes() < expected) {
            chunk.release();
            throw new IOException("File shrank: " + currentOffset() + " bytes read of " + endOffset());
        }
        return chunk;
    }
}
