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

import io.netty.channel.IoHandlerFactory;

/**
 * Every test of {@link AioLoopTerminationTest} on a loop made with {@link AioIoHandler#newFactory}: its AIO state ends
 * when Netty destroys the loop's I/O handler rather than when the loop's thread clears its thread-locals.
 */
class AioIoHandlerLoopTerminationTest extends AioLoopTerminationTest {

    @Override
    IoHandlerFactory factory(TestServer.Transport transport) {
        return AioIoHandler.newFactory(transport.factory());
    }
}
