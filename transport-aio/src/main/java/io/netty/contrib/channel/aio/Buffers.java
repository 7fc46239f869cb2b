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
import io.netty.channel.unix.Buffer;

import java.nio.ByteBuffer;

/** Native addresses of buffers handed to the kernel, after checking that the kernel may use them. */
final class Buffers {

    private Buffers() {
    }

    /**
     * The address of {@code buffer[index]}, after checking that the buffer is direct and contiguous and that
     * {@code [index, index + length)} lies within its capacity.
     */
    static long address(ByteBuf buffer, int index, int length) {
        if (!buffer.isDirect() || !buffer.hasMemoryAddress() && buffer.nioBufferCount() != 1) {
            throw new IllegalArgumentException("buffer must be direct and contiguous: " + buffer);
        }
        if (index < 0 || length < 0 || index > buffer.capacity() - length) {
            throw new IndexOutOfBoundsException("index: " + index + ", length: " + length + " (capacity: "
                    + buffer.capacity() + ')');
        }
        if (buffer.hasMemoryAddress()) {
            return buffer.memoryAddress() + index;
        }
        ByteBuffer nio = buffer.nioBuffer(index, length);
        return Buffer.memoryAddress(nio) + nio.position();
    }
}
