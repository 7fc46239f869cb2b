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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netty's io_uring transport is an optional dependency: on a class path without it (the surefire execution
 * {@code no-io_uring} removes it), AIO on an epoll loop works and no io_uring class is ever asked for.
 */
class AioWithoutIoUringTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    @Test
    void epollServesThroughAioWithoutIoUringOnTheClassPath() throws Exception {
        assumeTrue(Boolean.getBoolean("io.netty.contrib.aio.test.noIoUring"),
                "runs in the surefire execution no-io_uring, whose class path lacks io_uring");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.uring.IoUringIoHandle"),
                "this test runs without netty-transport-classes-io_uring");
        Aio.ensureAvailability();
        Path dir = TestFiles.directory("no-io_uring");
        File file = TestFiles.create(dir, "file.bin", 3_000_001, 41);
        try (TestServer server = new TestServer(dir, TestServer.Transport.EPOLL, false,
                AioDeliveryTest.SERVE_RESIDENT);
             TestClient client = new TestClient(server.port(), false)) {
            AioDeliveryTest.download(server, client, "REGION", file, 0, file.length());
            AioDeliveryTest.download(server, client, "AIOREGION", file, 1000, 2_000_000);
            AioMetrics metrics = server.metrics();
            assertTrue(metrics.readsCompleted() >= 3, metrics.toString());
            assertEquals(0, metrics.fallbacks(), metrics.toString());
        }
    }
}
