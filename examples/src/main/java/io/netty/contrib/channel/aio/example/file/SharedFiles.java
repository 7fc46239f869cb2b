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
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 * <p>Shared by all the loops of a server. Without the native library a file's descriptor number is not known, and
 * every response keeps its own.
 */
final class SharedFiles {

    private final ConcurrentHashMap<Object, Shared> open = new ConcurrentHashMap<>();

    /**
     * A region of {@code count} bytes of {@code file} from {@code position}, which owns {@code file} from now on: it
     * is closed now if another response's descriptor of the same file serves the region, else when the last region
     * on it has been released.
     */
    DefaultFileRegion region(FileChannel file, long position, long count) {
        Object key = key(file);
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

    /** The file's device and inode ({@link BasicFileAttributes#fileKey()}), or {@code null} if they cannot be read. */
    private static Object key(FileChannel file) {
        if (!Aio.isAvailable()) {
            return null;
        }
        try {
            // stat(2) of the descriptor's link in procfs: the open file's own inode, whatever its path names now.
            return Files.readAttributes(Path.of("/proc/self/fd/" + AioFiles.fd(file)), BasicFileAttributes.class)
                    .fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
