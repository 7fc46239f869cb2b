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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery from XFS on a loop device with 4096-byte logical sectors (a "4Kn" disk): {@code statx(STATX_DIOALIGN)}
 * reports 4096, and XFS refuses an O_DIRECT read aligned only to 512. Regions starting and ending at 511, 512 and 513
 * must therefore be read from 4096-aligned offsets; a stream that aligned to 512 would fail with EINVAL here.
 */
class AioXfs4kSectorDeliveryTest extends AbstractFileSystemDeliveryTest {

    @Override
    TestMount mount() throws Exception {
        return TestMount.loop("xfs", 300L << 20, 4096);
    }

    @Test
    void statxReportsTheSectorSize() throws Exception {
        assertTrue(directIoAccepted, "XFS accepts O_DIRECT");
        if (kernelAtLeast(6, 1)) {
            assertEquals("statx", alignment.source(), alignment.toString());
            assertEquals(4096, alignment.offset(), alignment.toString());
        }
        assertEquals(Route.AIO, expectedRoute(AioFileRegionConfig.DEFAULT, false));
        assertEquals(Route.AIO, expectedRoute(AioFileRegionConfig.DEFAULT, true));
    }

    @Test
    void aReadAlignedTo512OnlyIsRefused() throws Exception {
        assertEquals(-22, directRead(512, alignedBuffer()),
                "XFS on 4096-byte sectors refuses an O_DIRECT read at offset 512");
        assertEquals(4096, directRead(4096, alignedBuffer()));
    }

    @Override
    void assertMisalignedRead(long res, byte[] expected, ByteBuffer buffer) {
        assertEquals(-22, res, "XFS refuses a misaligned O_DIRECT read with EINVAL");
    }
}
