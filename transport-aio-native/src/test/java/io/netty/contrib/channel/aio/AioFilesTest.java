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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LeakAndContextCheck.class)
class AioFilesTest {

    private static Path dir;
    private static File file;

    @BeforeAll
    static void setUp() throws IOException {
        Aio.ensureAvailability();
        dir = TestFiles.directory("files");
        file = TestFiles.create(dir, "data.bin", 256 * 1024, 7);
    }

    @Test
    void alignmentComesFromStatxOnExt4() throws IOException {
        try (AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            AioFiles.DirectIoAlignment alignment = AioFiles.alignment(fd);
            assertTrue(alignment.offset() >= 512 && Integer.bitCount(alignment.offset()) == 1, alignment.toString());
            assertTrue(alignment.memory() >= 1 && Integer.bitCount(alignment.memory()) == 1, alignment.toString());
        }
    }

    @Test
    void openErrorsNameThePathAndTheErrno() {
        File missing = dir.resolve("missing.bin").toFile();
        IOException e = assertThrows(IOException.class, () -> AioFiles.open(missing, AioFiles.O_RDONLY));
        assertTrue(e.getMessage().contains(missing.getPath()), e.getMessage());
        assertTrue(e.getMessage().contains("error(-2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AioFiles.open(new File("a\0b"), AioFiles.O_RDONLY));
    }

    @Test
    void anEmptyPathIsNoSuchFile() {
        // open("") fails with ENOENT (path_resolution(7)): the same answer, not a name too long.
        IOException e = assertThrows(IOException.class, () -> AioFiles.open(new File(""), AioFiles.O_RDONLY));
        assertTrue(e.getMessage().contains("error(-2)"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void reopenGivesASecondDescriptionOfTheSameFile() throws IOException {
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            int fd = AioFiles.fd(channel);
            assertTrue(fd > 2);
            try (AioFileDescriptor direct = AioFiles.reopen(channel, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
                assertTrue(direct.intValue() != fd);
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(4096 * 2);
                try {
                    int index = AioContextTest.alignedIndex(buf, 4096);
                    assertEquals(4096, AioFiles.preadv2(direct, buf, index, 4096, 8192, 0));
                    byte[] got = new byte[4096];
                    buf.getBytes(index, got);
                    assertArrayEquals(TestFiles.read(file, 8192, 4096), got);
                } finally {
                    buf.release();
                }
            }
        }
        FileChannel closed = FileChannel.open(file.toPath(), StandardOpenOption.READ);
        closed.close();
        assertThrows(IOException.class, () -> AioFiles.fd(closed));
    }

    @Test
    void readWithNoWaitSaysWhenTheDataIsNotCached() throws IOException {
        File cold = TestFiles.create(dir, "cold.bin", 1 << 20, 8);
        PageCache.evict(cold);
        try (AioFileDescriptor fd = AioFiles.open(cold, AioFiles.O_RDONLY)) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(1 << 16);
            try {
                int cold1 = AioFiles.preadv2(fd, buf, 0, 1 << 16, 1 << 19, AioFiles.RWF_NOWAIT);
                assertTrue(cold1 == -1 || cold1 < (1 << 16), "cold data must not be read inline: " + cold1);
                try (RandomAccessFile raf = new RandomAccessFile(cold, "r")) {
                    raf.seek(1 << 19);
                    raf.readFully(new byte[1 << 16]);
                }
                assertEquals(1 << 16, AioFiles.preadv2(fd, buf, 0, 1 << 16, 1 << 19, AioFiles.RWF_NOWAIT));
            } finally {
                buf.release();
            }
            ByteBuf heap = io.netty.buffer.Unpooled.buffer(16);
            assertThrows(IllegalArgumentException.class, () -> AioFiles.preadv2(fd, heap, 0, 16, 0, 0));
            heap.release();
        }
    }

    @Test
    void pageCacheResidencyFollowsEvictionAndReads() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs 6.5+");
        File f = TestFiles.create(dir, "resident.bin", 1 << 20, 9);
        PageCache.evict(f);
        assertTrue(PageCache.residentBytes(f, 0, 1 << 20) < 1 << 20);
        try (RandomAccessFile raf = new RandomAccessFile(f, "r")) {
            raf.readFully(new byte[1 << 20]);
        }
        assertEquals(1 << 20, PageCache.residentBytes(f, 0, 1 << 20));
        try (AioFileDescriptor fd = AioFiles.open(f, AioFiles.O_RDONLY)) {
            assertTrue(PageCache.isResident(fd, 100, 5000));
            PageCache.evict(fd, 0, 1 << 19);
            assertFalse(PageCache.isResident(fd, 0, 1 << 20));
            assertTrue(PageCache.isResident(fd, 1 << 19, 1 << 19));
            assertEquals(0, PageCache.residentBytes(fd, 0, 1 << 19));
        }
        assertThrows(IllegalArgumentException.class, () -> PageCache.residentBytes(f, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> PageCache.evict(f, Long.MAX_VALUE, 10));
    }

    @Test
    void eventFdCountsAndCloses() throws IOException {
        AioEventFd efd = new AioEventFd();
        assertEquals(0, efd.read());
        efd.write(3);
        efd.write(4);
        assertEquals(7, efd.read());
        assertThrows(IllegalArgumentException.class, () -> efd.write(0));
        efd.close();
        assertFalse(efd.isOpen());
        assertThrows(IOException.class, efd::read);
        try (AioEventFd big = new AioEventFd(0, true, false)) {
            // eventfd(2): the counter goes up to 0xfffffffffffffffe; read() returns it as an unsigned long.
            big.write(Long.MAX_VALUE);
            big.write(Long.MAX_VALUE);
            long counter = big.read();
            assertEquals("fffffffffffffffe", Long.toHexString(counter));
            assertEquals(0, big.read(), "the counter was consumed once");
            big.write(Long.MAX_VALUE);
            assertEquals(Long.MAX_VALUE, big.read());
        }
        try (AioEventFd semaphore = new AioEventFd(2, true, true)) {
            assertEquals(1, semaphore.read());
            assertEquals(1, semaphore.read());
            assertEquals(0, semaphore.read());
        }
    }
}
