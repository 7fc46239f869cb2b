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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The package-private natives refuse arguments that would make C touch memory it must not: no crash. */
@ExtendWith(LeakAndContextCheck.class)
class NativeArgumentsTest {

    private static File file;

    @BeforeAll
    static void setUp() throws IOException {
        Aio.ensureAvailability();
        file = TestFiles.create(TestFiles.directory("native"), "data.bin", 8192, 3);
    }

    @Test
    void nullArraysAreNullPointerExceptions() throws IOException {
        try (AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY)) {
            NullPointerException open = assertThrows(NullPointerException.class,
                    () -> Native.open0(null, Native.O_RDONLY, 0));
            assertTrue(open.getMessage().contains("path"), open.getMessage());
            NullPointerException statx = assertThrows(NullPointerException.class,
                    () -> Native.statx0(fd.intValue(), null));
            assertTrue(statx.getMessage().contains("out"), statx.getMessage());
            assertThrows(NullPointerException.class, () -> Native.cachestat0(fd.intValue(), 0, 4096, null));
        }
    }

    @Test
    void shortOutputArraysAreRefused() throws IOException {
        try (AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY)) {
            IllegalArgumentException statx = assertThrows(IllegalArgumentException.class,
                    () -> Native.statx0(fd.intValue(), new long[9]));
            assertTrue(statx.getMessage().contains("10"), statx.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Native.cachestat0(fd.intValue(), 0, 4096, new long[4]));
            // Arrays that are long enough still work.
            long[] info = new long[10];
            assertEquals(0, Native.statx0(fd.intValue(), info));
            assertEquals(8192, info[6]);
        }
    }
}
