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

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * What one loop's AIO knows of files: its cache of {@code O_DIRECT} descriptors, whose idle files a task of the loop
 * closes while it holds any, and the files asked for lately, which decides admission to the page cache. Every method
 * runs on the loop's thread.
 */
final class LoopFiles {

    private final EventExecutor loop;
    private final DirectFileCache cache;
    private final long trimNanos;
    /** Files asked for in the last 8,192 to 16,384 requests of this loop. */
    private final RecentFiles recent = new RecentFiles(8192);
    private final Runnable trimTask = this::trim;
    private boolean trimScheduled;
    private boolean closed;

    LoopFiles(EventExecutor loop, AioLoopConfig config, LoopRecorder metrics) {
        this.loop = loop;
        cache = new DirectFileCache(config.openFiles(), config.openFileIdleTimeout().toNanos(), metrics);
        trimNanos = Math.max(1, config.openFileIdleTimeout().toNanos() / 2);
    }

    /** The loop's cache of {@code O_DIRECT} descriptors; its idle files are closed by a task while it holds any. */
    DirectFileCache cache() {
        if (!trimScheduled && !closed) {
            trimScheduled = true;
            loop.schedule(trimTask, trimNanos, TimeUnit.NANOSECONDS);
        }
        return cache;
    }

    private void trim() {
        trimScheduled = false;
        if (!closed) {
            cache.trim(System.nanoTime());
            if (cache.idleSize() > 0) {
                cache(); // files in use need no trim: their last release schedules it again
            }
        }
    }

    /**
     * Records a request for a file and tells whether it was asked for before, recently enough to belong in the page
     * cache: within the last 8,192 to 16,384 requests of this loop ({@link RecentFiles}).
     */
    boolean admit(FileStat stat) {
        return recent.add(stat.device * 0x9E3779B97F4A7C15L ^ stat.inode);
    }

    /** Closes every descriptor of the cache; nothing is trimmed any more. */
    void close() {
        closed = true;
        cache.close();
    }
}
