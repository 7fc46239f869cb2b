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
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every test of {@link AioChunkedInputTest} with its AIO servers on io_uring loops: the same chunks, read through the
 * same per-loop AIO state, resumed on the ring's own thread.
 */
class AioIoUringChunkedInputTest extends AioChunkedInputTest {

    /** Supersedes {@link AioChunkedInputTest#start()}: the same tests, on io_uring. */
    @BeforeAll
    static void start() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available: " + IoUring.unavailabilityCause());
        start(TestServer.Transport.IO_URING);
    }
}
