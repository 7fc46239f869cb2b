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

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every test of {@link AioPageCacheAdmissionTest} on an io_uring server, whose channels send the chunks served from
 * the page cache with {@code splice}: admission, the open-file cache, and no fallback.
 */
class AioIoUringPageCacheAdmissionTest extends AioPageCacheAdmissionTest {

    /** Supersedes {@link AioPageCacheAdmissionTest#start()}: the same tests, on io_uring. */
    @BeforeAll
    static void start() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available: " + IoUring.unavailabilityCause());
        start(TestServer.Transport.IO_URING);
    }

    @AfterEach
    void noRegionFellBack() {
        AioMetrics metrics = server.metrics();
        assertEquals(0, metrics.fallbacks(), metrics.toString());
    }
}
