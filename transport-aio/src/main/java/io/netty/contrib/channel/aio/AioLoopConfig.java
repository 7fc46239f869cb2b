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

import io.netty.util.NettyRuntime;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.SystemPropertyUtil;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the AIO state of one event loop: one AIO context, one eventfd and the reads in flight, shared by every
 * channel of the loop. Immutable and validated when built; {@link #DEFAULT} needs no tuning.
 * <p>
 * A loop made with {@link AioIoHandler#newFactory(io.netty.channel.IoHandlerFactory, AioLoopConfig)} has the
 * configuration given there. On any other epoll or io_uring loop the state is created by the first region (chunked
 * input, sink) that needs it, with the {@link AioLoopConfig} of that region's {@link AioFileRegionConfig}. Later
 * configurations do not change a loop that already has its state (one asked for is logged once at WARN): give every
 * handler of a server the same configuration, or give it to the loops.
 * <p>
 * The defaults can be changed for a whole JVM with system properties, read once:
 * {@code io.netty.contrib.aio.maxInFlight}, {@code io.netty.contrib.aio.contextEvents} and
 * {@code io.netty.contrib.aio.completionBudgetBytes}.
 */
public final class AioLoopConfig {

    /** The defaults, after the system properties. */
    public static final AioLoopConfig DEFAULT = builder().build();

    private final int maxInFlight;
    private final int contextEvents;
    private final int completionBudgetBytes;
    private final Duration drainTimeout;
    private final int openFiles;
    private final Duration openFileIdleTimeout;
    private final long memoryBudgetBytes;

    private AioLoopConfig(Builder builder) {
        maxInFlight = builder.maxInFlight;
        contextEvents = builder.contextEvents > 0 ? builder.contextEvents : builder.maxInFlight;
        completionBudgetBytes = builder.completionBudgetBytes;
        drainTimeout = builder.drainTimeout;
        openFiles = builder.openFiles;
        openFileIdleTimeout = builder.openFileIdleTimeout;
        memoryBudgetBytes = builder.memoryBudgetBytes;
    }

    /** {@return a builder that starts from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads in flight per loop, at most; more wait in the loop's queue (default 128).
     *
     * @return reads in flight per loop, at most
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Events asked of {@code io_setup(2)} (default: {@link #maxInFlight()}). The kernel may give more. A value below
     * {@link #maxInFlight()} makes {@code io_submit} refuse reads with {@code EAGAIN}: they wait and are offered again.
     *
     * @return events asked of {@code io_setup(2)} (default: {@link #maxInFlight()})
     */
    public int contextEvents() {
        return contextEvents;
    }

    /**
     * Bytes of completions handled per eventfd wake-up (default 2 MiB): when more have arrived, the loop serves its
     * other channels first and comes back for the rest.
     *
     * @return bytes of completions handled per eventfd wake-up
     */
    public int completionBudgetBytes() {
        return completionBudgetBytes;
    }

    /**
     * How long a loop that shuts down waits for its reads in flight (default 30 s). Reads still in flight then are
     * waited for by {@code io_destroy(2)} and their owners are told that the loop closed.
     *
     * @return how long a loop that shuts down waits for its reads in flight (default 30 s)
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /**
     * Files whose {@code O_DIRECT} descriptor the loop keeps open after serving them (default 256), so that a file
     * asked for again is not opened again; 0 keeps none. While regions read a file they share one such descriptor
     * however many they are, whatever this bound.
     *
     * @return how many idle files the loop keeps open; 0 keeps none
     */
    public int openFiles() {
        return openFiles;
    }

    /** {@return how long an unused file stays in the loop's open-file cache (default 10 s)} */
    public Duration openFileIdleTimeout() {
        return openFileIdleTimeout;
    }

    /**
     * Bytes of chunk buffers the loop holds at most: reads in flight and chunks waiting for their write to complete,
     * for all its channels together. A read that does not fit waits, first come first served, for memory to come
     * back; while more than half is in use each connection keeps one chunk under way. Default: a quarter of the JVM's
     * direct-memory limit shared by twice as many loops as there are cores (Netty's default group size), between
     * 16 MiB and 1 GiB.
     *
     * @return bytes of chunk buffers the loop holds at most
     */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** Equal when every setting is. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AioLoopConfig)) {
            return false;
        }
        AioLoopConfig c = (AioLoopConfig) o;
        return maxInFlight == c.maxInFlight && contextEvents == c.contextEvents
                && completionBudgetBytes == c.completionBudgetBytes && drainTimeout.equals(c.drainTimeout)
                && openFiles == c.openFiles && openFileIdleTimeout.equals(c.openFileIdleTimeout)
                && memoryBudgetBytes == c.memoryBudgetBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxInFlight, contextEvents, completionBudgetBytes, drainTimeout, openFiles,
                openFileIdleTimeout, memoryBudgetBytes);
    }

    @Override
    public String toString() {
        return "AioLoopConfig(maxInFlight: " + maxInFlight + ", contextEvents: " + contextEvents
                + ", completionBudgetBytes: " + completionBudgetBytes + ", drainTimeout: " + drainTimeout
                + ", openFiles: " + openFiles + ", openFileIdleTimeout: " + openFileIdleTimeout + ", memoryBudgetBytes: "
                + memoryBudgetBytes + ')';
    }

    /** Builds an {@link AioLoopConfig}; every setter checks its argument. */
    public static final class Builder {
        private static final int DEFAULT_MAX_IN_FLIGHT =
                SystemPropertyUtil.getInt("io.netty.contrib.aio.maxInFlight", 128);
        private static final int DEFAULT_CONTEXT_EVENTS =
                SystemPropertyUtil.getInt("io.netty.contrib.aio.contextEvents", 0);
        private static final int DEFAULT_COMPLETION_BUDGET =
                SystemPropertyUtil.getInt("io.netty.contrib.aio.completionBudgetBytes", 2 << 20);

        private static final long DEFAULT_MEMORY_BUDGET = SystemPropertyUtil.getLong(
                "io.netty.contrib.aio.memoryBudgetBytes", Math.max(16L << 20, Math.min(1L << 30,
                        PlatformDependent.maxDirectMemory() / 4 / (2L * NettyRuntime.availableProcessors()))));

        private int maxInFlight = 128;
        private int contextEvents;
        private int completionBudgetBytes = 2 << 20;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private int openFiles = 256;
        private Duration openFileIdleTimeout = Duration.ofSeconds(10);
        private long memoryBudgetBytes = DEFAULT_MEMORY_BUDGET;

        private Builder() {
            try {
                maxInFlight(DEFAULT_MAX_IN_FLIGHT);
                if (DEFAULT_CONTEXT_EVENTS != 0) {
                    contextEvents(DEFAULT_CONTEXT_EVENTS);
                }
                completionBudgetBytes(DEFAULT_COMPLETION_BUDGET);
                memoryBudgetBytes(DEFAULT_MEMORY_BUDGET);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a -Dio.netty.contrib.aio.* system property is out of range: "
                        + e.getMessage(), e);
            }
        }

        /**
         * Reads in flight per loop, 1 to 65536.
         *
         * @param maxInFlight reads in flight per loop
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            checkRange(maxInFlight, 1, 65536, "maxInFlight");
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * Events asked of {@code io_setup}, 1 to 65536.
         *
         * @param contextEvents events asked of {@code io_setup}
         * @return this builder
         */
        public Builder contextEvents(int contextEvents) {
            checkRange(contextEvents, 1, 65536, "contextEvents");
            this.contextEvents = contextEvents;
            return this;
        }

        /**
         * Bytes of completions handled per wake-up, at least 1 (one completion is always handled).
         *
         * @param completionBudgetBytes bytes of completions handled per wake-up
         * @return this builder
         */
        public Builder completionBudgetBytes(int completionBudgetBytes) {
            ObjectUtil.checkPositive(completionBudgetBytes, "completionBudgetBytes");
            this.completionBudgetBytes = completionBudgetBytes;
            return this;
        }

        /**
         * How long a closing loop waits for its reads in flight, zero or more.
         *
         * @param drainTimeout how long a closing loop waits
         * @return this builder
         */
        public Builder drainTimeout(Duration drainTimeout) {
            ObjectUtil.checkNotNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout: " + drainTimeout + " (expected: >= 0)");
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * Idle files kept open per loop, 0 to 65536 (files being read are open whatever this is).
         *
         * @param openFiles idle files kept open per loop
         * @return this builder
         */
        public Builder openFiles(int openFiles) {
            checkRange(openFiles, 0, 65536, "openFiles");
            this.openFiles = openFiles;
            return this;
        }

        /**
         * How long an unused file stays open, more than zero.
         *
         * @param openFileIdleTimeout how long an unused file stays open
         * @return this builder
         */
        public Builder openFileIdleTimeout(Duration openFileIdleTimeout) {
            ObjectUtil.checkNotNull(openFileIdleTimeout, "openFileIdleTimeout");
            if (openFileIdleTimeout.isNegative() || openFileIdleTimeout.isZero()) {
                throw new IllegalArgumentException("openFileIdleTimeout: " + openFileIdleTimeout
                        + " (expected: > 0)");
            }
            this.openFileIdleTimeout = openFileIdleTimeout;
            return this;
        }

        /**
         * Bytes of chunk buffers per loop, at least 64 KiB.
         *
         * @param memoryBudgetBytes bytes of chunk buffers per loop
         * @return this builder
         */
        public Builder memoryBudgetBytes(long memoryBudgetBytes) {
            if (memoryBudgetBytes < 64 << 10) {
                throw new IllegalArgumentException("memoryBudgetBytes: " + memoryBudgetBytes
                        + " (expected: >= 65536)");
            }
            this.memoryBudgetBytes = memoryBudgetBytes;
            return this;
        }

        /**
         * Makes the configuration; the builder may be used again.
         *
         * @return a new configuration with this builder's values
         */
        public AioLoopConfig build() {
            return new AioLoopConfig(this);
        }

        private static void checkRange(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ')');
            }
        }
    }
}
