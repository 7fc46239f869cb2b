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
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link FileLookups#openCached} and {@link FileLookups#isLookupCached}: openat2(2) with RESOLVE_CACHED. */
@ExtendWith(LeakAndContextCheck.class)
class OpenCachedTest {

    private static Path dir;
    private static File file;

    @BeforeAll
    static void setUp() throws IOException {
        Aio.ensureAvailability();
        assumeTrue(FileLookups.isOpenCachedSupported(), "openat2(RESOLVE_CACHED) needs Linux 5.12");
        dir = TestFiles.directory("open-cached");
        file = TestFiles.create(dir, "data.bin", 10_000, 3);
    }

    @Test
    void aCachedPathOpensForReading() throws IOException {
        long fds = openFds();
        Files.readAttributes(file.toPath(), BasicFileAttributes.class); // looked up once: now in the dentry cache
        try (AioFileDescriptor fd = FileLookups.openCached(file.toPath(), AioFiles.O_RDONLY)) {
            assertNotNull(fd);
            ByteBuffer buf = ByteBuffer.allocateDirect(10_000);
            assertEquals(10_000, fd.read(buf, 0, buf.capacity()));
            byte[] bytes = new byte[10_000];
            buf.get(bytes);
            assertEquals(TestFiles.sha256(file, 0, 10_000), TestFiles.hex(TestFiles.sha256().digest(bytes)));
        }
        assertTrue(FileLookups.isLookupCached(file.toPath()));
        assertTrue(FileLookups.isLookupCached(Paths.get("/")));
        assertEquals(fds, openFds(), "descriptors left open");
    }

    @Test
    void flagsAreTheOpenFlags() throws IOException {
        try (AioFileDescriptor fd = FileLookups.openCached(dir, AioFiles.O_RDONLY | AioFiles.O_DIRECTORY)) {
            assertNotNull(fd);
        }
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> FileLookups.openCached(file.toPath(), AioFiles.O_RDONLY | AioFiles.O_DIRECTORY));
        assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
        assertTrue(e.getMessage().contains(file.getPath()), e.getMessage());
    }

    @Test
    void aPathThroughAFileIsNotADirectoryOrNotCachedAsDocumented() throws IOException {
        Files.readAttributes(file.toPath(), BasicFileAttributes.class); // in the dentry cache
        Path through = file.toPath().resolve("x");
        // Linux may answer EAGAIN here (the cached walk cannot stop to report ENOTDIR): "not cached", never a
        // descriptor, never another error.
        try (AioFileDescriptor fd = FileLookups.openCached(through, AioFiles.O_RDONLY)) {
            assertNull(fd);
        } catch (FileSystemException e) {
            assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
        }
        try {
            assertFalse(FileLookups.isLookupCached(through));
        } catch (FileSystemException e) {
            assertTrue(e.getMessage().contains("Not a directory"), e.getMessage());
        }
        assertThrows(FileSystemException.class, () -> Files.readAttributes(through, BasicFileAttributes.class));
        IllegalArgumentException tmp = assertThrows(IllegalArgumentException.class,
                () -> FileLookups.openCached(dir, AioFiles.O_RDWR | AioFiles.O_TMPFILE));
        assertTrue(tmp.getMessage().contains("O_TMPFILE"), tmp.getMessage());
    }

    @Test
    void aMissingFileIsNoSuchFileAndItsAbsenceIsCached() throws IOException {
        Path missing = dir.resolve("missing-" + System.nanoTime() + ".bin");
        // A name never looked up is not in the cache, present or not: only the directory's blocks can tell.
        assertNull(FileLookups.openCached(missing, AioFiles.O_RDONLY));
        assertFalse(FileLookups.isLookupCached(missing));
        assertFalse(Files.exists(missing)); // the blocking lookup leaves a negative dentry
        assertThrows(NoSuchFileException.class, () -> FileLookups.openCached(missing, AioFiles.O_RDONLY));
        assertTrue(FileLookups.isLookupCached(missing), "the absence itself is known without the disk");
    }

    @Test
    void badArguments() throws IOException {
        long fds = openFds();
        assertThrows(NullPointerException.class, () -> FileLookups.openCached(null, AioFiles.O_RDONLY));
        assertThrows(NullPointerException.class, () -> FileLookups.isLookupCached(null));
        assertThrows(IllegalArgumentException.class, () -> FileLookups.openCached(Paths.get(""), AioFiles.O_RDONLY));
        assertThrows(IllegalArgumentException.class, () -> FileLookups.isLookupCached(Paths.get("")));
        assertThrows(IllegalArgumentException.class,
                () -> FileLookups.openCached(file.toPath(), AioFiles.O_RDWR | AioFiles.O_CREAT));
        assertThrows(IllegalArgumentException.class,
                () -> FileLookups.openCached(file.toPath(), AioFiles.O_RDWR | AioFiles.O_TRUNC));
        Path tooLong = dir.resolve("x".repeat(5000));
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> FileLookups.openCached(tooLong, AioFiles.O_RDONLY));
        assertTrue(e.getMessage().contains("File name too long"), e.getMessage());
        assertThrows(FileSystemException.class, () -> FileLookups.isLookupCached(tooLong));
        assertEquals(fds, openFds(), "descriptors left open");
    }

    @Test
    void aForbiddenFileIsAccessDenied() throws IOException {
        assumeTrue(!TestFiles.isRoot(), "root may open any file");
        Path secret = dir.resolve("secret.txt");
        Files.write(secret, new byte[] {1});
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assertThrows(AccessDeniedException.class, () -> FileLookups.openCached(secret, AioFiles.O_RDONLY));
        assertTrue(FileLookups.isLookupCached(secret));
    }

    @Test
    void aPathOutOfTheDentryCacheWouldBlock() throws IOException {
        assumeTrue(TestFiles.isRoot(), "dropping the kernel's caches needs root");
        Path deep = dir.resolve("cold").resolve("a").resolve("b");
        Files.createDirectories(deep);
        Path cold = deep.resolve("cold.bin");
        Files.write(cold, new byte[4096]);
        long fds = openFds();
        dropDentries();
        assertNull(FileLookups.openCached(cold, AioFiles.O_RDONLY), "EAGAIN: a component had to be read");
        dropDentries();
        assertFalse(FileLookups.isLookupCached(cold));
        Files.readAttributes(cold, BasicFileAttributes.class); // the blocking lookup fills the cache
        assertTrue(FileLookups.isLookupCached(cold));
        try (AioFileDescriptor fd = FileLookups.openCached(cold, AioFiles.O_RDONLY)) {
            assertNotNull(fd);
        }
        assertEquals(fds, openFds(), "descriptors left open");
    }

    /** Frees the unused dentries and inodes of the whole machine ({@code drop_caches} 2; the page cache stays). */
    static void dropDentries() throws IOException {
        Files.write(Paths.get("/proc/sys/vm/drop_caches"), "2\n".getBytes());
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
