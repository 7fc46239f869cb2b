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
/*
 * JNI surface of the AIO transport: thin wrappers that take addresses and ints and return -errno.
 * Every Java method lives in io.netty.contrib.channel.aio.Native or NativeStaticallyReferencedJniMethods.
 * IMPORTANT: the tables at the end must be consistent with those two Java classes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <linux/fs.h>
#include <jni.h>

#include "netty_jni_util.h"
#include "netty_unix.h"
#include "netty_aio_syscall.h"

#define STATICALLY_CLASSNAME "io/netty/contrib/channel/aio/NativeStaticallyReferencedJniMethods"
#define NATIVE_CLASSNAME "io/netty/contrib/channel/aio/Native"
#define LIBRARY_NAME "netty_transport_aio_native"

/* Fields read to find the fd behind a FileChannel, as Netty's epoll transport does for sendfile. */
static jclass fileChannelImplClass = NULL;
static jfieldID fileChannelFdFieldId = NULL;
static jfieldID fileDescriptorFdFieldId = NULL;
/* java.io.FileDescriptor and its no-argument constructor: a descriptor handed over to a FileChannel. */
static jclass fileDescriptorClass = NULL;
static jmethodID fileDescriptorConstructorId = NULL;
static jfieldID defaultFileRegionFileFieldId = NULL;
static char* staticPackagePrefix = NULL;
static int unixRegistered = 0;

/* ---- constants ----------------------------------------------------------------------------------- */

#define CONSTANT(name, value) \
    static jint netty_aio_##name(JNIEnv* env, jclass clazz) { return (jint) (value); }

CONSTANT(iocbCmdPread, IOCB_CMD_PREAD)
CONSTANT(iocbCmdPwrite, IOCB_CMD_PWRITE)
CONSTANT(iocbCmdFsync, IOCB_CMD_FSYNC)
CONSTANT(iocbCmdFdsync, IOCB_CMD_FDSYNC)
CONSTANT(iocbCmdPoll, IOCB_CMD_POLL)
CONSTANT(iocbCmdNoop, IOCB_CMD_NOOP)
CONSTANT(iocbCmdPreadv, IOCB_CMD_PREADV)
CONSTANT(iocbCmdPwritev, IOCB_CMD_PWRITEV)
CONSTANT(iocbFlagResfd, IOCB_FLAG_RESFD)
CONSTANT(iocbFlagIoprio, IOCB_FLAG_IOPRIO)
CONSTANT(sizeofIocb, sizeof(struct iocb))
CONSTANT(offsetofIocbData, offsetof(struct iocb, aio_data))
CONSTANT(offsetofIocbKey, offsetof(struct iocb, aio_key))
CONSTANT(offsetofIocbRwFlags, offsetof(struct iocb, aio_rw_flags))
CONSTANT(offsetofIocbOpcode, offsetof(struct iocb, aio_lio_opcode))
CONSTANT(offsetofIocbReqPrio, offsetof(struct iocb, aio_reqprio))
CONSTANT(offsetofIocbFd, offsetof(struct iocb, aio_fildes))
CONSTANT(offsetofIocbBuf, offsetof(struct iocb, aio_buf))
CONSTANT(offsetofIocbNbytes, offsetof(struct iocb, aio_nbytes))
CONSTANT(offsetofIocbOffset, offsetof(struct iocb, aio_offset))
CONSTANT(offsetofIocbFlags, offsetof(struct iocb, aio_flags))
CONSTANT(offsetofIocbResFd, offsetof(struct iocb, aio_resfd))
CONSTANT(sizeofIoEvent, sizeof(struct io_event))
CONSTANT(offsetofIoEventData, offsetof(struct io_event, data))
CONSTANT(offsetofIoEventObj, offsetof(struct io_event, obj))
CONSTANT(offsetofIoEventRes, offsetof(struct io_event, res))
CONSTANT(offsetofIoEventRes2, offsetof(struct io_event, res2))
CONSTANT(oRdonly, O_RDONLY)
CONSTANT(oWronly, O_WRONLY)
CONSTANT(oRdwr, O_RDWR)
CONSTANT(oCreat, O_CREAT)
CONSTANT(oTrunc, O_TRUNC)
CONSTANT(oDirect, O_DIRECT)
CONSTANT(oCloexec, O_CLOEXEC)
CONSTANT(oNoatime, O_NOATIME)
CONSTANT(oPath, O_PATH)
CONSTANT(oDirectory, O_DIRECTORY)
CONSTANT(oTmpfile, O_TMPFILE)
CONSTANT(oNonblock, O_NONBLOCK)
CONSTANT(resolveNoMagiclinks, RESOLVE_NO_MAGICLINKS)
CONSTANT(resolveNoSymlinks, RESOLVE_NO_SYMLINKS)
CONSTANT(resolveBeneath, RESOLVE_BENEATH)
CONSTANT(resolveCached, RESOLVE_CACHED)
CONSTANT(efdCloexec, EFD_CLOEXEC)
CONSTANT(efdNonblock, EFD_NONBLOCK)
CONSTANT(efdSemaphore, EFD_SEMAPHORE)
CONSTANT(posixFadvWillneed, POSIX_FADV_WILLNEED)
CONSTANT(posixFadvDontneed, POSIX_FADV_DONTNEED)
CONSTANT(rwfHipri, RWF_HIPRI)
CONSTANT(rwfDsync, RWF_DSYNC)
CONSTANT(rwfSync, RWF_SYNC)
CONSTANT(rwfNowait, RWF_NOWAIT)
CONSTANT(rwfAppend, RWF_APPEND)
CONSTANT(errnoEagain, EAGAIN)
CONSTANT(errnoEinval, EINVAL)
CONSTANT(errnoEnosys, ENOSYS)
CONSTANT(errnoEbadf, EBADF)
CONSTANT(errnoEinprogress, EINPROGRESS)
CONSTANT(errnoEopnotsupp, EOPNOTSUPP)
CONSTANT(errnoEnoent, ENOENT)
CONSTANT(errnoEacces, EACCES)

