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

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The {@code O_DIRECT} descriptors of one event loop's files: one descriptor per file however many regions read it
 * at once, and the recently served ones kept open after their last reader, so that a file asked for again needs
 * neither a second {@code open} nor an alignment query. Keyed by device and inode; an entry serves only the version
 * (size and modification time) it was opened for, so a file changed in place is opened again, and a file replaced
 * on disk (a new inode) never meets the old descriptor. Files in use are all kept (each reader already holds a
 * descriptor of its own for the file: sharing this one costs nothing more); idle ones are bounded in number and in
 * idle time. Every descriptor is closed when the loop's AIO state closes. Used on the loop's thread only.
 */
final class DirectFileCache {

    private final int capacity;
    private final long idleNanos;
    /** Files with at least one reader. */
    private final HashMap<FileKey, DirectFile> inUse = new HashMap<>();
    /** Files with no reader, the longest idle first. */
    private final LinkedHashMap<FileKey, DirectFile> idle = new LinkedHashMap<>();
    private final LoopRecorder metrics;

    DirectFileCache(int capacity, long idleNanos, LoopRecorder metrics) {
        this.capacity = capacity;
        this.idleNanos = idleNanos;
        this.metrics = metrics;
    }

    /**
     * The {@code O_DIRECT} descriptor of the file open as {@code bufferedFd}, whose {@code statx} is {@code stat};
     * {@link #release} it when done.
     *
     * @throws IOException if the file cannot be opened with {@code O_DIRECT} (the file system refuses it)
     */
    DirectFile acquire(int bufferedFd, FileStat stat) throws IOException {
        FileKey key = stat.key();
        DirectFile file = inUse.get(key);
        if (file == null) {
            file = idle.remove(key);
        }
        if (file != null && !file.stat().sameVersion(stat)) {
            // Its readers (if any) keep the old version's descriptor until they are done.
            inUse.remove(key);
            file.evict();
            file = null;
        }
        if (file == null) {
            metrics.openFileMiss();
            AioFileDescriptor fd = AioFiles.open("/proc/self/fd/" + bufferedFd,
                    AioFiles.O_RDONLY | AioFiles.O_DIRECT, 0);
            AioFiles.DirectIoAlignment alignment;
            try {
                alignment = AioFiles.alignment(stat);
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
            file = new DirectFile(fd, alignment, stat);
        } else {
            metrics.openFileHit();
        }
        file.acquired();
        inUse.put(key, file);
        return file;
    }

    /**
     * A reader is done with {@code file}: the file's last reader leaves it idle (kept open for the next request, or
     * closed beyond the capacity); a file the cache let go of closes when its last reader is done.
     */
    void release(DirectFile file) {
        if (!file.released()) {
            return;
        }
        FileKey key = file.stat().key();
        if (inUse.get(key) == file) {
            inUse.remove(key);
            file.lastUsed = System.nanoTime();
            idle.put(key, file);
            trim(file.lastUsed);
        }
    }

    /** Closes the idle files that were not used for the idle time, and the longest idle beyond the capacity. */
    void trim(long now) {
        Iterator<DirectFile> it = idle.values().iterator();
        while (it.hasNext()) {
            DirectFile eldest = it.next();
            if (idle.size() <= capacity && now - eldest.lastUsed < idleNanos) {
                break;
            }
            it.remove();
            eldest.evict();
        }
    }

    /** How many files are open with no reader. */
    int idleSize() {
        return idle.size();
    }

    /** Lets go of every file: each closes now, or when its last reader is done. */
    void close() {
        for (DirectFile file : inUse.values()) {
            file.evict();
        }
        for (DirectFile file : idle.values()) {
            file.evict();
        }
        inUse.clear();
        idle.clear();
    }
}
