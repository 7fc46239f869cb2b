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
 * Delivery from btrfs in a loop-device image. btrfs accepts O_DIRECT but reports no {@code STATX_DIOALIGN}, and its
 * files' device number is an anonymous one with no block queue in sysfs, so the stream aligns to the 4096 default; a
 * misaligned O_DIRECT read is not refused but served through the page cache. Small files are stored inline in the
 * metadata, and data is checksummed: both must still arrive byte for byte.
 */
class AioBtrfsDeliveryTest extends AbstractFileSystemDeliveryTest {

    @Override
    TestMount mount() throws Exception {
        return TestMount.loop("btrfs", 300L << 20);
    }

    @Test
    void readsColdFilesWithDirectIoAtTheDefaultAlignment() throws Exception {
        assertTrue(directIoAccepted, "btrfs accepts O_DIRECT");
        assertFalse(Boolean.TRUE.equals(residentAfterEvict), "eviction drops a btrfs file's pages");
        if (!"statx".equals(alignment.source())) {
            assertEquals("default", alignment.source(), alignment.toString());
            assertEquals(AioFiles.DEFAULT_ALIGNMENT, alignment.offset(), alignment.toString());
        }
        if (kernelAtLeast(6, 1)) {
            assertTrue(nowaitCopyAccepted, "btrfs copies cached data for preadv2(RWF_NOWAIT)");
        }
        assertEquals(Route.AIO, expectedRoute(AioFileRegionConfig.DEFAULT, false));
        assertEquals(Route.AIO, expectedRoute(AioFileRegionConfig.DEFAULT, true));
    }

    @Override
    void assertMisalignedRead(long res, byte[] expected, ByteBuffer buffer) {
        assertServed(res, expected, buffer); // btrfs falls back to a buffered read
    }
}