/* ---- AIO ----------------------------------------------------------------------------------------- */

static jlong netty_aio_ioSetup0(JNIEnv* env, jclass clazz, jint nr) {
    aio_context_t ctx = 0;
    long res = netty_aio_io_setup((unsigned) nr, &ctx);
    return res < 0 ? (jlong) res : (jlong) ctx;
}

static jint netty_aio_ioDestroy0(JNIEnv* env, jclass clazz, jlong ctx) {
    return (jint) netty_aio_io_destroy((aio_context_t) ctx);
}

static jint netty_aio_ioSubmit0(JNIEnv* env, jclass clazz, jlong ctx, jint nr, jlong iocbpp) {
    return (jint) netty_aio_io_submit((aio_context_t) ctx, nr, (struct iocb**) (intptr_t) iocbpp);
}

static jint netty_aio_ioGetEvents0(JNIEnv* env, jclass clazz, jlong ctx, jint minNr, jint nr, jlong events,
                                   jlong timeoutNanos) {
    return (jint) netty_aio_io_getevents((aio_context_t) ctx, minNr, nr, (struct io_event*) (intptr_t) events,
                                         (int64_t) timeoutNanos);
}

/* The header of the completion ring that io_setup(2) maps into the process at the context's address (struct aio_ring,
 * fs/aio.c): the kernel writes events at tail, the reader consumes them from head. */
struct netty_aio_ring {
    unsigned id;
    unsigned nr;
    unsigned head;
    unsigned tail;
    unsigned magic;
    unsigned compat_features;
    unsigned incompat_features;
    unsigned header_length;
};

#define NETTY_AIO_RING_MAGIC 0xa10a10a1

/* The ring of 'ctx' (a context of this process) as a direct buffer, header and events; NULL if 'ctx' is not one, or
 * its header is not the layout described above (the events are then only to be had from io_getevents). */
static jobject netty_aio_ringBuffer0(JNIEnv* env, jclass clazz, jlong ctx) {
    /* The kernel looks the context up in this process's table first: a value that is not one never reaches the read
     * of its header below. */
    if (netty_aio_io_getevents((aio_context_t) ctx, 0, 0, NULL, 0) < 0) {
        return NULL;
    }
    struct netty_aio_ring* ring = (struct netty_aio_ring*) (intptr_t) ctx;
    if (ring->magic != NETTY_AIO_RING_MAGIC || ring->incompat_features != 0
            || ring->header_length != sizeof(struct netty_aio_ring) || ring->nr == 0) {
        return NULL;
    }
    jlong size = (jlong) sizeof(struct netty_aio_ring) + (jlong) ring->nr * (jlong) sizeof(struct io_event);
    return (*env)->NewDirectByteBuffer(env, ring, size);
}

