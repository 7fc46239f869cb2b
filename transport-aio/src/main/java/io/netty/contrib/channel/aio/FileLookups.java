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

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.ObjectUtil;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Looking files up without waiting for the disk, for servers that resolve request paths on an event loop (the file
 * region handler does not need any of this): {@code openat2(2)} relative to a directory, without symbolic links, or
 * from the kernel's caches only ({@code RESOLVE_CACHED}: a lookup that would read the disk fails at once, and can go
 * to another thread); {@code fstat(2)} of an open descriptor; and a {@link FileChannel} made from a descriptor without
 * opening the file again, for a {@link DefaultFileRegion}. The {@code open(2)} flags are {@link AioFiles}'.
 */
public final class FileLookups {

    /** {@code RESOLVE_NO_MAGICLINKS} of {@link #openat2}: refuse {@code /proc/<pid>/fd/<n>}-style links. */
    public static final int RESOLVE_NO_MAGICLINKS = Native.RESOLVE_NO_MAGICLINKS;
    /** {@code RESOLVE_NO_SYMLINKS} of {@link #openat2}: refuse every symbolic link in the path, the last one too. */
    public static final int RESOLVE_NO_SYMLINKS = Native.RESOLVE_NO_SYMLINKS;
    /** {@code RESOLVE_BENEATH} of {@link #openat2}: refuse a path that would leave the directory, by any means. */
    public static final int RESOLVE_BENEATH = Native.RESOLVE_BENEATH;
    /** {@code RESOLVE_CACHED} of {@link #openat2}: answer only from the kernel's caches (Linux 5.12). */
    public static final int RESOLVE_CACHED = Native.RESOLVE_CACHED;

    /** {@code null} if {@code openat2(2)} with {@code RESOLVE_CACHED} works here, else why not. */
    private static final String OPEN_CACHED_UNSUPPORTED = openCachedUnsupported();

    private FileLookups() {
    }

    /**
     * Opens a file only if the kernel can resolve its path without reading the disk: {@code openat2(2)} with
     * {@code RESOLVE_CACHED} (Linux 5.12), always with {@code O_CLOEXEC}. Every component of the path must be in the
     * dentry cache (with its inode); else the kernel answers {@code EAGAIN} at once, and this returns {@code null}.
     * That is how io_uring decides whether an open can run inline or must go to a worker thread: an event loop can
     * try this first and hand the path to a thread only when it returns {@code null}. After a successful open,
     * {@code fstat(2)} of the descriptor needs no disk either.
     *
     * <p>A relative path is resolved against the working directory. A missing file whose absence is cached (a
     * negative dentry) is known without the disk: {@link NoSuchFileException}, not {@code null}. A path that goes on
     * through a regular file ({@code file.txt/x}) may give {@code null} rather than {@code ENOTDIR}: the kernel's
     * cached walk answers {@code EAGAIN} where it would have to stop to report it; the blocking open then reports it.
     *
     * @param path the file; relative to the working directory unless absolute
     * @param flags {@link AioFiles#O_RDONLY}, {@link AioFiles#O_PATH}, {@link AioFiles#O_DIRECTORY},
     *        {@link AioFiles#O_DIRECT}, …; not {@link AioFiles#O_CREAT} or {@link AioFiles#O_TRUNC}, which would
     *        always need the disk
     * @return the descriptor (the caller closes it), or {@code null} if the lookup would have waited for the disk
     * @throws NoSuchFileException if the file does not exist
     * @throws AccessDeniedException if a directory of the path may not be searched or the file not opened
     * @throws FileSystemException for any other error, with the path and the errno's message (for example a path
     *         longer than {@code PATH_MAX}: "File name too long")
     * @throws IllegalArgumentException for an empty path, a NUL byte in it, or {@code O_CREAT}, {@code O_TMPFILE} or
     *         {@code O_TRUNC}
     * @throws UnsupportedOperationException before Linux 5.12 (see {@link #isOpenCachedSupported()})
     */
    public static AioFileDescriptor openCached(Path path, int flags) throws IOException {
        ObjectUtil.checkNotNull(path, "path");
        if ((flags & (Native.O_CREAT | Native.O_TRUNC)) != 0 || isTmpfile(flags)) {
            throw new IllegalArgumentException("flags: O_CREAT, O_TMPFILE and O_TRUNC cannot be cached lookups: "
                    + flags);
        }
        int fd = openCached0(path, flags);
        return fd < 0 ? null : new AioFileDescriptor(fd);
    }

