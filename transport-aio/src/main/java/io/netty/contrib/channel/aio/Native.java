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
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Unix;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ClassInitializerUtil;
import io.netty.util.internal.NativeLibraryLoader;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.ThrowableUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

import static io.netty.contrib.channel.aio.NativeStaticallyReferencedJniMethods.*;

/**
 * The JNI surface: every native call of the transport. Each {@code xxx0} method returns a non-negative result or
 * {@code -errno}; the wrappers around them turn errors into {@link IOException}s that name the call and the errno.
 * IMPORTANT: this needs to be consistent with the {@code nativeMethods} table in {@code netty_aio_native.c}.
 */
final class Native {

    static {
        // Classes looked up by JNI_OnLoad are loaded first, to avoid a class-loader deadlock
        // (https://github.com/netty/netty/issues/11209).
        ClassInitializerUtil.tryLoadClasses(Native.class, DefaultFileRegion.class, FileChannel.class,
                java.io.FileDescriptor.class);
        try {
            // A side-effect free call: the library may already have been loaded by the application.
            sizeofIocb();
        } catch (UnsatisfiedLinkError ignore) {
            loadNativeLibrary();
        }
        Unix.registerInternal(() -> {
            if (registerUnix() != 0) {
                throw new UnsatisfiedLinkError("netty_unix_register failed");
            }
        });
    }

    static final int IOCB_CMD_PREAD = iocbCmdPread();
    static final int IOCB_CMD_PWRITE = iocbCmdPwrite();
    static final int IOCB_CMD_FSYNC = iocbCmdFsync();
    static final int IOCB_CMD_FDSYNC = iocbCmdFdsync();
    static final int IOCB_CMD_POLL = iocbCmdPoll();
    static final int IOCB_CMD_NOOP = iocbCmdNoop();
    static final int IOCB_CMD_PREADV = iocbCmdPreadv();
    static final int IOCB_CMD_PWRITEV = iocbCmdPwritev();
    static final int IOCB_FLAG_RESFD = iocbFlagResfd();
    static final int IOCB_FLAG_IOPRIO = iocbFlagIoprio();

    static final int SIZEOF_IOCB = sizeofIocb();
    static final int IOCB_DATA = offsetofIocbData();
    static final int IOCB_KEY = offsetofIocbKey();
    static final int IOCB_RW_FLAGS = offsetofIocbRwFlags();
    static final int IOCB_OPCODE = offsetofIocbOpcode();
    static final int IOCB_REQPRIO = offsetofIocbReqPrio();
    static final int IOCB_FD = offsetofIocbFd();
    static final int IOCB_BUF = offsetofIocbBuf();
    static final int IOCB_NBYTES = offsetofIocbNbytes();
    static final int IOCB_OFFSET = offsetofIocbOffset();
    static final int IOCB_FLAGS = offsetofIocbFlags();
    static final int IOCB_RESFD = offsetofIocbResFd();

    static final int SIZEOF_IO_EVENT = sizeofIoEvent();
    static final int IO_EVENT_DATA = offsetofIoEventData();
    static final int IO_EVENT_OBJ = offsetofIoEventObj();
    static final int IO_EVENT_RES = offsetofIoEventRes();
    static final int IO_EVENT_RES2 = offsetofIoEventRes2();

    static final int O_RDONLY = oRdonly();
    static final int O_WRONLY = oWronly();
    static final int O_RDWR = oRdwr();
    static final int O_CREAT = oCreat();
    static final int O_TRUNC = oTrunc();
    static final int O_DIRECT = oDirect();
    static final int O_CLOEXEC = oCloexec();
    static final int O_NOATIME = oNoatime();
    static final int O_PATH = oPath();
    static final int O_DIRECTORY = oDirectory();
    static final int O_TMPFILE = oTmpfile();
    static final int O_NONBLOCK = oNonblock();

    static final int RESOLVE_NO_MAGICLINKS = resolveNoMagiclinks();
    static final int RESOLVE_NO_SYMLINKS = resolveNoSymlinks();
    static final int RESOLVE_BENEATH = resolveBeneath();
    static final int RESOLVE_CACHED = resolveCached();

    static final int EFD_CLOEXEC = efdCloexec();
    static final int EFD_NONBLOCK = efdNonblock();
    static final int EFD_SEMAPHORE = efdSemaphore();

    static final int POSIX_FADV_WILLNEED = posixFadvWillneed();
    static final int POSIX_FADV_DONTNEED = posixFadvDontneed();

