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

import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.SystemPropertyUtil;

/**
 * How {@link AioFileRegionHandler} streams regions. The defaults need no tuning; build another with
 * {@link #builder()}. Immutable, and shared freely between handlers.
 */
public final class AioFileRegionConfig {

    /** Whether to read with {@code O_DIRECT} AIO. */
    public enum DirectIo {
        /** AIO with {@code O_DIRECT}; fall back to the region's own path where the file system refuses it. */
        AUTO,
        /** Never: every region takes its own path (as if the handler were not there), counted as a fallback. */
        DISABLED
    }

    /** How the page cache takes part: which files are served from it, and which are brought into it. */
    public enum PageCachePolicy {
        /**
         * The default: {@link #SERVE_RESIDENT}, and a file asked for again (while its loop still remembers the first
         * request: the last 8,192 to 16,384 requests, in two generations of a Bloom filter) is admitted to the page
         * cache: the parts of it that are not cached are handed to the kernel's read-ahead ({@code
         * posix_fadvise(WILLNEED)}, which does not wait for the disk) and served from the page cache when they have
         * arrived, so that popular files end up in RAM and are sent with {@code sendfile}. A file seen once is read
         * with {@code O_DIRECT} and leaves the page cache alone.
         */
        ADMIT_REPEATED,
        /**
         * Serve resident data from the page cache ({@code cachestat(2)} tells): a whole resident region goes on to
         * {@code sendfile} (or, with TLS, a copy), a resident chunk is sent from the page cache too. Only data that
         * is not resident is read from the disk with AIO; nothing is brought into the page cache.
         */
        SERVE_RESIDENT,
        /** Read everything with {@code O_DIRECT} AIO, even data that is cached. */
        ALWAYS_DIRECT
    }

    /** The configuration of {@code new AioFileRegionHandler()}. */
    public static final AioFileRegionConfig DEFAULT = builder().build();

    private final int chunkSize;
    private final int readAhead;
    private final DirectIo directIo;
    private final PageCachePolicy pageCachePolicy;
    private final AioLoopConfig loopConfig;
    /** {@link Builder#loopConfig} was called: a different configuration on the loop is worth a warning. */
    private final boolean loopConfigGiven;

    private AioFileRegionConfig(Builder builder) {
        chunkSize = builder.chunkSize;
        readAhead = builder.readAhead;
        directIo = builder.directIo;
        pageCachePolicy = builder.pageCachePolicy;
        loopConfig = builder.loopConfig;
        loopConfigGiven = builder.loopConfigGiven;
    }

    /**
     * Starts a configuration from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return bytes per AIO read and per buffer written to the channel} */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Chunks of one region read or waiting to be written, at most: the chunk buffers of one connection take at most
     * this × the chunk size (rounded up to the loop pool's size class, and one alignment unit more when the memory
     * alignment is above 4 KiB), besides the channel's own outbound buffer.
     *
     * @return the most chunks of one region read or waiting to be written
     */
    public int readAhead() {
        return readAhead;
    }

    /**
     * Whether regions are read with {@code O_DIRECT} AIO at all.
     *
     * @return the direct-I/O policy (default {@link DirectIo#AUTO})
     */
    public DirectIo directIo() {
        return directIo;
    }

    /**
     * What is served from the page cache and what is brought into it.
     *
     * @return the page-cache policy (default {@link PageCachePolicy#ADMIT_REPEATED})
     */
    public PageCachePolicy pageCachePolicy() {
        return pageCachePolicy;
    }

    /**
     * The settings of an event loop's AIO state, used when a region of this configuration is the first to need it on
     * a loop not made with {@link AioIoHandler} (see {@link AioLoopConfig}).
     *
     * @return the settings of an event loop's AIO state
     */
    public AioLoopConfig loopConfig() {
        return loopConfig;
    }

    /** The loop settings asked for, or {@code null} if none was given: then any the loop has will do. */
    AioLoopConfig requestedLoopConfig() {
        return loopConfigGiven ? loopConfig : null;
    }

