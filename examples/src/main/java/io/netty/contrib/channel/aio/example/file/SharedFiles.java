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

import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files that responses send as regions, each open once however many responses send it at the same time: a
 * response's own descriptor, opened by its lookup, is closed at once when another response already holds one of the
 * same file (the same device and inode), and the last response to finish closes the one they share. A client that
 * stops reading then holds its socket, not a file as well: 10,000 such clients of 1,000 files hold 1,000 descriptors,
 * not 10,000. As with nginx's {@code open_file_cache}, but without keeping a file open once no response sends it:
 * the lookup that opens each request's file, and its checks, are unchanged, and a file replaced under its name (a new
 * inode) is never served from the old one's descriptor.
 *
 * <p>Shared by all the loops of a server. The key ({@link #key}) is the device and inode from the {@code fstat} the
 * lookup made of the descriptor, with the file's size and modification time ({@link OpenedTarget#fileKey}); a file
 * opened by path (one with a symbolic link on its way, or without the native library) has none, and its response
 * keeps its own descriptor.
 */
final class SharedFiles {

    private final ConcurrentHashMap<Object, Shared> open = new ConcurrentHashMap<>();

    /**
     * The key of one version of a file: its device and inode ({@code fileKey}), size and modification time, or
     * {@code null} if {@code fileKey} is. The size and time keep a new file that got an old one's inode number (a
     * network file system may hand it out while the old file is still open here) off the old file's descriptor.
     */
    static Object key(Object fileKey, long length, long modified) {
        return fileKey == null ? null : List.of(fileKey, length, modified);
    }

    /**
     * A region of {@code count} bytes of {@code file} from {@code position}, which owns {@code file} from now on: it
     * is closed now if another response's descriptor of the same file serves the region, else when the last region
     * on it has been released.
     *
     * @param key the file's {@link #key} (of the {@code fstat} of {@code file}), or {@code null} if unknown: the
     *        region then keeps {@code file} to itself
     */
    DefaultFileRegion region(FileChannel file, Object key, long position, long count) {
        if (key == null) {
            return new DefaultFileRegion(file, position, count);
        }
        for (;;) {
            Shared shared = open.get(key);
            if (shared != null && shared.retain()) {
                closeQuietly(file);
                return new SharedRegion(shared, position, count);
            }
            Shared mine = new Shared(key, file);
            if (shared == null ? open.putIfAbsent(key, mine) == null : open.replace(key, shared, mine)) {
                return new SharedRegion(mine, position, count);
            }
        }
    }

    /** How many files are open for responses now. */
    int size() {
        return open.size();
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignore) {
            // opened for reading only: nothing to flush
        }
    }

    /** One open file and the regions on it. */
    private final class Shared {
        final Object key;
        final FileChannel file;
        /** Regions on the file not released yet; at 0 the file is closed and can no longer be retained. */
        final AtomicInteger regions = new AtomicInteger(1);

        Shared(Object key, FileChannel file) {
            this.key = key;
            this.file = file;
        }

        /** {@code false} if the file has been closed (its last region was released) and cannot be shared any more. */
        boolean retain() {
            for (;;) {
                int n = regions.get();
                if (n == 0) {
                    return false;
                }
                if (regions.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (regions.decrementAndGet() == 0) {
                open.remove(key, this);
                closeQuietly(file);
            }
        }
    }

    /** A region on a shared file: releasing it releases its share of the file instead of closing the file. */
    private static final class SharedRegion extends DefaultFileRegion {
        private final Shared shared;

        SharedRegion(Shared shared, long position, long count) {
            super(shared.file, position, count);
            this.shared = shared;
        }

        @Override
        protected void deallocate() {
            shared.release();
        }
    }
}
