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
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.ObjectUtil;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Plain file operations that AIO needs and the JDK does not offer: {@code open(2)} with {@code O_DIRECT}, the
 * direct-I/O alignment of a file, {@code preadv2(2)} with {@code RWF_NOWAIT}, and the descriptor behind a
 * {@link FileChannel}. Looking files up on an event loop without waiting for the disk: {@link FileLookups}.
 */
public final class AioFiles {

    /** {@code O_RDONLY}. */
    public static final int O_RDONLY = Native.O_RDONLY;
    /** {@code O_WRONLY}. */
    public static final int O_WRONLY = Native.O_WRONLY;
    /** {@code O_RDWR}. */
    public static final int O_RDWR = Native.O_RDWR;
    /** {@code O_CREAT}: give a mode to {@link #open(File, int, int)}. */
    public static final int O_CREAT = Native.O_CREAT;
    /** {@code O_TRUNC}. */
    public static final int O_TRUNC = Native.O_TRUNC;
    /** {@code O_DIRECT}: bypass the page cache; offsets, lengths and buffers must be aligned. */
    public static final int O_DIRECT = Native.O_DIRECT;
    /** {@code O_CLOEXEC}: always added by {@link #open}. */
    public static final int O_CLOEXEC = Native.O_CLOEXEC;
    /** {@code O_NOATIME}. */
    public static final int O_NOATIME = Native.O_NOATIME;
    /** {@code O_PATH}: a descriptor that names the file without opening it for reading (no permission needed). */
    public static final int O_PATH = Native.O_PATH;
    /** {@code O_DIRECTORY}: fail with {@code ENOTDIR} unless the path is a directory. */
    public static final int O_DIRECTORY = Native.O_DIRECTORY;
    /**
     * {@code O_TMPFILE}: an unnamed file in a directory. It creates a file, as {@link #O_CREAT} does, and is refused
     * where that is.
     */
    public static final int O_TMPFILE = Native.O_TMPFILE;
    /**
     * {@code O_NONBLOCK}: among other things, an open that would wait (a FIFO without a writer) returns at once;
     * reads of a regular file are not affected.
     */
    public static final int O_NONBLOCK = Native.O_NONBLOCK;

    /** {@code RWF_HIPRI}. */
    public static final int RWF_HIPRI = Native.RWF_HIPRI;
    /** {@code RWF_DSYNC}. */
    public static final int RWF_DSYNC = Native.RWF_DSYNC;
    /** {@code RWF_SYNC}. */
    public static final int RWF_SYNC = Native.RWF_SYNC;
    /** {@code RWF_NOWAIT}: fail with {@code EAGAIN} rather than wait for the disk. */
    public static final int RWF_NOWAIT = Native.RWF_NOWAIT;
    /** {@code RWF_APPEND}. */
    public static final int RWF_APPEND = Native.RWF_APPEND;

    /** Used when neither the file system nor the block device tells the alignment. */
    static final int DEFAULT_ALIGNMENT = 4096;

    /** Logical block size (or -1) by device number: read from sysfs once per device, not once per file. */
    private static final ConcurrentMap<Long, Integer> BLOCK_SIZES = new ConcurrentHashMap<>();

    private static final Charset FS_CHARSET = Charset.forName(System.getProperty("sun.jnu.encoding",
            Charset.defaultCharset().name()));

    private AioFiles() {
    }

    /**
     * Opens a file read-only with extra {@code flags} (for example {@link #O_DIRECT}).
     *
     * @param file the file
     * @param flags {@code open(2)} flags such as {@link #O_DIRECT}
     * @return the new descriptor, to be closed by the caller
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static AioFileDescriptor open(File file, int flags) throws IOException {
        return open(file, flags, 0);
    }

    /**
     * Opens a file ({@code open(2)}, always with {@code O_CLOEXEC}).
     *
     * @param file the file
     * @param flags {@code open(2)} flags such as {@link #O_DIRECT}
     * @param mode the permission bits of a file that {@code O_CREAT} creates
     * @return the new descriptor, to be closed by the caller
     * @throws IOException naming {@code open}, the path and the errno ({@code EINVAL} when the file system refuses
     *         {@code O_DIRECT})
     */
    public static AioFileDescriptor open(File file, int flags, int mode) throws IOException {
        ObjectUtil.checkNotNull(file, "file");
        return open(file.getPath(), flags, mode);
    }

    static AioFileDescriptor open(String path, int flags, int mode) throws IOException {
        byte[] bytes = nulFree(path);
        int fd = Native.open(bytes, flags | Native.O_CLOEXEC, mode);
        if (fd < 0) {
            IOException cause = Native.newIOException("open", fd);
            throw new IOException("open(" + path + ") failed: " + cause.getMessage(), cause);
        }
        return new AioFileDescriptor(fd);
    }

