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

/**
 * One block of an {@link AioFileSink}: filled by its {@link SinkBlocks}, then written through the loop's AIO or with a
 * blocking call. Its buffer is the sink's until the write takes it, then the write's until it ends; how it ended goes
 * to the {@link Listener}.
 */
final class SinkWrite extends AioOperation {

    /** Told how each write ended. */
    interface Listener {
        /** The kernel's result (or a blocking write's): the bytes written or {@code -errno}. */
        void written(SinkWrite w, long res);

        /** The write got no result ({@link AioOperation#aborted}). */
        void writeAborted(SinkWrite w, Abort reason);
    }

    private final Listener listener;
    /** Bytes the block takes before it is sealed: the block size, or less while memory is short. */
    int capacity;

    SinkWrite(Listener listener) {
        this.listener = listener;
    }

    @Override
    void completed(long res) {
        listener.written(this, res);
    }

    @Override
    void aborted(Abort reason) {
        listener.writeAborted(this, reason);
    }

    @Override
    boolean isCancelled() {
        return false;
    }

    /** Releases the block's buffer, once. */
    void free() {
        ByteBuf b = buffer;
        if (b != null) {
            buffer = null;
            b.release();
        }
    }
}
