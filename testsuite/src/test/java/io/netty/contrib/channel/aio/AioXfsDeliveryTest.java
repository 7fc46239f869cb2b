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
