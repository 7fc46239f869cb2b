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
import io.netty.buffer.UnpooledDirectByteBuf;

/**
 * The bytes of one chunk as {@link AioChunkedInput} hands them out: a view of the chunk buffer (from the loop's
 * {@link ChunkPool}), freed by whoever wrote it (the channel, an {@code SslHandler}, an HTTP/2 flow controller).
 * Freeing the view frees the chunk buffer, whose memory goes back to the pool, and tells the input's reads that their
 * read-ahead window has room again.
 */
final class ChunkView extends UnpooledDirectByteBuf {

    private final ByteBuf chunk;
    private final ChunkedReads owner;

    /**
     * @param chunk the chunk buffer, whose readable bytes are the chunk; released with this view
     */
    ChunkView(ByteBufAllocator alloc, ByteBuf chunk, ChunkedReads owner) {
        super(alloc, chunk.nioBuffer(chunk.readerIndex(), chunk.readableBytes()), chunk.readableBytes());
        this.chunk = chunk;
        this.owner = owner;
    }

    @Override
    protected void deallocate() {
        // The view does not own its memory: the parent constructor was told not to free it.
        super.deallocate();
        chunk.release();
        owner.chunkFreed();
    }
}
