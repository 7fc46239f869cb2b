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
import io.netty.channel.Channel;
import io.netty.contrib.channel.aio.AioFileSink;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One file being uploaded: the body goes to a hidden temporary file in the target's directory (created with
 * {@code O_EXCL}, so two uploads never share one) through an {@link AioFileSink}; once the sink has synced it, it is
 * renamed over the target and the directory is synced, so that an upload that was answered survives a crash. A
 * failed or abandoned upload deletes its temporary file. Used on the connection's loop.
 */
final class Upload {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Upload.class);

    /** Temporary files are named this, then 16 hex digits: hidden, and never a name that a PUT can target. */
    static final String TEMP_PREFIX = ".upload-";

    private final Channel channel;
    private final Path target;
    private final Path temp;
    /** One of the two is used: {@code --upload-io aio} (the default) or {@code blocking}. */
    private final AioFileSink sink;
    private final BlockingFileSink blocking;
    private final Promise<Boolean> done;
    private boolean ended;

    private Upload(Channel channel, Path target, Path temp, AioFileSink sink, BlockingFileSink blocking) {
        this.channel = channel;
        this.target = target;
        this.temp = temp;
        this.sink = sink;
        this.blocking = blocking;
        done = channel.eventLoop().newPromise();
    }

    /**
     * Creates the temporary file next to {@code target} and a sink into it for {@code channel}.
     *
     * @param length the announced length, or -1
     * @param aio write with an {@link AioFileSink}, else with a {@link BlockingFileSink}
     */
    static Upload start(Channel channel, Path target, long length, boolean aio) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + String.format("%016x", ThreadLocalRandom.current().nextLong()));
        Files.createFile(temp);
        try {
            if (!aio) {
                return new Upload(channel, target, temp, null, new BlockingFileSink(channel.eventLoop(), temp));
            }
            AioFileSink sink = AioFileSink.builder(channel, temp.toFile()).expectedLength(length).open();
            return new Upload(channel, target, temp, sink, null);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    Path target() {
        return target;
    }

    /** Appends a piece of the body (released by the sink). */
    void write(ByteBuf data) {
        if (sink != null) {
            sink.write(data);
            return;
        }
        try {
            blocking.write(data);
        } catch (IOException e) {
            abort(e);
        }
    }

    /**
     * The body is complete: syncs it, renames it into place and syncs the directory. The future tells whether a file
     * was replaced ({@code true}) or created; it fails (and the temporary file is gone) if the data could not be made
     * durable or the rename failed.
     */
    Future<Boolean> finish() {
        if (done.isDone()) {
            return done;
        }
        ended = true;
        Future<Long> synced = sink != null ? sink.close() : blocking.close();
        synced.addListener(f -> {
            if (!f.isSuccess()) {
                deleteQuietly(temp);
                done.tryFailure(f.cause());
                return;
            }
            boolean existed;
            try {
                existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                // rename(2): readers see the old file or the new one, whole.
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temp);
                done.tryFailure(e);
                return;
            }
            // The new name is durable once its directory is synced: only then is the upload answered.
            if (blocking != null) {
                try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                    dir.force(true);
                    done.trySuccess(existed);
                } catch (IOException e) {
                    done.tryFailure(e);
                }
                return;
            }
            try {
                AioFileSink.syncDirectory(channel, target.getParent().toFile()).addListener(d -> {
                    if (d.isSuccess()) {
                        done.trySuccess(existed);
                    } else {
                        done.tryFailure(d.cause());
                    }
                });
            } catch (IOException | RuntimeException e) {
                done.tryFailure(e);
            }
        });
        return done;
    }

    /** Gives up: the sink stops and the temporary file is deleted (writes still under way finish into nothing). */
    void abort(Throwable cause) {
        if (!ended || !done.isDone()) {
            ended = true;
            if (sink != null) {
                sink.abort(cause);
            } else {
                blocking.abort();
            }
            deleteQuietly(temp);
            done.tryFailure(cause);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            logger.warn("Could not delete the temporary upload file {}", file, e);
        }
    }

    @Override
    public String toString() {
        return "Upload(" + target + " via " + temp + ", " + (sink != null ? sink : "blocking") + ')';
    }
}