    /** The path as the file system's bytes; refuses a NUL byte, which would end it early. */
    static byte[] nulFree(String path) {
        byte[] bytes = path.getBytes(FS_CHARSET);
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("path contains a NUL byte: " + path);
            }
        }
        return bytes;
    }

    /**
     * Opens the file behind an open {@link FileChannel} a second time, through {@code /proc/self/fd}, with new
     * flags: the channel's own file description is never changed.
     *
     * @param channel an open channel made by the JDK
     * @param flags the new descriptor's {@code open(2)} flags such as {@link #O_DIRECT}
     * @return the new descriptor, to be closed by the caller
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static AioFileDescriptor reopen(FileChannel channel, int flags) throws IOException {
        return open("/proc/self/fd/" + fd(channel), flags, 0);
    }

    /**
     * The descriptor number behind a {@link FileChannel} opened by the JDK, read the way Netty's epoll transport
     * reads it for {@code sendfile}.
     *
     * @param channel an open channel made by the JDK
     * @return the descriptor number behind the channel
     * @throws IOException if the channel is closed or not the JDK's
     * @throws UnsupportedOperationException if this JDK does not have the expected fields
     */
    public static int fd(FileChannel channel) throws IOException {
        ObjectUtil.checkNotNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new IOException("FileChannel is closed");
        }
        int fd = Native.fileChannelFd(channel);
        if (fd == -Native.ENOSYS) {
            throw new UnsupportedOperationException("this JDK's FileChannel has no readable file descriptor");
        }
        if (fd < 0) {
            throw new IOException("not a JDK FileChannel with a descriptor: " + channel.getClass().getName());
        }
        return fd;
    }

    /** {@code true} if the descriptor of a {@link DefaultFileRegion}'s channel can be read on this JDK. */
    static boolean fileRegionFdSupported() {
        return Native.fileChannelFdSupported();
    }

    /** The (opened) {@link FileChannel} inside a {@link DefaultFileRegion}. */
    static FileChannel channel(DefaultFileRegion region) throws IOException {
        region.open();
        FileChannel channel = Native.fileRegionChannel(region);
        if (channel == null) {
            throw new IOException("region has no FileChannel: " + region);
        }
        return channel;
    }

    /**
     * The direct-I/O alignment of an open file: {@code statx(STATX_DIOALIGN)} when the file system reports it, else
     * the block device's logical block size, else 4096.
     *
     * @param fd an open descriptor of the file
     * @return the direct-I/O alignment of the file
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static DirectIoAlignment alignment(FileDescriptor fd) throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        return alignment(Native.statx(fd.intValue()));
    }

    static DirectIoAlignment alignment(FileStat stat) {
        if (stat.dioOffsetAlignment > 0 && stat.dioMemoryAlignment > 0) {
            return new DirectIoAlignment(stat.dioMemoryAlignment, stat.dioOffsetAlignment, "statx");
        }
        int device = BLOCK_SIZES.computeIfAbsent(stat.device, dev -> logicalBlockSize(stat.deviceMajor,
                stat.deviceMinor));
        if (device > 0) {
            return new DirectIoAlignment(device, device, "block device");
        }
        return new DirectIoAlignment(DEFAULT_ALIGNMENT, DEFAULT_ALIGNMENT, "default");
    }

    private static int logicalBlockSize(long major, long minor) {
        // A partition has no queue/ of its own: its parent disk's is one level up.
        Path dev = Paths.get("/sys/dev/block/" + major + ':' + minor);
        for (String candidate : new String[] {"queue/logical_block_size", "../queue/logical_block_size"}) {
            try {
                Path path = dev.resolve(candidate);
                if (Files.isReadable(path)) {
                    int size = Integer.parseInt(new String(Files.readAllBytes(path), FS_CHARSET).trim());
                    if (size > 0 && (size & size - 1) == 0) {
                        return size;
                    }
                }
            } catch (IOException | RuntimeException ignore) {
                // try the next place, then fall back to the default
            }
        }
        return -1;
    }

    /**
     * {@code preadv2(2)} into {@code length} bytes of a direct buffer from {@code index}.
     *
     * @param fd an open descriptor of the file
     * @param buffer a direct buffer
     * @param index where the first byte goes in {@code buffer}
     * @param length how many bytes to read, at most
     * @param offset the file offset to read from
     * @param flags {@code RWF_*} flags such as {@link #RWF_NOWAIT}, or 0
     * @return the bytes read (0 at end of file), or -1 if {@link #RWF_NOWAIT} was given and the data is not in the
     *         page cache ({@code EAGAIN})
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public static int preadv2(FileDescriptor fd, ByteBuf buffer, int index, int length, long offset, int flags)
            throws IOException {
        ObjectUtil.checkNotNull(fd, "fd");
        ObjectUtil.checkNotNull(buffer, "buffer");
        ObjectUtil.checkPositiveOrZero(offset, "offset");
        long address = Buffers.address(buffer, index, length);
        long res = Native.preadv2(fd.intValue(), address, length, offset, flags);
        if (res == -Native.EAGAIN && (flags & Native.RWF_NOWAIT) != 0) {
            return -1;
        }
        Native.check("preadv2", res);
        return (int) res;
    }

    /**
     * The alignment rules of direct I/O on one file: buffers must start at a multiple of {@link #memory()}, file
     * offsets and lengths must be multiples of {@link #offset()}.
     */
    public static final class DirectIoAlignment {
        private final int memory;
        private final int offset;
        private final String source;

        DirectIoAlignment(int memory, int offset, String source) {
            this.memory = memory;
            this.offset = offset;
            this.source = source;
        }

        /** {@return alignment of buffer addresses, in bytes} */
        public int memory() {
            return memory;
        }

        /** {@return alignment of file offsets and lengths, in bytes} */
        public int offset() {
            return offset;
        }

        /** {@return where the numbers came from: {@code statx}, {@code block device} or {@code default}} */
        public String source() {
            return source;
        }

        @Override
        public String toString() {
            return "DirectIoAlignment(memory: " + memory + ", offset: " + offset + ", from " + source + ')';
        }
    }
}
