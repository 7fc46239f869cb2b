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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * io_submit refusing reads with EAGAIN: the kernel's ring is made smaller than the loop's bound on reads in flight,
 * so that more reads are offered than the context takes. They must wait and go out later, and no byte may be lost.
 */
class AioSubmitEagainTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    @Test
    void refusedReadsWaitForRoomAndLoseNothing() throws Exception {
        Aio.ensureAvailability();
        Path dir = TestFiles.directory("eagain");
        List<File> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            File f = TestFiles.create(dir, "e" + i, (4 << 20) + 4096L * i, 900 + i);
            files.add(f);
            expected.add(TestFiles.sha256(f, 0, f.length()));
            PageCache.evict(f);
        }
        // 4 KiB reads, 32 ahead per region: 24 regions offer up to 768 reads at once, the ring holds ~126.
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(4096).readAhead(32)
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT)
                .loopConfig(AioLoopConfig.builder().maxInFlight(512).contextEvents(1).build()).build();
        try (TestServer server = new TestServer(dir, true, false, config)) {
            AioDeliveryTest.downloadAtOnce(server, files, expected);
            AioMetrics metrics = server.metrics();
            assertTrue(metrics.submitsDeferred() > 0, "io_submit never refused a read: " + metrics);
            assertEquals(metrics.readsSubmitted(), metrics.readsCompleted(), metrics.toString());
            assertEquals(0, metrics.errors(), metrics.toString());
        }
    }
}
