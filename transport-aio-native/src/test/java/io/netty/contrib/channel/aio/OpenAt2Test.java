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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;

import static io.netty.contrib.channel.aio.AioFiles.O_NONBLOCK;
import static io.netty.contrib.channel.aio.AioFiles.O_PATH;
import static io.netty.contrib.channel.aio.AioFiles.O_RDONLY;
import static io.netty.contrib.channel.aio.FileLookups.RESOLVE_BENEATH;
import static io.netty.contrib.channel.aio.FileLookups.RESOLVE_CACHED;
import static io.netty.contrib.channel.aio.FileLookups.RESOLVE_NO_MAGICLINKS;
import static io.netty.contrib.channel.aio.FileLookups.RESOLVE_NO_SYMLINKS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link FileLookups#openat2} below a directory descriptor, {@link FileLookups#attributes} of a descriptor and
 * {@link FileLookups#readChannel}: the kernel keeps the open beneath the directory and off symbolic links, the
 * attributes are the file's, the channel reads the file and closes the descriptor it was handed.
 */
@ExtendWith(LeakAndContextCheck.class)
class OpenAt2Test {

    private static final int SAFE = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

    private static Path dir;
    private static File file;

    @BeforeAll
    static void setUp() throws IOException {
        Aio.ensureAvailability();
        dir = TestFiles.directory("openat2").toRealPath();
        Files.createDirectories(dir.resolve("sub"));
        file = TestFiles.create(dir.resolve("sub"), "data.bin", 10_000, 5);
        Files.setLastModifiedTime(file.toPath(), FileTime.from(Instant.parse("2022-01-02T03:04:05.678Z")));
        link("sub/link.bin", "data.bin");
        link("dirlink", "sub");
        link("out", "/etc");
        Path fifo = dir.resolve("fifo");
        if (!Files.exists(fifo)) {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertTrue(waitFor(p) == 0, "mkfifo");
        }
    }

    private static void link(String name, String target) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
        Files.createSymbolicLink(dir.resolve(name), Paths.get(target));
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static AioFileDescriptor root() throws IOException {
        return AioFiles.open(dir.toFile(), O_PATH | AioFiles.O_DIRECTORY);
    }

    @Test
    void aPlainFileOpensBeneathTheDirectoryAndBecomesAChannel() throws IOException {
        long fds = openFds();
        try (AioFileDescriptor root = root()) {
            AioFileDescriptor fd = FileLookups.openat2(root, "sub/data.bin", O_RDONLY | O_NONBLOCK, SAFE);
            assertNotNull(fd);
            BasicFileAttributes attrs = FileLookups.attributes(fd);
            assertTrue(attrs.isRegularFile());
            assertFalse(attrs.isDirectory() || attrs.isOther() || attrs.isSymbolicLink());
            assertEquals(10_000, attrs.size());
            assertEquals(Files.getLastModifiedTime(file.toPath()), attrs.lastModifiedTime());
            assertEquals(1641092645678L, attrs.lastModifiedTime().toMillis());

            try (FileChannel channel = FileLookups.readChannel(fd)) {
                assertFalse(fd.isOpen(), "handed over");
                fd.close(); // does nothing: the channel owns the descriptor
                assertEquals(10_000, channel.size());
                ByteBuffer buf = ByteBuffer.allocate(10_000);
                assertEquals(10_000, channel.read(buf, 0));
                assertArrayEquals(TestFiles.read(file, 0, 10_000), buf.array());
                // What the transport reads a channel's descriptor with, and what Netty's sendfile gets.
                assertTrue(AioFiles.fd(channel) >= 0);
                try (AioFileDescriptor direct = AioFiles.reopen(channel, O_RDONLY | AioFiles.O_DIRECT)) {
                    assertTrue(direct.isOpen());
                    assertEquals(attrs.fileKey(), FileLookups.attributes(direct).fileKey(),
                            "two descriptors of one file: one key");
                    assertEquals(Native.statx(direct.intValue()).key(), attrs.fileKey(),
                            "fstat and statx give a file one key");
                }
                try (AioFileDescriptor parent = root()) {
                    assertNotEquals(attrs.fileKey(), FileLookups.attributes(parent).fileKey(), "another file");
                }
                DefaultFileRegion region = new DefaultFileRegion(channel, 0, 10_000);
                assertEquals(10_000, region.count());
            }
            assertThrows(IOException.class, () -> FileLookups.readChannel(fd), "already handed over");
        }
        assertNoneLeftOpen(fds);
    }

    @Test
    void symbolicLinksAndEscapesAreRefusedByTheKernel() throws IOException {
        long fds = openFds();
        try (AioFileDescriptor root = root()) {
            for (String path : new String[] {"sub/link.bin", "dirlink/data.bin", "out/passwd"}) {
                FileSystemException e = assertThrows(FileSystemException.class,
                        () -> FileLookups.openat2(root, path, O_RDONLY, SAFE), path);
                assertTrue(e.getMessage().contains("symbolic links"), path + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(path), e.getMessage());
            }
            for (String path : new String[] {"../openat2/sub/data.bin", "/etc/passwd", "sub/../../x"}) {
                FileSystemException e = assertThrows(FileSystemException.class,
                        () -> FileLookups.openat2(root, path, O_RDONLY, SAFE), path);
                assertTrue(e.getMessage().contains("cross-device"), path + ": " + e.getMessage());
            }
            // Without the rules the same links are followed.
            try (AioFileDescriptor fd = FileLookups.openat2(root, "sub/link.bin", O_RDONLY, 0)) {
                assertEquals(10_000, FileLookups.attributes(fd).size());
            }
            assertThrows(NoSuchFileException.class, () -> FileLookups.openat2(root, "sub/missing", O_RDONLY, SAFE));
        }
        assertNoneLeftOpen(fds);
    }

    @Test
    void aFifoOpensAtOnceWithNonblockAndIsNotARegularFile() throws IOException {
        try (AioFileDescriptor root = root();
             AioFileDescriptor fd = FileLookups.openat2(root, "fifo", O_RDONLY | O_NONBLOCK, SAFE)) {
            BasicFileAttributes attrs = FileLookups.attributes(fd);
            assertTrue(attrs.isOther());
            assertFalse(attrs.isRegularFile());
        }
        try (AioFileDescriptor root = root();
             AioFileDescriptor fd = FileLookups.openat2(root, "sub", O_RDONLY | O_NONBLOCK, SAFE)) {
            assertTrue(FileLookups.attributes(fd).isDirectory());
        }
    }

    @Test
    void resolveCachedAnswersNullWhenTheDiskWouldBeRead() throws IOException {
        assumeTrue(TestFiles.isRoot(), "dropping the kernel's caches needs root");
        assumeTrue(FileLookups.isOpenCachedSupported(), "RESOLVE_CACHED needs Linux 5.12");
        Path cold = Files.createDirectories(dir.resolve("cold/a"));
        Files.write(cold.resolve("c.bin"), new byte[100]);
        long fds = openFds();
        try (AioFileDescriptor root = root()) {
            OpenCachedTest.dropDentries();
            assertNull(FileLookups.openat2(root, "cold/a/c.bin", O_RDONLY, SAFE | RESOLVE_CACHED));
            try (AioFileDescriptor fd = FileLookups.openat2(root, "cold/a/c.bin", O_RDONLY, SAFE)) {
                assertNotNull(fd, "the blocking open fills the cache");
            }
            try (AioFileDescriptor fd = FileLookups.openat2(root, "cold/a/c.bin", O_RDONLY, SAFE | RESOLVE_CACHED)) {
                assertNotNull(fd);
                assertEquals(100, FileLookups.attributes(fd).size());
            }
        }
        assertNoneLeftOpen(fds);
    }

    @Test
    void badArguments() throws IOException {
        long fds = openFds();
        try (AioFileDescriptor root = root()) {
            assertThrows(NullPointerException.class, () -> FileLookups.openat2(null, "x", O_RDONLY, 0));
            assertThrows(NullPointerException.class, () -> FileLookups.openat2(root, null, O_RDONLY, 0));
            assertThrows(IllegalArgumentException.class, () -> FileLookups.openat2(root, "", O_RDONLY, 0));
            assertThrows(IllegalArgumentException.class, () -> FileLookups.openat2(root, "a\0b", O_RDONLY, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> FileLookups.openat2(root, "new", AioFiles.O_RDWR | AioFiles.O_CREAT, 0));
            FileSystemException tooLong = assertThrows(FileSystemException.class,
                    () -> FileLookups.openat2(root, "x".repeat(5000), O_RDONLY, SAFE));
            assertTrue(tooLong.getMessage().contains("File name too long"), tooLong.getMessage());
            FileSystemException notDir = assertThrows(FileSystemException.class,
                    () -> FileLookups.openat2(root, "sub/data.bin/x", O_RDONLY, SAFE));
            assertTrue(notDir.getMessage().contains("Not a directory"), notDir.getMessage());
            // Not a directory descriptor: the kernel says so, nothing crashes.
            try (AioFileDescriptor plain = AioFiles.open(file, O_RDONLY)) {
                FileSystemException e = assertThrows(FileSystemException.class,
                        () -> FileLookups.openat2(plain, "x", O_RDONLY, SAFE));
                assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
            }
            assertThrows(NullPointerException.class, () -> FileLookups.attributes(null));
            assertThrows(NullPointerException.class, () -> FileLookups.readChannel(null));
            AioFileDescriptor closed = AioFiles.open(file, O_RDONLY);
            closed.close();
            assertThrows(IOException.class, () -> FileLookups.attributes(closed));
            assertThrows(IOException.class, () -> FileLookups.readChannel(closed));
            // A closed directory descriptor: its number may be another directory's by now, so it is never used.
            AioFileDescriptor closedDir = root();
            closedDir.close();
            try (AioFileDescriptor reused = root()) {
                assertEquals(closedDir.intValue(), reused.intValue(), "the number was given out again");
                IOException e = assertThrows(IOException.class,
                        () -> FileLookups.openat2(closedDir, "sub/data.bin", O_RDONLY, SAFE));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
            // O_TMPFILE creates a file, as O_CREAT does: refused.
            IllegalArgumentException tmp = assertThrows(IllegalArgumentException.class,
                    () -> FileLookups.openat2(root, "sub", AioFiles.O_RDWR | AioFiles.O_TMPFILE, 0));
            assertTrue(tmp.getMessage().contains("O_TMPFILE"), tmp.getMessage());
        }
        assertNoneLeftOpen(fds);
    }

    @Test
    void nativeOutArraysAreChecked() {
        assertThrows(NullPointerException.class, () -> Native.fstat0(0, null));
        assertThrows(IllegalArgumentException.class, () -> Native.fstat0(0, new long[FileAttributes.SLOTS - 1]));
        assertThrows(NullPointerException.class, () -> Native.openat2_0(-100, null, O_RDONLY, 0));
        assertNull(Native.newFileDescriptor0(-1));
    }

    /**
     * No more descriptors are open than {@code before}: fewer is possible, when a descriptor of an earlier test (one a
     * {@code Cleaner} closes, say) goes meanwhile.
     */
    private static void assertNoneLeftOpen(long before) throws IOException {
        long now = openFds();
        assertTrue(now <= before, "descriptors left open: " + now + ", before: " + before);
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
