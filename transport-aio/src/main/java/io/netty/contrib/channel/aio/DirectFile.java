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

/**
 * A file opened a second time with {@code O_DIRECT} for AIO reads, with its direct-I/O alignment and the version of
 * the file it was opened for. Lent out by a {@link DirectFileCache}: each {@link DirectFileCache#acquire} is matched
 * by one {@link DirectFileCache#release}, and the descriptor closes when the cache has let go of it and no reader
 * uses it.
 */
final class DirectFile {

    private final AioFileDescriptor fd;
    private final AioFiles.DirectIoAlignment alignment;
    private final FileStat stat;
    private int users;
    private boolean evicted;
    /** When its last reader was done ({@link System#nanoTime()}): how long it has been idle. */
    long lastUsed;

    DirectFile(AioFileDescriptor fd, AioFiles.DirectIoAlignment alignment, FileStat stat) {
        this.fd = fd;
        this.alignment = alignment;
        this.stat = stat;
    }

    int fd() {
        return fd.intValue();
    }

    AioFiles.DirectIoAlignment alignment() {
        return alignment;
    }

    FileStat stat() {
        return stat;
    }

    void acquired() {
        users++;
    }

    /**
     * A reader is done with the file. Reads still in flight hold their own reference to the open file.
     *
     * @return whether that was its last reader and the cache still holds it (it is idle now)
     */
    boolean released() {
        users--;
        closeIfUnused();
        return users == 0 && !evicted;
    }

    /** The cache let go of the file: it closes when its last reader is done. */
    void evict() {
        evicted = true;
        closeIfUnused();
    }

    boolean isOpen() {
        return fd.isOpen();
    }

    private void closeIfUnused() {
        if (evicted && users == 0) {
            try {
                fd.close();
            } catch (IOException ignore) {
                // nothing to do: the descriptor is gone either way
            }
        }
    }

    @Override
    public String toString() {
        return "DirectFile(fd: " + fd.intValue() + ", " + stat + ", users: " + users + (evicted ? ", evicted)" : ")");
    }
}
