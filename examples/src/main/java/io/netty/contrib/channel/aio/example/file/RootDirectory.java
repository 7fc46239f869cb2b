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

import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileDescriptor;
import io.netty.contrib.channel.aio.AioFiles;
import io.netty.contrib.channel.aio.FileLookups;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;

import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;

/**
 * The served root, held open as an {@code O_PATH | O_DIRECTORY} descriptor for the server's life, and the lookup of a
 * request target below it in a few system calls: {@code openat2(2)} relative to the root with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS}, then {@code fstat(2)} of the descriptor,
 * which becomes the response's {@link FileChannel}. The kernel refuses a path that leaves the root or holds a symbolic
 * link, so the checks {@link RequestTarget#parse} made on the path's text (normalized, below the root, no hidden name)
 * hold for the file opened, without {@code realpath(3)} (a {@code readlink} per component) and without opening it a
 * second time.
 *
 * <p>What this lookup cannot answer goes {@link Outcome#BY_PATH by path}, to {@link OpenedTarget#open}, unchanged: a
 * path with a symbolic link ({@code ELOOP}, which may still be served if it stays inside the root), a directory's
 * index that is missing or not a regular file (the directory is listed), any other error, and kernels without
 * {@code openat2} (before Linux 5.6). With {@code cachedOnly} the open adds {@code RESOLVE_CACHED}: a lookup that would
 * read the disk is {@link Outcome#NOT_CACHED} instead.
 *
 * <p>The open uses {@code O_NONBLOCK}, as nginx's open-file cache does, so that a FIFO under the root cannot hold the
 * loop in {@code open}; it does not affect reads of a regular file. Only a regular file is kept open; anything else
 * is closed at once and answered as {@link RequestTarget#resolve} would ({@code 301} for a directory, {@code 403}).
 */
