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
 * Reads the chunks of one region for an {@link AioFileStream}: {@link DirectChunkReader} through AIO (or the page
 * cache), {@link RegionChunkReader} through the region's own blocking {@code transferTo}.
 */
interface ChunkReader {

    /** Chunks start at multiples of this (except the region's first), so that reads stay aligned. */
    int alignment();

    /**
     * How many chunks a stream may have under way, given the configured read-ahead and whether its channel is
     * writable: fewer when memory is short.
     */
    int readAhead(int configured, boolean writable);

    /** {@code true} while the loop's memory budget is more than half in use, or reads wait for it. */
    default boolean isShortOfMemory() {
        return false;
    }

    /** Reads bytes {@code [start, end)} of the file and hands them to {@code sink}: now, or later on the loop. */
    void read(long start, long end, Sink sink);

    /**
     * Has {@code owner} (the stream or input that reads through this reader) ended if the loop terminates without
     * closing its channel while this reader is open: see {@link AioLoop.Owner}. {@link #close()} lets go of it. A
     * reader that does not use the loop's AIO state ignores it.
     */
    default void attach(AioLoop.Owner owner) {
    }

    /**
     * No more chunks will be asked for: frees what the reader holds (and detaches its owner). Reads in flight keep
     * what they need.
     */
    void close();

    /** Where one chunk goes: exactly one call of {@link #filled} or {@link #failed} per {@link #read}. */
    interface Sink {

        /**
         * The chunk is ready: {@code msg} is a {@code ByteBuf} whose readable bytes are the chunk, or (when the
         * channel takes regions) a {@code FileRegion} of exactly the chunk. The sink owns it from now on; a buffer
         * from the loop's {@link ChunkPool} gives its memory back to the budget when it is released.
         */
        void filled(Object msg);

        /**
         * The chunk could not be read. An {@link java.io.IOException} means that the file could not be read (an
         * I/O error, a file that shrank, the loop shutting down).
         */
        void failed(Throwable cause);

        /** {@code true} once the sink no longer wants the chunk: a read not started yet need not be done. */
        boolean isCancelled();

        /** {@code true} while the chunk could not be written at once: its channel is not writable. */
        default boolean isStalled() {
            return false;
        }

        /**
         * {@code true} if every chunk before this one has been read. Memory taken out of turn, by a later chunk while
         * an earlier one waits for it, could be held until that earlier chunk gets memory: a deadlock.
         */
        boolean isNext();
    }
}