    @Override
    public String toString() {
        return "AioFileRegionConfig(chunkSize: " + chunkSize + ", readAhead: " + readAhead + ", directIo: " + directIo
                + ", pageCache: " + pageCachePolicy + ", " + loopConfig + ')';
    }

    /**
     * Builds an {@link AioFileRegionConfig}. The defaults of chunk size and read-ahead can be changed for a whole JVM
     * with {@code -Dio.netty.contrib.aio.chunkSize} and {@code -Dio.netty.contrib.aio.readAhead}.
     */
    public static final class Builder {
        private int chunkSize;
        private int readAhead;
        private DirectIo directIo = DirectIo.AUTO;
        private PageCachePolicy pageCachePolicy = PageCachePolicy.ADMIT_REPEATED;
        private AioLoopConfig loopConfig = AioLoopConfig.DEFAULT;
        private boolean loopConfigGiven;

        private static final int DEFAULT_CHUNK_SIZE = SystemPropertyUtil.getInt("io.netty.contrib.aio.chunkSize",
                1024 * 1024);
        private static final int DEFAULT_READ_AHEAD = SystemPropertyUtil.getInt("io.netty.contrib.aio.readAhead", 2);

        private Builder() {
            try {
                chunkSize(DEFAULT_CHUNK_SIZE);
                readAhead(DEFAULT_READ_AHEAD);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a -Dio.netty.contrib.aio.* system property is out of range: "
                        + e.getMessage(), e);
            }
        }

        /**
         * Bytes per read, a power of two from 4 KiB to 16 MiB (default 1 MiB).
         *
         * @param chunkSize bytes per read
         * @return this builder
         */
        public Builder chunkSize(int chunkSize) {
            if (chunkSize < 4096 || chunkSize > 16 << 20 || Integer.bitCount(chunkSize) != 1) {
                throw new IllegalArgumentException("chunkSize: " + chunkSize
                        + " (expected: a power of two from 4096 to 16777216)");
            }
            this.chunkSize = chunkSize;
            return this;
        }

        /**
         * Reads in flight per region, 1 to 64 (default 2).
         *
         * @param readAhead chunks read ahead per region
         * @return this builder
         */
        public Builder readAhead(int readAhead) {
            if (readAhead < 1 || readAhead > 64) {
                throw new IllegalArgumentException("readAhead: " + readAhead + " (expected: 1..64)");
            }
            this.readAhead = readAhead;
            return this;
        }

        /**
         * Whether regions are read with {@code O_DIRECT} AIO (default {@link DirectIo#AUTO}).
         *
         * @param directIo the direct-I/O policy
         * @return this builder
         */
        public Builder directIo(DirectIo directIo) {
            this.directIo = ObjectUtil.checkNotNull(directIo, "directIo");
            return this;
        }

        /**
         * What is served from the page cache and what is brought into it (default
         * {@link PageCachePolicy#ADMIT_REPEATED}).
         *
         * @param pageCachePolicy the page-cache policy
         * @return this builder
         */
        public Builder pageCachePolicy(PageCachePolicy pageCachePolicy) {
            this.pageCachePolicy = ObjectUtil.checkNotNull(pageCachePolicy, "pageCachePolicy");
            return this;
        }

        /**
         * The settings of the event loops' AIO state (default {@link AioLoopConfig#DEFAULT}, used where this
         * configuration's region is the first to need it on a loop not made with {@link AioIoHandler}; without this
         * call, a loop set up otherwise is taken as it is, without a warning).
         *
         * @param loopConfig the settings of the event loops' AIO state
         * @return this builder
         */
        public Builder loopConfig(AioLoopConfig loopConfig) {
            this.loopConfig = ObjectUtil.checkNotNull(loopConfig, "loopConfig");
            loopConfigGiven = true;
            return this;
        }

        /**
         * Makes the configuration; the builder may be used again.
         *
         * @return a new configuration with this builder's values
         */
        public AioFileRegionConfig build() {
            return new AioFileRegionConfig(this);
        }
    }
}
