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
 * Runs the system calls of the JNI library (netty_aio_syscall.c, compiled with the library's flags) without a JVM,
 * so that a library built for another architecture can be checked under an emulator (qemu-user):
 *
 *   netty_aio_syscall_smoke FILE OFFSET LENGTH
 *
 * Prints one "key=value" line per observation (negative numbers are -errno) and leaves the judging to the caller,
 * which knows the file's contents: byte ranges are reported as 64-bit FNV-1a hashes. Exits non-zero only when the
 * run cannot go on (bad arguments, the file cannot be opened, no memory).
 *
 * The sequence is the transport's: statx (size, inode, STATX_DIOALIGN), cachestat before and after
 * POSIX_FADV_DONTNEED, preadv2(RWF_NOWAIT) on a cold and on a warm range, then io_setup, an O_DIRECT IOCB_CMD_PREAD
 * announced on an eventfd (IOCB_FLAG_RESFD), poll and read of the eventfd, io_getevents, io_cancel of the finished
 * iocb and io_destroy. When io_setup is not implemented (qemu-user has no Linux AIO) the remaining AIO wrappers are
 * still called once on context 0, so that a system call trace shows which numbers they use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <linux/stat.h>

#include "netty_aio_syscall.h"

#define COOKIE UINT64_C(0x6e65747479616970)
#define DEFAULT_ALIGN 4096

#if defined(__aarch64__)
#define ARCH "aarch64"
#elif defined(__x86_64__)
#define ARCH "x86_64"
#else
#define ARCH "other"
#endif

static uint64_t fnv1a(const unsigned char* bytes, size_t len) {
    uint64_t hash = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++) {
        hash ^= bytes[i];
        hash *= UINT64_C(0x100000001b3);
    }
    return hash;
}

static long buffered_read(int fd, void* buf, size_t len, off_t offset, int flags) {
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    ssize_t res;
    do {
        res = preadv2(fd, &iov, 1, offset, flags);
    } while (res < 0 && errno == EINTR);
    return res < 0 ? -errno : (long) res;
}

static void print_cachestat(const char* key, int fd, uint64_t size) {
    struct netty_aio_cachestat cs;
    long res = netty_aio_cachestat(fd, 0, size, &cs);
    printf("%s=%ld\n", key, res);
    if (res == 0) {
        printf("%s_nr_cache=%" PRIu64 "\n", key, cs.nr_cache);
    }
}

/* Calls each AIO wrapper once on a context that does not exist: -ENOSYS where AIO is missing, -EINVAL otherwise. */
static void probe_aio(void) {
    struct iocb cb;
    struct iocb* cbs[1] = { &cb };
    struct io_event event;
    memset(&cb, 0, sizeof(cb));
    printf("probe_io_submit=%ld\n", netty_aio_io_submit(0, 1, cbs));
    printf("probe_io_getevents=%ld\n", netty_aio_io_getevents(0, 1, 1, &event, 0));
    printf("probe_io_cancel=%ld\n", netty_aio_io_cancel(0, &cb, &event));
    printf("probe_io_destroy=%ld\n", netty_aio_io_destroy(0));
}