final class RootDirectory implements AutoCloseable {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RootDirectory.class);

    /** Set in {@link #users} once closed; the descriptor is closed when the last user leaves. */
    private static final int CLOSED = Integer.MIN_VALUE;

    /** How a lookup ended. */
    enum Outcome {
        /** Answered: {@link Lookup#opened} holds the file, the refusal or the redirect. */
        ANSWERED,
        /** With {@code cachedOnly}: the kernel would have read the disk; nothing was opened. */
        NOT_CACHED,
        /** This lookup cannot tell: resolve the target by its real path ({@link OpenedTarget#open}). */
        BY_PATH
    }

    /** The outcome of a lookup, and its target when {@link Outcome#ANSWERED}. */
    static final class Lookup {
        private static final Lookup NOT_CACHED = new Lookup(Outcome.NOT_CACHED, null);
        private static final Lookup BY_PATH = new Lookup(Outcome.BY_PATH, null);

        final Outcome outcome;
        /** The target, its file open (the receiver's to close), or {@code null} unless answered. */
        final OpenedTarget opened;

        private Lookup(Outcome outcome, OpenedTarget opened) {
            this.outcome = outcome;
            this.opened = opened;
        }

        static Lookup answered(OpenedTarget opened) {
            return new Lookup(Outcome.ANSWERED, opened);
        }
    }

    private final Path root;
    /** The root's descriptor, or {@code null} where this lookup is not available. */
    private final AioFileDescriptor fd;
    /** Lookups using {@link #fd} now, plus {@link #CLOSED} once {@link #close()} was called. */
    private final AtomicInteger users = new AtomicInteger();
    /** {@code false} once {@code openat2} or the hand-over of a descriptor proved not to work here. */
    private volatile boolean supported;
    /** The open's flags and resolve rules; read from {@link AioFiles} only where its native library loaded. */
    private final int flags;
    private final int resolve;

    private RootDirectory(Path root, AioFileDescriptor fd) {
        this.root = root;
        this.fd = fd;
        supported = fd != null;
        flags = fd == null ? 0 : AioFiles.O_RDONLY | AioFiles.O_NONBLOCK;
        resolve = fd == null ? 0 : FileLookups.RESOLVE_BENEATH | FileLookups.RESOLVE_NO_SYMLINKS
                | FileLookups.RESOLVE_NO_MAGICLINKS;
    }

    /**
     * Opens the root's descriptor. Never fails: where it cannot be opened (no native library, an error) every lookup
     * is {@link Outcome#BY_PATH}.
     *
     * @param root the served directory, a real path
     */
    static RootDirectory open(Path root) {
        if (!Aio.isAvailable()) {
            return new RootDirectory(root, null);
        }
        try {
            return new RootDirectory(root, AioFiles.open(root.toFile(), AioFiles.O_PATH | AioFiles.O_DIRECTORY));
        } catch (IOException e) {
            logger.info("lookups by real path only: cannot open {}", root, e);
            return new RootDirectory(root, null);
        }
    }

    /** The served directory. */
    Path path() {
        return root;
    }

    /** {@code false} if every lookup is {@link Outcome#BY_PATH}: no descriptor, closed, or no {@code openat2}. */
    boolean available() {
        return supported && users.get() >= 0;
    }

    /**
     * Looks {@code uri} up below the root. Blocking unless {@code cachedOnly}. An answer with an open file holds it in
     * {@link Lookup#opened}; every other path through here closes what it opened.
     *
     * @param cachedOnly {@code true} to answer only from the kernel's caches, else {@link Outcome#NOT_CACHED}
     */
    Lookup lookup(String uri, boolean dotfiles, boolean cachedOnly) {
        if (!supported) {
            return Lookup.BY_PATH;
        }
        RequestTarget.Parsed parsed = RequestTarget.parse(root, uri, dotfiles);
        if (parsed.refusal != null) {
            return Lookup.answered(OpenedTarget.answered(parsed.refusal));
        }
        if (!acquire()) {
            return Lookup.BY_PATH; // the server is stopping
        }
        try {
            return lookup(parsed, cachedOnly);
        } finally {
            release();
        }
    }

    private Lookup lookup(RequestTarget.Parsed parsed, boolean cachedOnly) {
        String relative = root.relativize(parsed.target).toString();
        boolean directory = parsed.directory();
        // For a directory, its index decides between sending a file and listing the directory.
        String name = !directory ? relative : relative.isEmpty() ? RequestTarget.INDEX
                : relative + '/' + RequestTarget.INDEX;
        if (name.isEmpty()) {
            return Lookup.BY_PATH;
        }
        AioFileDescriptor file;
        try {
            file = FileLookups.openat2(fd, name, flags, cachedOnly ? resolve | FileLookups.RESOLVE_CACHED : resolve);
        } catch (NoSuchFileException e) {
            // A missing file is 404 whichever way it is looked up; a missing index means a listing (or a 404).
            return directory ? Lookup.BY_PATH : Lookup.answered(OpenedTarget.answered(
                    RequestTarget.refusal(NOT_FOUND)));
        } catch (UnsupportedOperationException e) {
            unsupported(e);
            return Lookup.BY_PATH;
        } catch (IOException e) {
            return Lookup.BY_PATH; // a symbolic link (ELOOP), not a directory, no permission: the real path tells
        }
        if (file == null) {
            return Lookup.NOT_CACHED;
        }
        try {
            BasicFileAttributes attrs = FileLookups.attributes(file);
            if (attrs.isRegularFile()) {
                Path real = directory ? parsed.target.resolve(RequestTarget.INDEX) : parsed.target;
                long modified = attrs.lastModifiedTime().toMillis();
                FileChannel channel = FileLookups.readChannel(file);
                return Lookup.answered(OpenedTarget.opened(RequestTarget.file(real, parsed.path), channel,
                        attrs.size(), modified, attrs.fileKey()));
            }
            closeQuietly(file);
            if (directory) {
                return Lookup.BY_PATH; // an index that is not a regular file: the directory is listed
            }
            return Lookup.answered(OpenedTarget.answered(attrs.isDirectory()
                    ? RequestTarget.redirect(parsed.path, parsed.query) : RequestTarget.refusal(FORBIDDEN)));
        } catch (UnsupportedOperationException e) {
            closeQuietly(file);
            unsupported(e);
            return Lookup.BY_PATH;
        } catch (IOException | RuntimeException e) {
            closeQuietly(file); // nothing if it was handed over
            return Lookup.BY_PATH;
        }
    }

    private void unsupported(RuntimeException e) {
        if (supported) {
            supported = false;
            logger.info("lookups by real path only: {}", e.getMessage());
        }
    }

    private boolean acquire() {
        for (;;) {
            int n = users.get();
            if (n < 0) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (users.decrementAndGet() == CLOSED) {
            closeQuietly(fd); // the last lookup after close()
        }
    }

    /**
     * Closes the root's descriptor, at once or when the lookups using it have finished; later lookups go by path.
     * Idempotent.
     */
    @Override
    public void close() {
        if (fd == null) {
            return;
        }
        for (;;) {
            int n = users.get();
            if (n < 0) {
                return;
            }
            if (users.compareAndSet(n, n | CLOSED)) {
                if (n == 0) {
                    closeQuietly(fd);
                }
                return;
            }
        }
    }

    private static void closeQuietly(AioFileDescriptor descriptor) {
        try {
            descriptor.close();
        } catch (IOException e) {
            logger.debug("close of {} failed", descriptor, e);
        }
    }
}
