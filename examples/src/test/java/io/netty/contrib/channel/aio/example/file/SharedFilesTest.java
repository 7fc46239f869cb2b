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

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.FileDescriptor;
import io.netty.contrib.channel.aio.AioFiles;
import io.netty.contrib.channel.aio.FileLookups;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regions of the same file sharing one descriptor: a response's own is closed when another already has the file
 * open, the shared one closes with the last region, and a file replaced under its name gets a descriptor of its own.
 */
class SharedFilesTest {

    private static Path dir;
    private static File file;

    private final SharedFiles files = new SharedFiles();

    @BeforeAll
    static void createFile() throws IOException {
        dir = TestFiles.directory("shared-files");
        file = TestFiles.create(dir, "a.bin", 100_003, 3);
    }

    private static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    /** A region of {@code file}, keyed as the file server keys it: by the {@code fstat} of its descriptor. */
    private DefaultFileRegion region(FileChannel file, long position, long count) throws IOException {
        BasicFileAttributes attrs = FileLookups.attributes(new FileDescriptor(AioFiles.fd(file)));
        Object key = SharedFiles.key(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().toMillis());
        return files.region(file, key, position, count);
    }

    /** The region's bytes, as a socket would get them. */
    private static byte[] sent(DefaultFileRegion region) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WritableByteChannel sink = Channels.newChannel(out)) {
            while (region.transferred() < region.count()) {
                region.transferTo(sink, region.transferred());
            }
        }
        return out.toByteArray();
    }

    @Test
    void regionsOfOneFileShareTheFirstResponsesDescriptorUntilTheLastIsReleased() throws IOException {
        FileChannel first = open(file.toPath());
        FileChannel second = open(file.toPath());
        DefaultFileRegion a = region(first, 0, 100);
        DefaultFileRegion b = region(second, 50_000, 50_003);
        assertFalse(second.isOpen(), "the second response's own descriptor is closed at once");
        assertTrue(first.isOpen());
        assertEquals(1, files.size());
        assertArrayEquals(TestFiles.read(file, 0, 100), sent(a));

        assertTrue(a.release());
        assertTrue(first.isOpen(), "another region still sends the file");
        assertArrayEquals(TestFiles.read(file, 50_000, 50_003), sent(b),
                "the region reads the shared descriptor after the region that opened it is gone");
        assertTrue(b.release());
        assertFalse(first.isOpen(), "closed with the last region");
        assertEquals(0, files.size());

        FileChannel third = open(file.toPath());
        DefaultFileRegion c = region(third, 0, 100);
        assertTrue(third.isOpen(), "a file no region sends is opened afresh");
        assertArrayEquals(TestFiles.read(file, 0, 100), sent(c));
        c.release();
        assertFalse(third.isOpen());
    }

    @Test
    void aFileReplacedUnderItsNameIsNotServedFromTheOldOnesDescriptor() throws IOException {
        Path path = dir.resolve("replaced.bin");
        File old = TestFiles.create(dir, "replaced.bin", 4096, 5);
        byte[] oldBytes = TestFiles.read(old, 0, 4096);
        DefaultFileRegion before = region(open(path), 0, 4096);
        File next = TestFiles.create(dir, "next.bin", 4096, 6);
        byte[] newBytes = TestFiles.read(next, 0, 4096);
        Files.move(next.toPath(), path, StandardCopyOption.REPLACE_EXISTING);

        FileChannel mine = open(path);
        DefaultFileRegion after = region(mine, 0, 4096);
        assertTrue(mine.isOpen(), "another inode: a descriptor of its own");
        assertEquals(2, files.size());
        assertArrayEquals(newBytes, sent(after));
        assertArrayEquals(oldBytes, sent(before));
        before.release();
        after.release();
        assertEquals(0, files.size());
    }

    @Test
    void aFileChangedInPlaceIsAnotherVersionWithADescriptorOfItsOwn() throws IOException {
        Path path = dir.resolve("changed.bin");
        File changed = TestFiles.create(dir, "changed.bin", 4096, 7);
        FileChannel firstOpen = open(path);
        DefaultFileRegion before = region(firstOpen, 0, 4096);
        FileChannel sameVersion = open(path);
        DefaultFileRegion again = region(sameVersion, 0, 4096);
        assertFalse(sameVersion.isOpen(), "the same version: shared");

        Files.setLastModifiedTime(path, FileTime.fromMillis(Files.getLastModifiedTime(path).toMillis() - 60_000));
        FileChannel touched = open(path);
        DefaultFileRegion after = region(touched, 0, 4096);
        assertTrue(touched.isOpen(), "another modification time: not shared, though the inode is the same");
        assertEquals(2, files.size());
        assertArrayEquals(TestFiles.read(changed, 0, 4096), sent(after));
        before.release();
        again.release();
        assertFalse(firstOpen.isOpen());
        after.release();
        assertFalse(touched.isOpen());
        assertEquals(0, files.size());
    }

    @Test
    void regionsMadeAndReleasedOnManyThreadsNeverSendFromAClosedDescriptor() throws Exception {
        byte[] expected = TestFiles.read(file, 1000, 64);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        DefaultFileRegion region = region(open(file.toPath()), 1000, 64);
                        try {
                            assertArrayEquals(expected, sent(region));
                        } finally {
                            region.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(0, files.size(), "every region released: nothing left open");
        assertEquals(0, TestServers.ownAndDirectFilesUnder(file.toPath().toAbsolutePath())[0]);
    }
}