static jint netty_aio_ioCancel0(JNIEnv* env, jclass clazz, jlong ctx, jlong iocb, jlong result) {
    return (jint) netty_aio_io_cancel((aio_context_t) ctx, (struct iocb*) (intptr_t) iocb,
                                      (struct io_event*) (intptr_t) result);
}

/* ---- eventfd ------------------------------------------------------------------------------------- */

static jint netty_aio_eventFd0(JNIEnv* env, jclass clazz, jint initval, jint flags) {
    int fd = eventfd((unsigned) initval, flags);
    return fd < 0 ? -errno : fd;
}

/* Stores the counter at 'out' (eventfd(2): up to 0xfffffffffffffffe, so it does not fit a jlong's positive range
 * and cannot share the return value with -errno); returns 0 or -errno. */
static jint netty_aio_eventFdRead0(JNIEnv* env, jclass clazz, jint fd, jlong out) {
    uint64_t value;
    for (;;) {
        ssize_t res = read(fd, &value, sizeof(value));
        if (res == sizeof(value)) {
            memcpy((void*) (intptr_t) out, &value, sizeof(value));
            return 0;
        }
        if (res < 0 && errno == EINTR) {
            continue;
        }
        return res < 0 ? -errno : -EIO;
    }
}

static jint netty_aio_eventFdWrite0(JNIEnv* env, jclass clazz, jint fd, jlong value) {
    uint64_t v = (uint64_t) value;
    for (;;) {
        ssize_t res = write(fd, &v, sizeof(v));
        if (res == sizeof(v)) {
            return 0;
        }
        if (res < 0 && errno == EINTR) {
            continue;
        }
        return res < 0 ? -errno : -EIO;
    }
}

/* ---- files --------------------------------------------------------------------------------------- */

/* Arrays come from package-private callers: a null or short one is a Java exception, never a crash. The return
 * value of a native with a pending exception is ignored by the JVM. */
static void throw_null_pointer(JNIEnv* env, const char* name) {
    jclass npe = (*env)->FindClass(env, "java/lang/NullPointerException");
    if (npe != NULL) {
        (*env)->ThrowNew(env, npe, name);
        (*env)->DeleteLocalRef(env, npe);
    }
}

static int check_out_array(JNIEnv* env, jlongArray out, jsize min_length) {
    if (out == NULL) {
        throw_null_pointer(env, "out");
        return 0;
    }
    jsize length = (*env)->GetArrayLength(env, out);
    if (length < min_length) {
        char message[96];
        snprintf(message, sizeof(message), "out: length %d (expected: >= %d)", (int) length, (int) min_length);
        jclass iae = (*env)->FindClass(env, "java/lang/IllegalArgumentException");
        if (iae != NULL) {
            (*env)->ThrowNew(env, iae, message);
            (*env)->DeleteLocalRef(env, iae);
        }
        return 0;
    }
    return 1;
}

/* Copies a path given as bytes into buf (PATH_MAX bytes) with its terminating NUL: 0, or -errno (for null, a
 * NullPointerException is pending). An empty path goes to the kernel too: open("") fails with ENOENT, as
 * path_resolution(7) says. */
static int copy_path(JNIEnv* env, jbyteArray path, char* buf) {
    if (path == NULL) {
        throw_null_pointer(env, "path");
        return -EFAULT;
    }
    jsize len = (*env)->GetArrayLength(env, path);
    if (len >= PATH_MAX) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte*) buf);
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
        return -EINVAL;
    }
    return 0;
}

