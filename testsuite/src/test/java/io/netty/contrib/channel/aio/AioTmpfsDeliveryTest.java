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

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery from a fresh tmpfs. tmpfs reports no direct-I/O alignment and has no block device (the stream aligns to
 * the 4096 default); it accepts O_DIRECT since Linux 6.6 (before, the open fails with EINVAL and the region takes
 * its own path, counted); its pages cannot be evicted, so with cachestat a plain region is always served from the
 * page cache. Under TLS each resident chunk is copied with {@code preadv2(RWF_NOWAIT)}, which tmpfs refuses
 * ({@code EOPNOTSUPP} on 6.18): those chunks are read with AIO instead. Which of these happens is probed on the
 * mount and checked against the kernel's version, and the delivery tests check that each region went that way,
 * byte for byte. The surefire execution {@code no-cachestat} runs this class again without cachestat: then nothing
 * tells the handler that tmpfs pages are resident, and every region is read with O_DIRECT AIO.
 */
class AioTmpfsDeliveryTest extends AbstractFileSystemDeliveryTest {

    @Override
    TestMount mount() throws Exception {
        return TestMount.tmpfs(96L << 20);
    }

    @Test
    void directIoAndEvictionAsTheKernelDoesThem() {
        if (kernelAtLeast(6, 6)) {
            assertTrue(directIoAccepted, "tmpfs accepts O_DIRECT since Linux 6.6");
        }
        if (residentAfterEvict != null) {
            assertTrue(residentAfterEvict, "tmpfs pages are the file: eviction cannot drop them");
        }
        if (directIoAccepted) {
            assertNotEquals("block device", alignment.source(), alignment.toString());
            if (!"statx".equals(alignment.source())) {
                assertEquals(AioFiles.DEFAULT_ALIGNMENT, alignment.offset(), alignment.toString());
            }
        }
        Route always = expectedRoute(AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build(), false);
        assertEquals(directIoAccepted ? Route.AIO : Route.REFUSED, always);
    }

    @Override
    void assertMisalignedRead(long res, byte[] expected, ByteBuffer buffer) {
        assertServed(res, expected, buffer); // tmpfs copies from its pages: no alignment to keep
    }
}
