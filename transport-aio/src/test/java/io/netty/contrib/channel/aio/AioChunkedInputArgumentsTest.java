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

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arguments {@link AioChunkedInput} refuses, before it opens anything. */
class AioChunkedInputArgumentsTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private File file;

    @BeforeEach
    void createFile() throws IOException {
        Path dir = Paths.get("target", "chunked-input-arguments");
        Files.createDirectories(dir);
        file = dir.resolve("data.bin").toFile();
        Files.write(file.toPath(), new byte[4096]);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void rangesWhoseEndOverflowsAreRefused() throws IOException {
        long[][] ranges = {{Long.MAX_VALUE, 1}, {Long.MAX_VALUE - 100, 200}, {1L << 62, 1L << 62},
            {-1, 10}, {0, -1}, {Long.MAX_VALUE - 100, 50}};
        for (long[] r : ranges) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new AioChunkedInput(channel, file, r[0], r[1]), r[0] + " + " + r[1]);
            assertTrue(e.getMessage().contains(Long.toString(r[0])), e.getMessage());
        }
        // The largest end still taken: far past any file, the read reports it.
        new AioChunkedInput(channel, file, ReaderFactory.MAX_END - 10, 10).close();
    }

    @Test
    void aConstructorThatThrowsLeavesNoDescriptorOpen() throws IOException {
        long before = openDescriptors();
        for (int i = 0; i < 200; i++) {
            assertThrows(NullPointerException.class, () -> new AioChunkedInput(null, file, 0, 10));
            assertThrows(NullPointerException.class, () -> new AioChunkedInput(channel, file, 0, 10, null));
            assertThrows(IllegalArgumentException.class, () -> new AioChunkedInput(channel, file, 1L << 62, 1L << 62));
        }
        assertTrue(openDescriptors() < before + 20, "descriptors: " + openDescriptors() + ", before: " + before);
    }

    @Test
    void theLengthIsTheRange() throws IOException {
        AioChunkedInput input = new AioChunkedInput(channel, file, 100, 1000);
        assertEquals(1000, input.length());
        assertEquals(0, input.progress());
        input.close();
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