static jint netty_aio_open0(JNIEnv* env, jclass clazz, jbyteArray path, jint flags, jint mode) {
    char buf[PATH_MAX];
    int res = copy_path(env, path, buf);
    if (res < 0) {
        return res;
    }
    for (;;) {
        int fd = open(buf, flags, (mode_t) mode);
        if (fd >= 0) {
            return fd;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

/* openat2(2) with RESOLVE_CACHED: the descriptor, -EAGAIN when the lookup would wait for the disk, or -errno. The
 * path is checked as for open0. */
static jint netty_aio_openCached0(JNIEnv* env, jclass clazz, jbyteArray path, jint flags) {
    char buf[PATH_MAX];
    int res = copy_path(env, path, buf);
    if (res < 0) {
        return res;
    }
    return (jint) netty_aio_open_cached(buf, flags);
}

/* openat2(2) of path relative to dirfd with RESOLVE_* flags: the descriptor or -errno. The path is checked as for
 * open0; an empty path is ENOENT (openat2 has no AT_EMPTY_PATH). */
static jint netty_aio_openat2_0(JNIEnv* env, jclass clazz, jint dirfd, jbyteArray path, jint flags, jint resolve) {
    char buf[PATH_MAX];
    int res = copy_path(env, path, buf);
    if (res < 0) {
        return res;
    }
    return (jint) netty_aio_openat2(dirfd, buf, flags, (uint64_t) (unsigned int) resolve);
}

/* out: [mode, size, mtimeSec, mtimeNsec, atimeSec, atimeNsec, dev, ino], dev as major << 32 | minor (as FileStat
 * makes it of statx's fields, so that both give a file the same key)
 * IMPORTANT: this needs to be consistent with FileAttributes.SLOTS and its constructor. */
static jint netty_aio_fstat0(JNIEnv* env, jclass clazz, jint fd, jlongArray out) {
    if (!check_out_array(env, out, 8)) {
        return -EFAULT;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        return -errno;
    }
    jlong dev = (jlong) major(st.st_dev) << 32 | (jlong) minor(st.st_dev);
    jlong values[8] = { (jlong) st.st_mode, (jlong) st.st_size, (jlong) st.st_mtim.tv_sec, (jlong) st.st_mtim.tv_nsec,
                        (jlong) st.st_atim.tv_sec, (jlong) st.st_atim.tv_nsec, dev, (jlong) st.st_ino };
    (*env)->SetLongArrayRegion(env, out, 0, 8, values);
    return 0;
}

/* out: [mask, dioMemAlign, dioOffsetAlign, devMajor, devMinor, blksize, size, ino, mtimeSec, mtimeNsec]
 * IMPORTANT: this needs to be consistent with Native.statx(int). */
static jint netty_aio_statx0(JNIEnv* env, jclass clazz, jint fd, jlongArray out) {
    if (!check_out_array(env, out, 10)) {
        return -EFAULT;
    }
    struct netty_aio_file_info info;
    long res = netty_aio_statx(fd, &info);
    if (res < 0) {
        return (jint) res;
    }
    jlong values[10] = { info.mask, info.dio_mem_align, info.dio_offset_align, info.dev_major, info.dev_minor,
                         info.blksize, (jlong) info.size, (jlong) info.ino, (jlong) info.mtime_sec,
                         info.mtime_nsec };
    (*env)->SetLongArrayRegion(env, out, 0, 10, values);
    return 0;
}

static jint netty_aio_fadvise0(JNIEnv* env, jclass clazz, jint fd, jlong offset, jlong len, jint advice) {
    /* posix_fadvise(3) returns the error number instead of setting errno. */
    return -posix_fadvise(fd, (off_t) offset, (off_t) len, advice);
}

/* out: [nrCache, nrDirty, nrWriteback, nrEvicted, nrRecentlyEvicted] in pages */
static jint netty_aio_cachestat0(JNIEnv* env, jclass clazz, jint fd, jlong offset, jlong len, jlongArray out) {
    if (!check_out_array(env, out, 5)) {
        return -EFAULT;
    }
    struct netty_aio_cachestat cs;
    long res = netty_aio_cachestat(fd, (uint64_t) offset, (uint64_t) len, &cs);
    if (res < 0) {
        return (jint) res;
    }
    jlong values[5] = { (jlong) cs.nr_cache, (jlong) cs.nr_dirty, (jlong) cs.nr_writeback, (jlong) cs.nr_evicted,
                        (jlong) cs.nr_recently_evicted };
    (*env)->SetLongArrayRegion(env, out, 0, 5, values);
    return 0;
}

static jlong netty_aio_preadv2_0(JNIEnv* env, jclass clazz, jint fd, jlong address, jint len, jlong offset,
                                 jint flags) {
    struct iovec iov = { .iov_base = (void*) (intptr_t) address, .iov_len = (size_t) len };
    for (;;) {
        ssize_t res = preadv2(fd, &iov, 1, (off_t) offset, flags);
        if (res >= 0) {
            return (jlong) res;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

static jint netty_aio_pagesize0(JNIEnv* env, jclass clazz) {
    return (jint) sysconf(_SC_PAGESIZE);
}

/* ---- FileChannel internals (as Netty's epoll sendfile reads them) -------------------------------- */

static jboolean netty_aio_fileChannelFdSupported0(JNIEnv* env, jclass clazz) {
    return fileChannelImplClass != NULL && fileDescriptorFdFieldId != NULL && defaultFileRegionFileFieldId != NULL;
}

static jint netty_aio_fileChannelFd0(JNIEnv* env, jclass clazz, jobject channel) {
    if (fileChannelImplClass == NULL || fileChannelFdFieldId == NULL || fileDescriptorFdFieldId == NULL) {
        return -ENOSYS;
    }
    if (channel == NULL || !(*env)->IsInstanceOf(env, channel, fileChannelImplClass)) {
        return -EINVAL;
    }
    jobject fdObject = (*env)->GetObjectField(env, channel, fileChannelFdFieldId);
    if (fdObject == NULL) {
        return -EBADF;
    }
    jint fd = (*env)->GetIntField(env, fdObject, fileDescriptorFdFieldId);
    (*env)->DeleteLocalRef(env, fdObject);
    return fd < 0 ? -EBADF : fd;
}

/* A new java.io.FileDescriptor holding fd, or NULL if this JDK's FileDescriptor has no int field "fd" (then the
 * caller keeps fd). The object does not close fd by itself: the stream it is given to does, when closed. */
static jobject netty_aio_newFileDescriptor0(JNIEnv* env, jclass clazz, jint fd) {
    if (fileDescriptorClass == NULL || fileDescriptorConstructorId == NULL || fileDescriptorFdFieldId == NULL
            || fd < 0) {
        return NULL;
    }
    jobject fdObject = (*env)->NewObject(env, fileDescriptorClass, fileDescriptorConstructorId);
    if (fdObject == NULL) {
        return NULL; /* OutOfMemoryError pending */
    }
    (*env)->SetIntField(env, fdObject, fileDescriptorFdFieldId, fd);
    return fdObject;
}

static jobject netty_aio_fileRegionChannel0(JNIEnv* env, jclass clazz, jobject region) {
    if (defaultFileRegionFileFieldId == NULL || region == NULL) {
        return NULL;
    }
    return (*env)->GetObjectField(env, region, defaultFileRegionFileFieldId);
}

/* Binds Netty's unix-common classes (Errors, FileDescriptor, Buffer) to this library, so that they work
 * even when no other Netty native transport is loaded. Called from Java under Unix.registerInternal(..). */
static jint netty_aio_registerUnix(JNIEnv* env, jclass clazz) {
    /* Returns the JNI version on success. */
    if (netty_unix_register(env, staticPackagePrefix) == JNI_ERR) {
        return JNI_ERR;
    }
    unixRegistered = 1;
    return JNI_OK;
}

/* ---- registration -------------------------------------------------------------------------------- */

#define METHOD(name, sig) { #name, sig, (void*) netty_aio_##name }

static const JNINativeMethod staticallyReferencedMethods[] = {
    METHOD(iocbCmdPread, "()I"), METHOD(iocbCmdPwrite, "()I"), METHOD(iocbCmdFsync, "()I"),
    METHOD(iocbCmdFdsync, "()I"), METHOD(iocbCmdPoll, "()I"), METHOD(iocbCmdNoop, "()I"),
    METHOD(iocbCmdPreadv, "()I"), METHOD(iocbCmdPwritev, "()I"), METHOD(iocbFlagResfd, "()I"),
    METHOD(iocbFlagIoprio, "()I"), METHOD(sizeofIocb, "()I"), METHOD(offsetofIocbData, "()I"),
    METHOD(offsetofIocbKey, "()I"), METHOD(offsetofIocbRwFlags, "()I"), METHOD(offsetofIocbOpcode, "()I"),
    METHOD(offsetofIocbReqPrio, "()I"), METHOD(offsetofIocbFd, "()I"), METHOD(offsetofIocbBuf, "()I"),
    METHOD(offsetofIocbNbytes, "()I"), METHOD(offsetofIocbOffset, "()I"), METHOD(offsetofIocbFlags, "()I"),
    METHOD(offsetofIocbResFd, "()I"), METHOD(sizeofIoEvent, "()I"), METHOD(offsetofIoEventData, "()I"),
    METHOD(offsetofIoEventObj, "()I"), METHOD(offsetofIoEventRes, "()I"), METHOD(offsetofIoEventRes2, "()I"),
    METHOD(oRdonly, "()I"), METHOD(oWronly, "()I"), METHOD(oRdwr, "()I"), METHOD(oCreat, "()I"),
    METHOD(oTrunc, "()I"), METHOD(oDirect, "()I"), METHOD(oCloexec, "()I"), METHOD(oNoatime, "()I"),
    METHOD(oPath, "()I"), METHOD(oDirectory, "()I"), METHOD(oTmpfile, "()I"), METHOD(oNonblock, "()I"),
    METHOD(resolveNoMagiclinks, "()I"), METHOD(resolveNoSymlinks, "()I"), METHOD(resolveBeneath, "()I"),
    METHOD(resolveCached, "()I"),
    METHOD(efdCloexec, "()I"), METHOD(efdNonblock, "()I"), METHOD(efdSemaphore, "()I"),
    METHOD(posixFadvWillneed, "()I"), METHOD(posixFadvDontneed, "()I"),
    METHOD(rwfHipri, "()I"), METHOD(rwfDsync, "()I"), METHOD(rwfSync, "()I"), METHOD(rwfNowait, "()I"),
    METHOD(rwfAppend, "()I"), METHOD(errnoEagain, "()I"), METHOD(errnoEinval, "()I"), METHOD(errnoEnosys, "()I"),
    METHOD(errnoEbadf, "()I"), METHOD(errnoEinprogress, "()I"), METHOD(errnoEopnotsupp, "()I"),
    METHOD(errnoEnoent, "()I"), METHOD(errnoEacces, "()I"),
    METHOD(pagesize0, "()I"),
};

static const JNINativeMethod nativeMethods[] = {
    METHOD(registerUnix, "()I"),
    METHOD(ioSetup0, "(I)J"),
    METHOD(ioDestroy0, "(J)I"),
    METHOD(ioSubmit0, "(JIJ)I"),
    METHOD(ioGetEvents0, "(JIIJJ)I"),
    METHOD(ioCancel0, "(JJJ)I"),
    METHOD(ringBuffer0, "(J)Ljava/nio/ByteBuffer;"),
    METHOD(eventFd0, "(II)I"),
    METHOD(eventFdRead0, "(IJ)I"),
    METHOD(eventFdWrite0, "(IJ)I"),
    METHOD(open0, "([BII)I"),
    METHOD(openCached0, "([BI)I"),
    METHOD(openat2_0, "(I[BII)I"),
    METHOD(statx0, "(I[J)I"),
    METHOD(fstat0, "(I[J)I"),
    METHOD(fadvise0, "(IJJI)I"),
    METHOD(cachestat0, "(IJJ[J)I"),
    METHOD(preadv2_0, "(IJIJI)J"),
    METHOD(fileChannelFdSupported0, "()Z"),
    METHOD(fileChannelFd0, "(Ljava/nio/channels/FileChannel;)I"),
    METHOD(newFileDescriptor0, "(I)Ljava/io/FileDescriptor;"),
};

/* The DefaultFileRegion method's signature names a Netty class, so it is built with the shading prefix. */
static jint register_file_region_method(JNIEnv* env, const char* packagePrefix) {
    char* sig = netty_jni_util_prepend(packagePrefix, "io/netty/channel/DefaultFileRegion;)Ljava/nio/channels/FileChannel;");
    if (sig == NULL) {
        return JNI_ERR;
    }
    char* fullSig = netty_jni_util_prepend("(L", sig);
    free(sig);
    if (fullSig == NULL) {
        return JNI_ERR;
    }
    JNINativeMethod method = { "fileRegionChannel0", fullSig, (void*) netty_aio_fileRegionChannel0 };
    jint res = netty_jni_util_register_natives(env, packagePrefix, NATIVE_CLASSNAME, &method, 1);
    free(fullSig);
    return res;
}

/* Looks up the private fields behind FileChannel and DefaultFileRegion. Missing fields only switch off
 * DefaultFileRegion interception: they are never an error. */
static void lookup_file_fields(JNIEnv* env, const char* packagePrefix) {
    jclass implClass = (*env)->FindClass(env, "sun/nio/ch/FileChannelImpl");
    if (implClass != NULL) {
        fileChannelFdFieldId = (*env)->GetFieldID(env, implClass, "fd", "Ljava/io/FileDescriptor;");
        if (fileChannelFdFieldId != NULL) {
            fileChannelImplClass = (*env)->NewGlobalRef(env, implClass);
        }
        (*env)->DeleteLocalRef(env, implClass);
    }
    (*env)->ExceptionClear(env);
    jclass fdClass = (*env)->FindClass(env, "java/io/FileDescriptor");
    if (fdClass != NULL) {
        fileDescriptorFdFieldId = (*env)->GetFieldID(env, fdClass, "fd", "I");
        (*env)->ExceptionClear(env);
        fileDescriptorConstructorId = (*env)->GetMethodID(env, fdClass, "<init>", "()V");
        if (fileDescriptorFdFieldId != NULL && fileDescriptorConstructorId != NULL) {
            fileDescriptorClass = (*env)->NewGlobalRef(env, fdClass);
        }
        (*env)->DeleteLocalRef(env, fdClass);
    }
    (*env)->ExceptionClear(env);
    char* regionName = netty_jni_util_prepend(packagePrefix, "io/netty/channel/DefaultFileRegion");
    if (regionName != NULL) {
        jclass regionClass = (*env)->FindClass(env, regionName);
        if (regionClass != NULL) {
            defaultFileRegionFileFieldId =
                    (*env)->GetFieldID(env, regionClass, "file", "Ljava/nio/channels/FileChannel;");
            (*env)->DeleteLocalRef(env, regionClass);
        }
        free(regionName);
    }
    (*env)->ExceptionClear(env);
}

static void netty_aio_native_unload(JNIEnv* env) {
    netty_jni_util_unregister_natives(env, staticPackagePrefix, STATICALLY_CLASSNAME);
    netty_jni_util_unregister_natives(env, staticPackagePrefix, NATIVE_CLASSNAME);
    if (unixRegistered) {
        netty_unix_unregister(env, staticPackagePrefix);
        unixRegistered = 0;
    }
    free(staticPackagePrefix);
    staticPackagePrefix = NULL;
    NETTY_JNI_UTIL_UNLOAD_CLASS(env, fileChannelImplClass);
    NETTY_JNI_UTIL_UNLOAD_CLASS(env, fileDescriptorClass);
    fileDescriptorConstructorId = NULL;
    fileChannelFdFieldId = NULL;
    fileDescriptorFdFieldId = NULL;
    defaultFileRegionFileFieldId = NULL;
}

static jint netty_aio_native_load(JNIEnv* env, const char* packagePrefix) {
    if (netty_jni_util_register_natives(env, packagePrefix, STATICALLY_CLASSNAME, staticallyReferencedMethods,
            sizeof(staticallyReferencedMethods) / sizeof(staticallyReferencedMethods[0])) != 0) {
        goto error;
    }
    if (netty_jni_util_register_natives(env, packagePrefix, NATIVE_CLASSNAME, nativeMethods,
            sizeof(nativeMethods) / sizeof(nativeMethods[0])) != 0) {
        goto error;
    }
    if (register_file_region_method(env, packagePrefix) != 0) {
        goto error;
    }
    lookup_file_fields(env, packagePrefix);
    if (packagePrefix != NULL) {
        staticPackagePrefix = strdup(packagePrefix);
    }
    return NETTY_JNI_UTIL_JNI_VERSION;
error:
    netty_jni_util_unregister_natives(env, packagePrefix, STATICALLY_CLASSNAME);
    netty_jni_util_unregister_natives(env, packagePrefix, NATIVE_CLASSNAME);
    return JNI_ERR;
}

JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void* reserved) {
    return netty_jni_util_JNI_OnLoad(vm, reserved, LIBRARY_NAME, netty_aio_native_load);
}

JNIEXPORT void JNI_OnUnload(JavaVM* vm, void* reserved) {
    netty_jni_util_JNI_OnUnload(vm, reserved, netty_aio_native_unload);
}
