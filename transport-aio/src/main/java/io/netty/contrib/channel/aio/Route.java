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

import io.netty.contrib.channel.aio.AioMetrics.Fallback;

/**
 * How one region is delivered, as {@link ReaderFactory} decided it: its {@link Kind}, the reader that streams it
 * (for the kinds that stream), and the reason AIO is not used (for the kinds that fall back).
 */
final class Route {

    /** The ways a region is delivered. */
    enum Kind {
        /** Read from the disk with {@code O_DIRECT} AIO, chunk by chunk. */
        DIRECT,
        /** Read through the page cache, missing pages through AIO: the region was admitted to the cache. */
        ADMITTED,
        /** Wholly in the page cache: passed on as it is, for the transport's {@code sendfile}. */
        RESIDENT,
        /** AIO cannot be used ({@link #reason()}): passed on as it is, down the region's own path. */
        PASS_THROUGH,
        /**
         * AIO cannot be used ({@link #reason()}) and bytes are needed (TLS below, or a chunked input): copied into
         * buffers with blocking reads.
         */
        COPY
    }

    static final Route RESIDENT = new Route(Kind.RESIDENT, null, null);

    private final Kind kind;
    private final ChunkReader reader;
    private final Fallback reason;

    private Route(Kind kind, ChunkReader reader, Fallback reason) {
        this.kind = kind;
        this.reader = reader;
        this.reason = reason;
    }

    static Route direct(DirectChunkReader reader) {
        return new Route(Kind.DIRECT, reader, null);
    }

    static Route admitted(PageCacheChunkReader reader) {
        return new Route(Kind.ADMITTED, reader, null);
    }

    /**
     * A fallback for {@code reason}: {@link Kind#COPY} through {@code copy}, or {@link Kind#PASS_THROUGH} when
     * {@code copy} is {@code null}.
     */
    static Route fallback(Fallback reason, ChunkReader copy) {
        return new Route(copy == null ? Kind.PASS_THROUGH : Kind.COPY, copy, reason);
    }

    /** A {@link Kind#COPY} for {@code reason} that the caller makes itself, with its own blocking reads. */
    static Route copiedByCaller(Fallback reason) {
        return new Route(Kind.COPY, null, reason);
    }

    Kind kind() {
        return kind;
    }

    /**
     * The reader that streams the region ({@link Kind#DIRECT}, {@link Kind#ADMITTED}, and {@link Kind#COPY} when the
     * caller gave one); {@code null} when the region goes on as it is, or the caller copies it itself.
     */
    ChunkReader reader() {
        return reader;
    }

    /**
     * Why AIO is not used, for {@link Kind#PASS_THROUGH} and {@link Kind#COPY}; {@code null} for the other kinds,
     * and for a loop that is shutting down (nothing is counted then).
     */
    Fallback reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason == null ? kind.toString() : kind + " (" + reason + ')';
    }
}