    static final int RWF_HIPRI = rwfHipri();
    static final int RWF_DSYNC = rwfDsync();
    static final int RWF_SYNC = rwfSync();
    static final int RWF_NOWAIT = rwfNowait();
    static final int RWF_APPEND = rwfAppend();

    static final int EAGAIN = errnoEagain();
    static final int EINVAL = errnoEinval();
    static final int ENOSYS = errnoEnosys();
    static final int EBADF = errnoEbadf();
    static final int EINPROGRESS = errnoEinprogress();
    static final int EOPNOTSUPP = errnoEopnotsupp();
    static final int ENOENT = errnoEnoent();
    static final int EACCES = errnoEacces();

    static final int PAGE_SIZE = pagesize0();

    /** The slots of cachestat's answer, per thread: the loop checks residency per chunk without allocating. */
    private static final FastThreadLocal<long[]> CACHESTAT = new FastThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return new long[5];
        }
    };

    private Native() {
    }

    /** An {@link IOException} naming the call and the errno; {@code res} is {@code -errno}. */
    static IOException newIOException(String call, long res) {
        return Errors.newIOException(call, (int) res);
    }

    static void check(String call, long res) throws IOException {
        if (res < 0) {
            throw newIOException(call, res);
        }
    }

    private static native int registerUnix();

    // The natives. Only the named wrappers below call them; they are package-private (not private) for the binding's
    // own tests, which check that bad arguments never crash the JVM.

    static native long ioSetup0(int maxEvents);
    static native int ioDestroy0(long ctx);
    static native int ioSubmit0(long ctx, int nr, long iocbpp);
    static native int ioGetEvents0(long ctx, int minNr, int nr, long events, long timeoutNanos);
    static native int ioCancel0(long ctx, long iocb, long result);
    static native ByteBuffer ringBuffer0(long ctx);
    static native int eventFd0(int initval, int flags);
    /** Stores the counter (an unsigned 64-bit value) at {@code out}; returns 0 or {@code -errno}. */
    static native int eventFdRead0(int fd, long out);
    static native int eventFdWrite0(int fd, long value);
    static native int open0(byte[] path, int flags, int mode);
    static native int openCached0(byte[] path, int flags);
    static native int openat2_0(int dirfd, byte[] path, int flags, int resolve);
    static native int statx0(int fd, long[] out);
    static native int fstat0(int fd, long[] out);
    static native int fadvise0(int fd, long offset, long len, int advice);
    static native int cachestat0(int fd, long offset, long len, long[] out);
    static native long preadv2_0(int fd, long address, int len, long offset, int flags);
    static native boolean fileChannelFdSupported0();
    static native int fileChannelFd0(FileChannel channel);
    static native FileChannel fileRegionChannel0(DefaultFileRegion region);
    static native java.io.FileDescriptor newFileDescriptor0(int fd);

    // The wrappers. On the event loop's path they return -errno rather than throw.

    /** {@code io_setup(2)}: the context, or {@code -errno}. */
    static long ioSetup(int maxEvents) {
        return ioSetup0(maxEvents);
    }

    /** {@code io_destroy(2)}, which waits for the operations in flight: 0 or {@code -errno}. */
    static int ioDestroy(long ctx) {
        return ioDestroy0(ctx);
    }

    /** {@code io_submit(2)} of {@code nr} iocb pointers at {@code iocbpp}: how many went, or {@code -errno}. */
    static int ioSubmit(long ctx, int nr, long iocbpp) {
        return ioSubmit0(ctx, nr, iocbpp);
    }

    /**
     * {@code io_getevents(2)} into {@code nr} {@code struct io_event}s at {@code events}; a negative timeout waits
     * for ever. How many were reaped, or {@code -errno}.
     */
    static int ioGetEvents(long ctx, int minNr, int nr, long events, long timeoutNanos) {
        return ioGetEvents0(ctx, minNr, nr, events, timeoutNanos);
    }

    /** {@code io_cancel(2)}, the event written at {@code result}: 0 or {@code -errno}. */
    static int ioCancel(long ctx, long iocb, long result) {
        return ioCancel0(ctx, iocb, result);
    }

    /**
     * The completion ring that {@code io_setup(2)} mapped at {@code ctx}, header and events, as a direct buffer in
     * native order; {@code null} if {@code ctx} is not a context of this process or its ring is not of the layout
     * this binding knows (then the events are only to be had from {@code io_getevents}).
     */
    static ByteBuffer ringBuffer(long ctx) {
        ByteBuffer ring = ringBuffer0(ctx);
        return ring == null ? null : ring.order(ByteOrder.nativeOrder());
    }

    /** {@code eventfd(2)}: the descriptor, or {@code -errno}. */
    static int eventFd(int initval, int flags) {
        return eventFd0(initval, flags);
    }

    /** Reads an eventfd's counter into the 8 bytes at {@code out}: 0 or {@code -errno}. */
    static int eventFdRead(int fd, long out) {
        return eventFdRead0(fd, out);
    }

    /** Adds {@code value} to an eventfd's counter: 0 or {@code -errno}. */
    static int eventFdWrite(int fd, long value) {
        return eventFdWrite0(fd, value);
    }

    /** {@code open(2)} of a NUL-free path: the descriptor, or {@code -errno}. */
    static int open(byte[] path, int flags, int mode) {
        return open0(path, flags, mode);
    }

    /**
     * {@code openat2(2)} of a NUL-free path with {@code RESOLVE_CACHED}: the descriptor, {@code -EAGAIN} when a
     * component of the path is not in the dentry cache (the lookup would read the disk), or {@code -errno}.
     */
    static int openCached(byte[] path, int flags) {
        return openCached0(path, flags);
    }

    /**
     * {@code openat2(2)} of a NUL-free path relative to the directory {@code dirfd}, with {@code RESOLVE_*} flags: the
     * descriptor, or {@code -errno}.
     */
    static int openat2(int dirfd, byte[] path, int flags, int resolve) {
        return openat2_0(dirfd, path, flags, resolve);
    }

    /** {@code fstat(2)} of an open file: its type, size and times. */
    static FileAttributes fstat(int fd) throws IOException {
        long[] out = new long[FileAttributes.SLOTS];
        check("fstat", fstat0(fd, out));
        return new FileAttributes(out);
    }

    /** {@code statx(2)} of an open file. */
    static FileStat statx(int fd) throws IOException {
        long[] out = new long[FileStat.SLOTS];
        check("statx", statx0(fd, out));
        return new FileStat(out);
    }

    /** {@code posix_fadvise(2)}: 0 or {@code -errno}. */
    static int fadvise(int fd, long offset, long length, int advice) {
        return fadvise0(fd, offset, length, advice);
    }

    /** {@code cachestat(2)}: how many pages of the range are in the page cache, or {@code -errno}. */
    static long cachedPages(int fd, long offset, long length) {
        long[] out = CACHESTAT.get();
        int res = cachestat0(fd, offset, length, out);
        return res < 0 ? res : out[0];
    }

    /** {@code preadv2(2)} of one buffer: the bytes read, or {@code -errno}. */
    static long preadv2(int fd, long address, int length, long offset, int flags) {
        return preadv2_0(fd, address, length, offset, flags);
    }

    /** {@code true} if the descriptor behind a {@code FileChannel} (and a region's channel) can be read. */
    static boolean fileChannelFdSupported() {
        return fileChannelFdSupported0();
    }

    /** The descriptor behind a JDK {@code FileChannel}, or {@code -errno}. */
    static int fileChannelFd(FileChannel channel) {
        return fileChannelFd0(channel);
    }

    /** The {@code FileChannel} inside a {@link DefaultFileRegion}, or {@code null}. */
    static FileChannel fileRegionChannel(DefaultFileRegion region) {
        return fileRegionChannel0(region);
    }

    /**
     * A new {@link java.io.FileDescriptor} holding {@code fd}, or {@code null} if this JDK's class has no field to hold
     * it. The object does not close {@code fd} by itself: the stream it is given to does, when closed.
     */
    static java.io.FileDescriptor newFileDescriptor(int fd) {
        return newFileDescriptor0(fd);
    }

    private static void loadNativeLibrary() {
        if (!"linux".equals(PlatformDependent.normalizedOs())) {
            throw new IllegalStateException("Linux AIO is only supported on Linux");
        }
        String staticLibName = "netty_transport_aio_native";
        String sharedLibName = staticLibName + '_' + PlatformDependent.normalizedArch();
        ClassLoader cl = PlatformDependent.getClassLoader(Native.class);
        try {
            NativeLibraryLoader.load(sharedLibName, cl);
        } catch (UnsatisfiedLinkError e1) {
            try {
                NativeLibraryLoader.load(staticLibName, cl);
            } catch (UnsatisfiedLinkError e2) {
                ThrowableUtil.addSuppressed(e1, e2);
                throw e1;
            }
        }
    }
}