/* One O_DIRECT read of [offset, offset + len) rounded out to the alignment, completed through an eventfd. */
static int direct_read(const char* path, uint64_t offset, uint64_t len, uint32_t align) {
    aio_context_t ctx;
    long res = netty_aio_io_setup(8, &ctx);
    printf("io_setup=%ld\n", res < 0 ? res : 0);
    if (res == -ENOSYS) {
        probe_aio();
        return 0;
    }
    if (res < 0) {
        return 0;
    }
    int rc = 1;
    int efd = -1;
    int fd = -1;
    void* buf = NULL;
    uint64_t start = offset & ~((uint64_t) align - 1);
    uint64_t end = (offset + len + align - 1) & ~((uint64_t) align - 1);
    if (posix_memalign(&buf, align, end - start) != 0) {
        fprintf(stderr, "posix_memalign(%" PRIu32 ", %" PRIu64 ") failed\n", align, end - start);
        goto out;
    }
    efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (efd < 0 || fd < 0) {
        fprintf(stderr, "eventfd/open(%s, O_DIRECT): %s\n", path, strerror(errno));
        goto out;
    }
    struct iocb cb;
    memset(&cb, 0, sizeof(cb));
    cb.aio_data = COOKIE;
    cb.aio_lio_opcode = IOCB_CMD_PREAD;
    cb.aio_fildes = (uint32_t) fd;
    cb.aio_buf = (uint64_t) (uintptr_t) buf;
    cb.aio_nbytes = end - start;
    cb.aio_offset = (int64_t) start;
    cb.aio_flags = IOCB_FLAG_RESFD;
    cb.aio_resfd = (uint32_t) efd;
    struct iocb* cbs[1] = { &cb };
    printf("io_submit=%ld\n", netty_aio_io_submit(ctx, 1, cbs));

    struct pollfd pfd = { .fd = efd, .events = POLLIN };
    int polled;
    do {
        polled = poll(&pfd, 1, 10000);
    } while (polled < 0 && errno == EINTR);
    printf("poll=%d\n", polled < 0 ? -errno : polled);
    uint64_t count = 0;
    ssize_t n = read(efd, &count, sizeof(count));
    printf("eventfd_read=%" PRIu64 "\n", n == (ssize_t) sizeof(count) ? count : 0);

    struct io_event event;
    memset(&event, 0, sizeof(event));
    long got = netty_aio_io_getevents(ctx, 1, 1, &event, 0);
    printf("io_getevents=%ld\n", got);
    if (got == 1) {
        printf("event_data_matches=%d\n", event.data == COOKIE);
        printf("event_res=%" PRId64 "\n", (int64_t) event.res);
        uint64_t available = event.res > 0 ? (uint64_t) event.res : 0;
        uint64_t skip = offset - start;
        uint64_t valid = available > skip ? available - skip : 0;
        if (valid > len) {
            valid = len;
        }
        printf("aio_length=%" PRIu64 "\n", valid);
        printf("aio_hash=%016" PRIx64 "\n", fnv1a((unsigned char*) buf + skip, valid));
    }
    printf("io_cancel_done=%ld\n", netty_aio_io_cancel(ctx, &cb, &event));
    rc = 0;
out:
    printf("io_destroy=%ld\n", netty_aio_io_destroy(ctx));
    if (fd >= 0) {
        close(fd);
    }
    if (efd >= 0) {
        close(efd);
    }
    free(buf);
    return rc;
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE OFFSET LENGTH\n", argv[0]);
        return 2;
    }
    const char* path = argv[1];
    uint64_t offset = strtoull(argv[2], NULL, 10);
    uint64_t len = strtoull(argv[3], NULL, 10);
    printf("arch=%s\n", ARCH);
    printf("o_direct=%d\n", O_DIRECT);

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "open(%s): %s\n", path, strerror(errno));
        return 1;
    }
    struct netty_aio_file_info info;
    long res = netty_aio_statx(fd, &info);
    printf("statx=%ld\n", res);
    if (res < 0) {
        return 1;
    }
    printf("statx_size=%" PRIu64 "\n", info.size);
    printf("statx_ino=%" PRIu64 "\n", info.ino);
    printf("statx_dioalign=%d\n", (info.mask & STATX_DIOALIGN) != 0);
    printf("statx_dio_mem_align=%" PRIu32 "\n", info.dio_mem_align);
    printf("statx_dio_offset_align=%" PRIu32 "\n", info.dio_offset_align);

    unsigned char* buf = malloc(len);
    if (buf == NULL) {
        fprintf(stderr, "malloc(%" PRIu64 ") failed\n", len);
        return 1;
    }
    /* The caller has flushed the file, so POSIX_FADV_DONTNEED really empties the page cache for it. */
    print_cachestat("cachestat_written", fd, info.size);
    printf("fadvise_dontneed=%d\n", -posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
    print_cachestat("cachestat_dropped", fd, info.size);
    printf("preadv2_nowait_cold=%ld\n", buffered_read(fd, buf, len, (off_t) offset, RWF_NOWAIT));
    long warm = buffered_read(fd, buf, len, (off_t) offset, 0);
    printf("pread=%ld\n", warm);
    long nowait = buffered_read(fd, buf, len, (off_t) offset, RWF_NOWAIT);
    printf("preadv2_nowait_warm=%ld\n", nowait);
    if (nowait > 0) {
        printf("preadv2_hash=%016" PRIx64 "\n", fnv1a(buf, (size_t) nowait));
    }
    print_cachestat("cachestat_read", fd, info.size);
    free(buf);
    close(fd);

    uint32_t align = info.dio_mem_align > DEFAULT_ALIGN ? info.dio_mem_align : DEFAULT_ALIGN;
    if (info.dio_offset_align > align) {
        align = info.dio_offset_align;
    }
    return direct_read(path, offset, len, align);
}
