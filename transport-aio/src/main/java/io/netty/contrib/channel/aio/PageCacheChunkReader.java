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


/**
 * Reads the chunks of a file admitted to the page cache (asked for often enough: see
 * {@link AioFileRegionConfig.PageCachePolicy#ADMIT_REPEATED}). A chunk that is in the page cache is served from it
 * ({@code sendfile}, or a copy when bytes are needed). A chunk that is not is handed to the kernel's read-ahead with
 * {@code posix_fadvise(POSIX_FADV_WILLNEED)}, which starts the disk reads without waiting for them, and is served
 * from the page cache once its pages have arrived, checked on a short timer; if they have not arrived by a deadline
 * the chunk is read with {@code O_DIRECT} AIO instead. Either way the loop never waits for the disk, and from then on
 * the file is served like any cached file.
 */
final class PageCacheChunkReader implements ChunkReader {

    private final OpenRegion file;
    private final DirectChunkReader direct;

    PageCacheChunkReader(OpenRegion file, DirectChunkReader direct) {
        this.file = file;
        this.direct = direct;
    }

    @Override
    public int alignment() {
        // Chunks stay aligned for O_DIRECT, which may still read them.
        return direct.alignment();
    }

    @Override
    public void read(long start, long end, Sink sink) {
        if (serveIfResident(start, end, sink)) {
            return;
        }
        direct.prefetch(start, end, sink);
    }

    /** Serves {@code [start, end)} from the page cache if it is all there. */
    private boolean serveIfResident(long start, long end, Sink sink) {
        return file.isResident(start, end) && direct.fromPageCache(start, end, sink);
    }

    @Override
    public int readAhead(int configured, boolean writable) {
        return direct.readAhead(configured, writable);
    }

    @Override
    public boolean isShortOfMemory() {
        return direct.isShortOfMemory();
    }

    @Override
    public void attach(AioLoop.Owner owner) {
        direct.attach(owner);
    }

    @Override
    public void close() {
        direct.close();
    }

    @Override
    public String toString() {
        return "PageCacheChunkReader(" + file + ')';
    }
}