    /**
     * {@code true} if looking up {@code path} needs no disk read: every component is in the dentry cache, so that
     * opening or stat-ing it would not block. Also {@code true} when the cache already knows the path is missing
     * or forbidden (the answer to an open would be {@code ENOENT} or {@code EACCES} without the disk). Costs one
     * {@code openat2(2)} with {@code O_PATH} and {@code RESOLVE_CACHED} and, on success, one {@code close(2)}.
     *
     * @param path the path to look up; relative to the working directory unless absolute
     * @return {@code false} if resolving the path would have read the disk ({@code EAGAIN})
     * @throws FileSystemException for other errors (for example a path that is too long). A path that goes on
     *         through a regular file ({@code file.txt/x}) may give {@code false} rather than {@code ENOTDIR}: the
     *         kernel's cached walk answers {@code EAGAIN} where it would have to stop to report it
     * @throws IllegalArgumentException for an empty path or a NUL byte in it
     * @throws UnsupportedOperationException before Linux 5.12 (see {@link #isOpenCachedSupported()})
     */
    public static boolean isLookupCached(Path path) throws IOException {
        ObjectUtil.checkNotNull(path, "path");
        try {
            int fd = openCached0(path, Native.O_PATH);
            if (fd < 0) {
                return false;
            }
            new AioFileDescriptor(fd).close();
            return true;
        } catch (NoSuchFileException | AccessDeniedException e) {
            return true;
        }
    }

    /**
     * {@code true} if {@link #openCached} and {@link #isLookupCached} work here: {@code openat2(2)} (Linux 5.6)
     * with {@code RESOLVE_CACHED} (5.12), not blocked by a seccomp filter.
     *
     * @return {@code true} if the kernel has {@code openat2(2)} with {@code RESOLVE_CACHED}
     */
    public static boolean isOpenCachedSupported() {
        return OPEN_CACHED_UNSUPPORTED == null;
    }

