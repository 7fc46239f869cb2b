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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which requests count as repeated: page-cache admission must not take a stream of new files for popular ones. */
class RecentFilesTest {

    @Test
    void aLongStreamOfDistinctFilesIsNotTakenForRepeats() {
        RecentFiles recent = new RecentFiles(8192);
        int repeats = 0;
        // Inode numbers of files created one after the other are close together.
        for (long inode = 1_000_000; inode < 1_200_000; inode++) {
            if (recent.add(inode)) {
                repeats++;
            }
        }
        assertTrue(repeats < 200, repeats + " of 200,000 distinct files taken for repeats");
    }

    @Test
    void aFileAskedForAgainWithinAGenerationIsARepeat() {
        RecentFiles recent = new RecentFiles(1024);
        assertFalse(recent.add(42));
        for (long other = 0; other < 1000; other++) {
            recent.add(10_000 + other);
        }
        assertTrue(recent.add(42), "asked for again 1,000 requests later");
    }

    @Test
    void aFileIsForgottenAfterTwoGenerations() {
        RecentFiles recent = new RecentFiles(1024);
        recent.add(7);
        for (long other = 0; other < 2 * 1024; other++) {
            recent.add(50_000 + other);
        }
        assertFalse(recent.add(7), "still remembered after two generations of other files");
    }

    @Test
    void theGenerationIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> new RecentFiles(1000));
        assertThrows(IllegalArgumentException.class, () -> new RecentFiles(32));
        assertThrows(IllegalArgumentException.class, () -> new RecentFiles(1 << 16));
    }
}
