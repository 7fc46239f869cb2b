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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery from XFS in a loop-device image: O_DIRECT AIO with the alignment {@code statx(STATX_DIOALIGN)} reports
 * (the device's sector size), strict about it.
 */
class AioXfsDeliveryTest extends AbstractFileSystemDeliveryTest {

    @Override
    TestMount mount() throws Exception {
        return TestMount.loop("xfs", 300L << 20); // mkfs.xfs's smallest file system
    }

    @Test
    void readsColdFilesWithDirectIoAtTheSectorAlignmentStatxReports() throws Exception {
        assertTrue(directIoAccepted, "XFS accepts O_DIRECT");
        assertFalse(Boolean.TRUE.equals(residentAfterEvict), "eviction drops an XFS file's pages");
        if (kernelAtLeast(6, 1)) {
            assertEquals("statx", alignment.source(), alignment.toString()); // XFS reports STATX_DIOALIGN since 6.1
        }
        assertTrue(alignment.offset() >= 512 && alignment.offset() <= 4096
                && Integer.bitCount(alignment.offset()) == 1, alignment.toString());
        if (kernelAtLeast(6, 1)) {
            assertTrue(nowaitCopyAccepted, "XFS copies cached data for preadv2(RWF_NOWAIT)");
        }
        assertEquals(Route.AIO, expectedRoute(AioFileRegionConfig.DEFAULT, false));
        assertEquals(Route.AIO, expectedRoute(AioFileRegionConfig.DEFAULT, true));
    }

    @Override
    void assertMisalignedRead(long res, byte[] expected, ByteBuffer buffer) {
        assertEquals(-22, res, "XFS refuses a misaligned O_DIRECT read with EINVAL");
    }
}
