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
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What {@code --upload-io blocking} writes uploads with, for side-by-side runs against {@code AioFileSink}: plain
 * {@link FileChannel#write} of each piece and {@link FileChannel#force} at the end, on the event loop, as an
 * application without AIO would. Every call may wait for the disk, and every connection of the loop waits with it.
 */
final class BlockingFileSink {

    private final EventLoop loop;
    private final FileChannel channel;
    private long written;
    private boolean closed;

    BlockingFileSink(EventLoop loop, Path file) throws IOException {
        this.loop = loop;
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Writes the readable bytes of {@code data} and releases it. */
    void write(ByteBuf data) throws IOException {
        try {
            while (data.isReadable()) {
                written += data.readBytes(channel, written, data.readableBytes());
            }
        } finally {
            data.release();
        }
    }

    /** Syncs ({@code fdatasync}) and closes; the future has the file's length. */
    Future<Long> close() {
        closed = true;
        try (FileChannel c = channel) {
            c.force(false);
        } catch (IOException e) {
            return loop.newFailedFuture(e);
        }
        return loop.newSucceededFuture(written);
    }

    /** Closes without syncing. */
    void abort() {
        if (!closed) {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignore) {
                // the file is deleted next
            }
        }
    }
}
