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

import io.netty.channel.DefaultFileRegion;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A region's page-cache lookups: a range the router found without a page cached is not looked up again for its first
 * chunk (one {@code cachestat} per cold region), and only once.
 */
class OpenRegionTest {

    @Test
    void aRangeFoundUncachedIsNotLookedUpAgainForItsFirstChunkOnly() throws Exception {
        Aio.ensureAvailability();
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        File file = TestFiles.create(TestFiles.directory("open-region"), "cold", 4 << 20, 5);
        PageCache.evict(file);
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            DefaultFileRegion region = new DefaultFileRegion(channel, 0, file.length());
            OpenRegion open = new OpenRegion(region, channel, AioFiles.fd(channel), true);
            assertEquals(0, open.cachedPages(0, file.length()), "evicted");
            // The pages arrive meanwhile: the router's answer still stands for the first chunk inside its range...
            TestFiles.sha256(file, 0, file.length());
            assertFalse(open.isResident(0, 1 << 20));
            // ...and for that one only: the next lookup asks the kernel.
            assertTrue(open.isResident(0, 1 << 20));
            assertTrue(open.isResident(1 << 20, 2 << 20));
            // A chunk outside the range found uncached is looked up, and clears the answer.
            PageCache.evict(file);
            assertEquals(0, open.cachedPages(0, 1 << 20));
            TestFiles.sha256(file, 0, file.length());
            assertTrue(open.isResident(1 << 20, 2 << 20));
            assertTrue(open.isResident(0, 1 << 20));
            // A range with some pages cached leaves no answer behind.
            PageCache.evict(file);
            TestFiles.sha256(file, 0, 4096);
            assertTrue(open.cachedPages(0, file.length()) > 0);
            TestFiles.sha256(file, 0, file.length());
            assertTrue(open.isResident(0, 1 << 20));
        }
    }
}