    /**
     * Opens {@code path} relative to the directory {@code dir} with {@code openat2(2)} (Linux 5.6), always with
     * {@code O_CLOEXEC}, under the {@code resolve} rules. With {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS} the kernel
     * guarantees that the file opened is the one the path names below {@code dir}, with no symbolic link on the way:
     * the checks made on the path's text hold for the file, with no {@code realpath(3)}. With {@link #RESOLVE_CACHED}
     * the open fails at once rather than read the disk, and this returns {@code null}.
     *
     * <p>Errors are {@link FileSystemException}s naming {@code path} and the errno's message: among them "Too many
     * levels of symbolic links" ({@code ELOOP}) for a link refused by {@link #RESOLVE_NO_SYMLINKS}, and "Invalid
     * cross-device link" ({@code EXDEV}) for a path refused by {@link #RESOLVE_BENEATH}.
     *
     * @param dir an open descriptor of a directory, for example {@code open(root, O_PATH | O_DIRECTORY)}; not closed
     *            while this runs
     * @param path the file, relative to {@code dir}
     * @param flags {@code open(2)} flags such as {@link AioFiles#O_RDONLY} and {@link AioFiles#O_NONBLOCK}; not
     *        {@link AioFiles#O_CREAT}
     * @param resolve {@code RESOLVE_*} flags such as {@link #RESOLVE_BENEATH}, or 0
     * @return the descriptor (the caller closes it), or {@code null} if {@link #RESOLVE_CACHED} was given and the
     *         lookup would have read the disk ({@code EAGAIN})
     * @throws NoSuchFileException if the file or a directory on its path does not exist
     * @throws AccessDeniedException if a directory of the path may not be searched or the file not opened
     * @throws FileSystemException for any other error
     * @throws IllegalArgumentException for an empty path, a NUL byte in it, {@link AioFiles#O_CREAT} or
     *         {@link AioFiles#O_TMPFILE}
     * @throws IOException if {@code dir} is closed (its number is not used: it may be another file's by now)
     * @throws UnsupportedOperationException before Linux 5.6 ({@code ENOSYS}), or where a seccomp filter refuses it
     */
    public static AioFileDescriptor openat2(FileDescriptor dir, String path, int flags, int resolve)
            throws IOException {
        ObjectUtil.checkNotNull(dir, "dir");
        ObjectUtil.checkNotNull(path, "path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path is empty");
        }
        if ((flags & Native.O_CREAT) != 0 || isTmpfile(flags)) {
            // With O_CREAT or O_TMPFILE, openat2 wants a mode and writes: not what this binding is for.
            throw new IllegalArgumentException("flags: O_CREAT and O_TMPFILE are not supported: " + flags);
        }
        if (!dir.isOpen()) {
            // Its number may belong to another directory by now: a lookup there could open a file of another tree.
            throw new IOException("directory descriptor is closed: " + dir);
        }
        byte[] bytes = AioFiles.nulFree(path);
        int fd = Native.openat2(dir.intValue(), bytes, flags | Native.O_CLOEXEC, resolve);
        if (fd >= 0) {
            return new AioFileDescriptor(fd);
        }
        if (fd == -Native.EAGAIN && (resolve & Native.RESOLVE_CACHED) != 0) {
            return null;
        }
        if (fd == -Native.ENOSYS) {
            throw new UnsupportedOperationException("openat2 is not available (Linux 5.6 or later is needed): "
                    + Native.newIOException("openat2", fd).getMessage());
        }
        throw pathException(path, fd);
    }

    /**
     * The type, size and times of an open file: one {@code fstat(2)}, which needs no disk read (the inode of an open
     * file is in memory). {@link BasicFileAttributes#fileKey()} is the file's device and inode (equal for two
     * descriptors of one file); the creation time is the modification time.
     *
     * @param fd an open descriptor of the file, also one opened with {@link AioFiles#O_PATH}
     * @return the attributes, read once: a snapshot
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static BasicFileAttributes attributes(FileDescriptor fd) throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        if (!fd.isOpen()) {
            throw new IOException("descriptor is closed: " + fd);
        }
        return Native.fstat(fd.intValue());
    }

    /**
     * Hands an open descriptor over to a new read-only {@link FileChannel}, without opening the file again: the channel
     * owns it from now on, and closing the channel closes it; {@code fd} is marked closed (its {@code close()} does
     * nothing). The channel is a JDK one, so that {@link DefaultFileRegion}, {@code sendfile(2)},
     * {@link AioFiles#fd} and {@link AioFiles#reopen} all work with it. Nothing cleans it up if it is dropped
     * unclosed: close it.
     *
     * @param fd a descriptor opened for reading, for example by {@link #openat2}
     * @return the channel, to be closed by the caller
     * @throws IOException if {@code fd} is closed (nothing was handed over)
     * @throws UnsupportedOperationException if this JDK's {@link java.io.FileDescriptor} cannot hold a descriptor
     *         number set from outside (the caller still owns {@code fd})
     */
    public static FileChannel readChannel(AioFileDescriptor fd) throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        if (!fd.isOpen()) {
            throw new IOException("descriptor is closed: " + fd);
        }
        java.io.FileDescriptor jdk = Native.newFileDescriptor(fd.intValue());
        if (jdk == null) {
            throw new UnsupportedOperationException("this JDK's java.io.FileDescriptor cannot hold a descriptor");
        }
        if (!fd.handOver()) {
            throw new IOException("descriptor is closed: " + fd); // jdk was never used: it closes nothing
        }
        return new FileInputStream(jdk).getChannel();
    }

    /** {@code true} if {@code flags} has the bit that makes {@code O_TMPFILE} ({@code O_DIRECTORY} alone does not). */
    private static boolean isTmpfile(int flags) {
        return (flags & (Native.O_TMPFILE & ~Native.O_DIRECTORY)) != 0;
    }

    /** An exception for a failed open of {@code path}: the JDK's types for {@code ENOENT} and {@code EACCES}. */
    private static FileSystemException pathException(String path, int res) {
        if (res == -Native.ENOENT) {
            return new NoSuchFileException(path);
        }
        if (res == -Native.EACCES) {
            return new AccessDeniedException(path);
        }
        return new FileSystemException(path, null, Native.newIOException("openat2", res).getMessage());
    }

    /** The descriptor, or -1 for {@code EAGAIN}; throws for every other error. */
    private static int openCached0(Path path, int flags) throws IOException {
        String name = path.toString();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("path is empty");
        }
        byte[] bytes = AioFiles.nulFree(name);
        if (OPEN_CACHED_UNSUPPORTED != null) {
            throw new UnsupportedOperationException(OPEN_CACHED_UNSUPPORTED);
        }
        int fd = Native.openCached(bytes, flags | Native.O_CLOEXEC);
        if (fd >= 0) {
            return fd;
        }
        if (fd == -Native.EAGAIN) {
            return -1;
        }
        throw pathException(name, fd);
    }

    private static String openCachedUnsupported() {
        int fd = Native.openCached(AioFiles.nulFree("/"), Native.O_PATH | Native.O_CLOEXEC);
        if (fd >= 0) {
            try {
                new AioFileDescriptor(fd).close();
            } catch (IOException ignore) {
                // an O_PATH descriptor of "/": nothing to flush, nothing that can fail
            }
            return null;
        }
        // ENOSYS before Linux 5.6; EINVAL for the unknown RESOLVE_CACHED flag before 5.12.
        return "openat2(RESOLVE_CACHED) is not available (Linux 5.12 or later is needed): "
                + Native.newIOException("openat2", fd).getMessage();
    }
}
