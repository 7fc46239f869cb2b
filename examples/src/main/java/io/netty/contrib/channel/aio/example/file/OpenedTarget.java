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

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;

/**
 * A request target after every file-system call its response needs: resolved ({@link RequestTarget}), and for a
 * file opened and stat-ed, for a listing read. Made by blocking calls, on the event loop when the kernel's caches hold
 * the answer and on a metadata thread when they do not (see {@link MetadataLookup}): below the root's descriptor
 * ({@link RootDirectory#lookup}) or, for a path with a symbolic link and for listings, by real path ({@link #open});
 * the response is then written on the loop from what it holds, without another call that could wait for the disk.
 */
final class OpenedTarget {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(OpenedTarget.class);

    final RequestTarget target;
    /** The open file ({@link RequestTarget.Kind#FILE}), until {@link #takeChannel() taken}; else {@code null}. */
    private FileChannel channel;
    /** The file's size and modification time (ms), when it was opened and stat-ed. */
    final long length;
    final long modified;
    /**
     * The open file's {@link SharedFiles#key}: its device and inode, from the {@code fstat} of its descriptor, with
     * its size and modification time; {@code null} when it was opened by path.
     */
    final Object fileKey;
    /** The sorted entries of a listing, or {@code null}. */
    final List<DirectoryListing.Entry> entries;
    /** What failed ({@code open}, {@code stat} or {@code list}) and how, or {@code null}s. */
    final String failedStep;
    final IOException failure;

    private OpenedTarget(RequestTarget target, FileChannel channel, long length, long modified, Object fileKey,
                         List<DirectoryListing.Entry> entries, String failedStep, IOException failure) {
        this.target = target;
        this.channel = channel;
        this.length = length;
        this.modified = modified;
        this.fileKey = fileKey;
        this.entries = entries;
        this.failedStep = failedStep;
        this.failure = failure;
    }

    /**
     * Resolves {@code uri} under {@code root}, then opens and stats its file or reads its listing. Blocking. Never
     * throws: an unexpected error is logged and becomes a {@code 500} refusal, so that a lookup on a metadata thread
     * always gets its answer back to the loop.
     */
    static OpenedTarget open(Path root, String uri, boolean dotfiles) {
        try {
            return openTarget(root, uri, dotfiles);
        } catch (RuntimeException e) {
            logger.warn("lookup of {} failed", uri, e);
            return new OpenedTarget(RequestTarget.refusal(INTERNAL_SERVER_ERROR), null, 0, 0, null, null, null, null);
        }
    }

    /** A target whose response needs nothing from the file system: a refusal or a redirect. */
    static OpenedTarget answered(RequestTarget target) {
        return new OpenedTarget(target, null, 0, 0, null, null, null, null);
    }

    /**
     * A file target with its open {@code channel} (now this object's), its size and modification time (ms), and its
     * device and inode ({@code fileKey}, {@code null} if unknown).
     */
    static OpenedTarget opened(RequestTarget target, FileChannel channel, long length, long modified, Object fileKey) {
        return new OpenedTarget(target, channel, length, modified, SharedFiles.key(fileKey, length, modified), null,
                null, null);
    }

    private static OpenedTarget openTarget(Path root, String uri, boolean dotfiles) {
        RequestTarget target = RequestTarget.resolve(root, uri, dotfiles);
        switch (target.kind()) {
            case FILE:
                return openFile(target);
            case LISTING:
                try {
                    return new OpenedTarget(target, null, 0, 0, null, DirectoryListing.read(target.file(), dotfiles),
                            null, null);
                } catch (IOException e) {
                    return failed(target, "list", e);
                } catch (DirectoryIteratorException e) {
                    return failed(target, "list", e.getCause());
                }
            default:
                return new OpenedTarget(target, null, 0, 0, null, null, null, null);
        }
    }

    private static OpenedTarget openFile(RequestTarget target) {
        FileChannel channel;
        try {
            channel = FileChannel.open(target.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            return failed(target, "open", e);
        }
        try {
            long length = channel.size();
            long modified = Files.getLastModifiedTime(target.file()).toMillis();
            return new OpenedTarget(target, channel, length, modified, null, null, null, null);
        } catch (IOException e) {
            closeQuietly(channel);
            return failed(target, "stat", e);
        }
    }

    private static OpenedTarget failed(RequestTarget target, String step, IOException e) {
        return new OpenedTarget(target, null, 0, 0, null, null, step, e);
    }

    /** The open file, now the caller's to close; {@code null} if there is none or it was taken. */
    FileChannel takeChannel() {
        FileChannel c = channel;
        channel = null;
        return c;
    }

    /** Closes the file unless it was taken: for a response that will not be sent (its client has gone). */
    void close() {
        FileChannel c = takeChannel();
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignore) {
            // opened for reading only: nothing to flush
        }
    }
}
