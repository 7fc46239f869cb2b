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

/** What {@code statx(2)} tells about an open file: its identity, size, modification time and direct-I/O alignment. */
final class FileStat {

    /** The slots that {@code Native.statx0} fills. */
    static final int SLOTS = 10;

    final long device;
    final long inode;
    final long size;
    /** Modification time in nanoseconds since the epoch. */
    final long mtimeNanos;
    /** {@code stx_dio_mem_align}, 0 if the file system does not report it. */
    final int dioMemoryAlignment;
    /** {@code stx_dio_offset_align}, 0 if the file system does not report it. */
    final int dioOffsetAlignment;
    final int deviceMajor;
    final int deviceMinor;

    FileStat(long[] out) {
        // IMPORTANT: the layout of out needs to be consistent with netty_aio_statx0 in netty_aio_native.c.
        dioMemoryAlignment = (int) out[1];
        dioOffsetAlignment = (int) out[2];
        deviceMajor = (int) out[3];
        deviceMinor = (int) out[4];
        device = out[3] << 32 | out[4];
        size = out[6];
        inode = out[7];
        mtimeNanos = out[8] * 1_000_000_000L + out[9];
    }

    /** The file's device and inode, as {@link FileAttributes#fileKey()} gives them. */
    FileKey key() {
        return new FileKey(device, inode);
    }

    /** {@code true} if both describe the same inode with the same size and modification time. */
    boolean sameVersion(FileStat other) {
        return device == other.device && inode == other.inode && size == other.size
                && mtimeNanos == other.mtimeNanos;
    }

    @Override
    public String toString() {
        return "FileStat(dev: " + deviceMajor + ':' + deviceMinor + ", ino: " + inode + ", size: " + size + ')';
    }
}
