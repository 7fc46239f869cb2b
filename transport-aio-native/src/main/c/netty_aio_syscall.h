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
 * Raw Linux system calls used by the AIO transport. No libaio: the kernel ABI is called directly,
 * and every wrapper returns a non-negative result or -errno (never sets errno for the caller).
 */
#ifndef NETTY_AIO_SYSCALL_H_
#define NETTY_AIO_SYSCALL_H_

#include <stdint.h>
#include <linux/aio_abi.h>

/* The resolve flags of openat2(2), include/uapi/linux/openat2.h; declared here because older uapi headers do not have
 * them (RESOLVE_CACHED is Linux 5.12, the others 5.6). openat2(2): "RESOLVE_CACHED: make the open operation fail
 * unless all path components are already present in the kernel's lookup cache" (EAGAIN). */
#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#endif
#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED 0x20
#endif

/* cachestat(2), Linux 6.5. Declared here because older uapi headers do not have it.
 * IMPORTANT: layout must match include/uapi/linux/mman.h of the kernel. */
struct netty_aio_cachestat_range {
    uint64_t off;
    uint64_t len;
};

struct netty_aio_cachestat {
    uint64_t nr_cache;
    uint64_t nr_dirty;
    uint64_t nr_writeback;
    uint64_t nr_evicted;
    uint64_t nr_recently_evicted;
};

/* What statx(2) tells about a file: see netty_aio_statx(). */
struct netty_aio_file_info {
    uint32_t mask;
    uint32_t dio_mem_align;
    uint32_t dio_offset_align;
    uint32_t dev_major;
    uint32_t dev_minor;
    uint32_t blksize;
    uint64_t size;
    uint64_t ino;
    int64_t mtime_sec;
    uint32_t mtime_nsec;
};

long netty_aio_io_setup(unsigned nr, aio_context_t* ctx);
long netty_aio_io_destroy(aio_context_t ctx);
long netty_aio_io_submit(aio_context_t ctx, long nr, struct iocb** iocbpp);
/* timeout_ns < 0 blocks; restarted on EINTR with the remaining time. */
long netty_aio_io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event* events, int64_t timeout_ns);
long netty_aio_io_cancel(aio_context_t ctx, struct iocb* iocb, struct io_event* result);
long netty_aio_statx(int fd, struct netty_aio_file_info* info);
long netty_aio_cachestat(int fd, uint64_t off, uint64_t len, struct netty_aio_cachestat* out);
/* openat2(2) with RESOLVE_CACHED (Linux 5.12): the descriptor, or -EAGAIN when a component of the path is not in the
 * dentry cache and the lookup would have to read the disk. Restarted on EINTR. */
long netty_aio_open_cached(const char* path, int flags);
/* openat2(2) (Linux 5.6) of path relative to dirfd with RESOLVE_* flags: the descriptor, or -errno (ENOSYS before
 * 5.6; EAGAIN with RESOLVE_CACHED when the lookup would read the disk; ELOOP for a symbolic link refused by
 * RESOLVE_NO_SYMLINKS; EXDEV for a path that would leave dirfd under RESOLVE_BENEATH). Restarted on EINTR. */
long netty_aio_openat2(int dirfd, const char* path, int flags, uint64_t resolve);

#endif /* NETTY_AIO_SYSCALL_H_ */
