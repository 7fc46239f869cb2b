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
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/stat.h>

#include "netty_aio_syscall.h"

/* System call numbers come from the target's <asm/unistd.h> (through <sys/syscall.h>): they differ between
 * architectures (io_setup is 206 on x86-64, 0 on arm64; statx 332 and 291). Only cachestat may be missing from older
 * headers; numbers from 424 on are the same on every architecture, so its fallback is right on both. */
#ifndef __NR_cachestat
/* Linux 6.5, include/uapi/asm-generic/unistd.h and arch/x86/entry/syscalls/syscall_64.tbl. */
#define __NR_cachestat 451
#endif
#ifndef __NR_openat2
/* Linux 5.6, the same number on every architecture (include/uapi/asm-generic/unistd.h). */
#define __NR_openat2 437
#endif

static long result(long res) {
    return res < 0 ? -errno : res;
}

long netty_aio_io_setup(unsigned nr, aio_context_t* ctx) {
    *ctx = 0; /* io_setup(2): the context must be zero on entry. */
    return result(syscall(__NR_io_setup, nr, ctx));
}

long netty_aio_io_destroy(aio_context_t ctx) {
    long res;
    do {
        res = result(syscall(__NR_io_destroy, ctx));
    } while (res == -EINTR);
    return res;
}

long netty_aio_io_submit(aio_context_t ctx, long nr, struct iocb** iocbpp) {
    long res;
    do {
        res = result(syscall(__NR_io_submit, ctx, nr, iocbpp));
    } while (res == -EINTR);
    return res;
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long netty_aio_io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event* events, int64_t timeout_ns) {
    if (timeout_ns < 0) {
        long res;
        do {
            res = result(syscall(__NR_io_getevents, ctx, min_nr, nr, events, NULL));
        } while (res == -EINTR);
        return res;
    }
    /* A timeout of centuries (a Duration near Long.MAX_VALUE nanoseconds) must not overflow the deadline:
     * saturate it, signed overflow is undefined behaviour. */
    const int64_t now = now_ns();
    const int64_t deadline = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
    int64_t remaining = timeout_ns;
    for (;;) {
        struct timespec ts = { .tv_sec = remaining / 1000000000LL, .tv_nsec = remaining % 1000000000LL };
        long res = result(syscall(__NR_io_getevents, ctx, min_nr, nr, events, &ts));
        if (res != -EINTR) {
            return res;
        }
        remaining = deadline - now_ns();
        if (remaining < 0) {
            remaining = 0;
        }
    }
}

long netty_aio_io_cancel(aio_context_t ctx, struct iocb* iocb, struct io_event* result_event) {
    return result(syscall(__NR_io_cancel, ctx, iocb, result_event));
}

long netty_aio_statx(int fd, struct netty_aio_file_info* info) {
    struct statx stx;
    memset(&stx, 0, sizeof(stx));
    long res = result(syscall(__NR_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_DIOALIGN, &stx));
    if (res < 0) {
        return res;
    }
    info->mask = stx.stx_mask;
    info->dio_mem_align = (stx.stx_mask & STATX_DIOALIGN) ? stx.stx_dio_mem_align : 0;
    info->dio_offset_align = (stx.stx_mask & STATX_DIOALIGN) ? stx.stx_dio_offset_align : 0;
    info->dev_major = stx.stx_dev_major;
    info->dev_minor = stx.stx_dev_minor;
    info->blksize = stx.stx_blksize;
    info->size = stx.stx_size;
    info->ino = stx.stx_ino;
    info->mtime_sec = stx.stx_mtime.tv_sec;
    info->mtime_nsec = stx.stx_mtime.tv_nsec;
    return 0;
}

long netty_aio_cachestat(int fd, uint64_t off, uint64_t len, struct netty_aio_cachestat* out) {
    struct netty_aio_cachestat_range range = { .off = off, .len = len };
    memset(out, 0, sizeof(*out));
    return result(syscall(__NR_cachestat, fd, &range, out, 0));
}

/* IMPORTANT: layout must match struct open_how of include/uapi/linux/openat2.h; declared here because older uapi
 * headers do not have it. */
struct netty_aio_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};

long netty_aio_openat2(int dirfd, const char* path, int flags, uint64_t resolve) {
    struct netty_aio_open_how how;
    memset(&how, 0, sizeof(how));
    how.flags = (uint64_t) (unsigned int) flags;
    how.resolve = resolve;
    for (;;) {
        long res = result(syscall(__NR_openat2, dirfd, path, &how, sizeof(how)));
        if (res != -EINTR) {
            return res;
        }
    }
}

long netty_aio_open_cached(const char* path, int flags) {
    return netty_aio_openat2(AT_FDCWD, path, flags, RESOLVE_CACHED);
}
