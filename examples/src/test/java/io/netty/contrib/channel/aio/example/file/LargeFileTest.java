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
package io.netty.contrib.channel.aio.example.file;

import io.netty.contrib.channel.aio.PageCache;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ranges of a 5 GiB (sparse) file past 4 GiB, in every mode and on every transport: the bytes at the range's own
 * offset, hot and cold. Netty's io_uring file region keeps offsets in an {@code int}; the server must not hand it
 * such a range.
 */
class LargeFileTest {

    private static final long DATA_AT = (4L << 30) - (1 << 20);
    private static Path root;
    private static File big;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("large-file");
        big = root.resolve("big.iso").toFile();
        byte[] data = new byte[3 << 20];
        new Random(45).nextBytes(data);
        try (RandomAccessFile raf = new RandomAccessFile(big, "rw")) {
            raf.setLength(5L << 30);
            raf.seek(DATA_AT);
            raf.write(data);
        }
    }

    @AfterAll
    static void removeFiles() throws Exception {
        Files.deleteIfExists(big.toPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio@io_uring", "sendfile@io_uring", "chunked@io_uring"})
    void aRangePastFourGibibytesIsServedFromItsOwnOffset(String mode) throws Exception {
        FileServer server = TestServers.start(root, mode);
        try {
            for (boolean cold : new boolean[] {false, true}) {
                // 1 MiB at 4 GiB + 64 KiB, and 1 MiB across the 4 GiB boundary.
                for (long first : new long[] {(4L << 30) + (64 << 10), (4L << 30) - (512 << 10)}) {
                    long last = first + (1 << 20) - 1;
                    if (cold) {
                        PageCache.evict(big);
                    } else {
                        TestFiles.sha256(big, first, last - first + 1);
                    }
                    TestServers.Curl c = TestServers.curlRun(root, "-r", first + "-" + last,
                            server.url() + big.getName());
                    assertEquals(206, c.status, c.toString());
                    assertEquals(TestFiles.sha256(big, first, last - first + 1),
                            TestFiles.sha256(new java.io.ByteArrayInputStream(c.body)),
                            mode + (cold ? " cold " : " hot ") + first);
                }
            }
        } finally {
            server.close();
        }
    }
}
