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
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.contrib.channel.aio.AioFileSink;
import io.netty.contrib.channel.aio.AioLoopConfig;
import io.netty.util.concurrent.EventExecutor;
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
 *
 * <p>The data goes through the sink (AIO on the loop); the blocking file-system steps around it (creating the
 * temporary file, the rename, a blocking directory sync, deleting the temporary file) run where {@link MetadataLookup}
 * puts them, their outcomes continuing on the loop. A directory sync through AIO, which does not block, stays on the
 * loop when the kernel has the directory's lookup cached.
 */
final class Upload {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(Upload.class);

    /** Temporary files are named this, then 16 hex digits: hidden, and never a name that a PUT can target. */
    static final String TEMP_PREFIX = ".upload-";

    private final Channel channel;
    private final EventLoop loop;
    private final MetadataLookup metadata;
    private final Path target;
    private final Path temp;
    /** The request's conditions, checked again at the rename; or {@code null}. */
    private final HttpHeaders conditions;
    /** One of the two is used: {@code --upload-io aio} (the default) or {@code blocking}. */
    private final AioFileSink sink;
    private final BlockingFileSink blocking;
    private final Promise<Boolean> done;
    private boolean ended;
    /** The deletion of the temporary file, once asked for. */
    private Future<Void> deleted;

    private Upload(Channel channel, MetadataLookup metadata, Path target, Path temp, HttpHeaders conditions,
                   AioFileSink sink, BlockingFileSink blocking) {
        this.channel = channel;
        loop = channel.eventLoop();
        this.metadata = metadata;
        this.target = target;
        this.temp = temp;
        this.conditions = conditions;
        this.sink = sink;
        this.blocking = blocking;
        done = loop.newPromise();
    }

    /** Creates a new hidden temporary file next to {@code target} and returns its path. Blocking. */
    static Path createTemp(Path target) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + String.format("%016x", ThreadLocalRandom.current().nextLong()));
        Files.createFile(temp);
        return temp;
    }

    /**
     * Opens a sink for {@code channel} into {@code temp}, made by {@link #createTemp}, on the channel's loop: the name
     * was created a moment ago, so its lookup is cached. On failure the temporary file is deleted.
     *
     * @param conditions the request's headers when it is {@link Preconditions#conditional conditional} (checked again
     *                   at the rename), or {@code null}
     * @param length the announced length, or -1
     * @param aio the loop's AIO settings to write with an {@link AioFileSink}, or {@code null} to write with a
     *            {@link BlockingFileSink}
     */
    static Upload open(Channel channel, MetadataLookup metadata, Path target, Path temp, HttpHeaders conditions,
                       long length, AioLoopConfig aio) throws IOException {
        try {
            if (aio == null) {
                return new Upload(channel, metadata, target, temp, conditions, null,
                        new BlockingFileSink(channel.eventLoop(), temp));
            }
            AioFileSink sink = AioFileSink.builder(channel, temp.toFile()).expectedLength(length).loopConfig(aio)
                    .open();
            return new Upload(channel, metadata, target, temp, conditions, sink, null);
        } catch (IOException | RuntimeException e) {
            deleteTemp(metadata, channel.eventLoop(), temp);
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
     * was replaced ({@code true}) or created; it fails (once the temporary file is gone) if the data could not be made
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
                deleteTemp().addListener(d -> done.tryFailure(f.cause()));
            } else if (!done.isDone()) {
                metadata.finish(new MetadataLookup.Step<>("rename", this::rename, this::renamed)
                        .abandoned(() -> deleteQuietly(temp)), loop);
            }
        });
        return done;
    }

    /** The outcome of a step after the data is synced. */
    private static final class Outcome {
        final boolean existed;
        final Throwable failure;

        Outcome(boolean existed, Throwable failure) {
            this.existed = existed;
            this.failure = failure;
        }
    }

    /**
     * Renames the temporary file over the target if the request's conditions still hold (or deletes it if not, or if
     * that fails). Blocking.
     */
    private Outcome rename() {
        try {
            synchronized (Preconditions.CHANGES) {
                if (conditions != null
                        && Preconditions.evaluate(conditions, target) == Preconditions.Outcome.FAILED) {
                    throw new Preconditions.Failed(target); // changed by another client since the upload began
                }
                boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                // rename(2): readers see the old file or the new one, whole.
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return new Outcome(existed, null);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            return new Outcome(false, e);
        }
    }

    /** On the loop: the new name is durable once its directory is synced; only then is the upload answered. */
    private void renamed(Outcome renamed) {
        if (done.isDone()) {
            return; // given up meanwhile (the connection closed): nobody waits for the directory sync
        }
        if (renamed.failure != null) {
            done.tryFailure(renamed.failure);
            return;
        }
        Path dir = target.getParent();
        if (sink != null && sink.isAio() && metadata.lookupOnLoop(dir)) {
            try {
                AioFileSink.syncDirectory(channel, dir.toFile()).addListener(d -> settle(renamed.existed, d.cause()));
            } catch (IOException | RuntimeException e) {
                done.tryFailure(e);
            }
            return;
        }
        metadata.finish(new MetadataLookup.Step<>("sync-directory", () -> syncDirectory(dir),
                failure -> settle(renamed.existed, failure)), loop);
    }

    private void settle(boolean existed, Throwable failure) {
        if (failure == null) {
            done.trySuccess(existed);
        } else {
            done.tryFailure(failure);
        }
    }

    /** {@code fsync(2)} of a directory; the failure, or {@code null}. Blocking. */
    private static Throwable syncDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /**
     * Gives up: the sink stops and the temporary file is deleted (writes still under way finish into nothing). The
     * future completes when the temporary file is gone.
     */
    Future<Void> abort(Throwable cause) {
        if (ended && done.isDone()) {
            return deleted != null ? deleted : loop.newSucceededFuture(null);
        }
        ended = true;
        if (sink != null) {
            sink.abort(cause);
        } else {
            blocking.abort();
        }
        Future<Void> gone = deleteTemp();
        done.tryFailure(cause);
        return gone;
    }

    private Future<Void> deleteTemp() {
        if (deleted == null) {
            deleted = deleteTemp(metadata, loop, temp);
        }
        return deleted;
    }

    /**
     * Deletes a temporary upload file where {@code metadata} puts the step (never refused; if the server stops before
     * the step has started, it runs then). The future completes on {@code loop} when the file is gone.
     */
    static Future<Void> deleteTemp(MetadataLookup metadata, EventExecutor loop, Path temp) {
        Promise<Void> gone = loop.newPromise();
        metadata.finish(new MetadataLookup.Step<Void>("delete-temp", () -> {
            deleteQuietly(temp);
            return null;
        }, ignored -> gone.trySuccess(null)).abandoned(() -> deleteQuietly(temp)), loop);
        return gone;
    }

    /** Deletes a temporary upload file ({@code null}: none) now, blocking: on a thread that may wait for the disk. */
    static void deleteNow(Path temp) {
        if (temp != null) {
            deleteQuietly(temp);
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
