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

import io.netty.channel.EventLoop;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * An {@code fsync} of a directory ({@link AioFileSink#syncDirectory}): {@code IOCB_CMD_FSYNC} through the loop's AIO,
 * or a blocking {@code fsync} on the loop where AIO cannot be used or the file system takes no AIO sync. The
 * descriptor closes when the operation ends.
 */
final class DirectorySync extends AioOperation {

    /** Syncs {@code directory} on {@code loop}, the caller's thread. */
    static Future<Void> sync(EventLoop loop, File directory) throws IOException {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("syncDirectory must be called on the channel's event loop " + loop);
        }
        Promise<Void> promise = loop.newPromise();
        // The sink that wrote the file counted its fallback already.
        AioLoop aio = ReaderFactory.aioLoop(loop, null, null);
        if (aio == null) {
            syncBlocking(directory, promise); // also without the native library
            return promise;
        }
        AioFileDescriptor fd = AioFiles.open(directory, AioFiles.O_RDONLY);
        aio.submit(new DirectorySync(directory, fd, promise));
        return promise;
    }

    /** A blocking {@code fsync} of {@code directory}, on the loop; its outcome completes {@code promise}. */
    private static void syncBlocking(File directory, Promise<Void> promise) {
        try (FileChannel dir = FileChannel.open(directory.toPath(), StandardOpenOption.READ)) {
            dir.force(true);
            promise.trySuccess(null);
        } catch (IOException e) {
            promise.tryFailure(e);
        }
    }

    private final File directory;
    private final AioFileDescriptor descriptor;
    private final Promise<Void> promise;

    DirectorySync(File directory, AioFileDescriptor descriptor, Promise<Void> promise) {
        this.directory = directory;
        this.descriptor = descriptor;
        this.promise = promise;
        opcode = Native.IOCB_CMD_FSYNC;
        fd = descriptor.intValue();
    }

    @Override
    void completed(long res) {
        try {
            if (res < 0) {
                IOException cause = Errors.newIOException("fsync", (int) res);
                promise.tryFailure(new IOException("fsync of " + directory + " failed: " + cause.getMessage(),
                        cause));
            } else {
                promise.trySuccess(null);
            }
        } finally {
            SinkFile.closeQuietly(descriptor);
        }
    }

    @Override
    void aborted(AioOperation.Abort reason) {
        SinkFile.closeQuietly(descriptor);
        if (reason == AioOperation.Abort.SUBMIT_STARVED || reason == AioOperation.Abort.NO_AIO_SYNC) {
            syncBlocking(directory, promise);
        } else {
            promise.tryFailure(new IOException("the event loop shut down while " + directory
                    + " was being synced"));
        }
    }

    @Override
    boolean isCancelled() {
        return false;
    }
}
