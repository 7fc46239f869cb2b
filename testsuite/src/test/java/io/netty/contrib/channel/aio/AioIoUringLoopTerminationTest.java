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

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every test of {@link AioLoopTerminationTest} on an io_uring loop: the same termination without closing the channels,
 * with the ring (and the poll of the AIO eventfd that it may still hold) torn down before the loop's AIO state
 * ends.
 */
class AioIoUringLoopTerminationTest extends AioLoopTerminationTest {

    @Override
    TestServer.Transport transport() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available: " + IoUring.unavailabilityCause());
        return TestServer.Transport.IO_URING;
    }
}
