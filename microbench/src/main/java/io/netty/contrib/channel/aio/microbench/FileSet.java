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
package io.netty.contrib.channel.aio.microbench;

import io.netty.contrib.channel.aio.PageCache;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;

/**
 * {@code count} files of {@code size} bytes under {@code root/<size>/f0 … f<count-1>}, created once and kept between
 * runs, and the 100-byte probe file {@code root/probe.bin}.
 */
final class FileSet {
    final Path root;
    final long size;
    final int count;
    /** Compressible generated HTML ({@code .html} files) rather than random bytes. */
    final boolean text;

    private FileSet(Path root, long size, int count, boolean text) {
        this.root = root;
        this.size = size;
        this.count = count;
        this.text = text;
    }

    static FileSet of(Path root, long size, int count) {
        return new FileSet(root, size, count, false);
    }

    /** A set of generated HTML files ({@link TextGenerator}), named {@code f<i>.html}. */
    static FileSet text(Path root, long size, int count) {
        return new FileSet(root, size, count, true);
    }

    /** The directory name of the set, also the first part of its URL paths: {@code 4k}, {@code 1m}. */
    String name() {
        String name;
        if (size % (1 << 20) == 0) {
            name = (size >> 20) + "m";
        } else {
            name = size % 1024 == 0 ? (size >> 10) + "k" : size + "b";
        }
        return text ? name + "-text" : name;
    }

    /** The URL path of file {@code i} without its number: {@code /1m/f}. */
    String pathPrefix() {
        return "/" + name() + "/f";
    }

    /** What follows the number in a file's name and URL path: {@code .html} for text, else nothing. */
    String pathSuffix() {
        return text ? ".html" : "";
    }

    /** The URL path of file {@code i}. */
    String path(int i) {
        return pathPrefix() + i + pathSuffix();
    }

    File file(int i) {
        return root.resolve(name()).resolve("f" + i + pathSuffix()).toFile();
    }

    long totalBytes() {
        return size * count;
    }

    /** Creates the files that are missing or of another size, and the probe file. */
    void create() throws IOException {
        Files.createDirectories(root.resolve(name()));
        Path probe = root.resolve("probe.bin");
        if (!Files.exists(probe) || Files.size(probe) != 100) {
            Files.write(probe, new byte[100]);
        }
        long missing = 0;
        for (int i = 0; i < count; i++) {
            missing += file(i).length() == size ? 0 : size;
        }
        long usable = Files.getFileStore(root.resolve(name())).getUsableSpace();
        // A gigabyte to spare: a full disk would fail the server's and the report's writes too.
        if (missing > 0 && missing > usable - (1L << 30)) {
            throw new IOException(String.format(Locale.ROOT, "%d files of %s need %.1f GiB more in %s, %.1f GiB"
                    + " free: fewer files (--files, --first-touch-files, ...) or another --dir", count,
                    BenchOptions.size(size), missing / (double) (1L << 30), root, usable / (double) (1L << 30)));
        }
        ByteBuffer data = null;
        for (int i = 0; i < count; i++) {
            File f = file(i);
            if (f.length() == size) {
                continue;
            }
            if (data == null) {
                byte[] bytes = new byte[(int) Math.min(size, 1 << 20)];
                if (text) {
                    TextGenerator.fill(bytes, size);
                } else {
                    new Random(size).nextBytes(bytes);
                }
                data = ByteBuffer.allocateDirect(bytes.length).put(bytes);
                System.out.printf(Locale.ROOT, "creating %d files of %s in %s%n", count, BenchOptions.size(size),
                        f.getParent());
            }
            try (FileChannel ch = FileChannel.open(f.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                long left = size;
                while (left > 0) {
                    data.clear().limit((int) Math.min(left, data.capacity()));
                    // The file's number in its first bytes: no two files of a set have the same content.
                    if (left == size && text) {
                        byte[] digits = String.format(Locale.ROOT, "%08d", i).getBytes(StandardCharsets.US_ASCII);
                        data.put(TextGenerator.NUMBER_OFFSET, digits);
                    } else if (left == size) {
                        data.putInt(0, i);
                    }
                    left -= ch.write(data);
                }
            }
            // Written pages are dirty: write them back now, so that eviction later really empties the cache.
            PageCache.evict(f);
        }
    }

    /** Reads every file that is not wholly in the page cache, so that all of them are. */
    void makeHot() throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (int i = 0; i < count; i++) {
            File f = file(i);
            if (PageCache.residentBytes(f, 0, size) >= size) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(f.toPath(), StandardOpenOption.READ)) {
                while (ch.read(buf.clear()) > 0) {
                    continue;
                }
            }
        }
    }

    /**
     * Reads the probe file, so that it is in the page cache: the probe measures a small cached request, and the aio
     * handler reads an uncached one with O_DIRECT, which never caches it (after a {@code drop_caches} it would stay
     * cold for good).
     */
    void makeProbeHot() throws IOException {
        Files.readAllBytes(root.resolve("probe.bin"));
    }

    /** Drops every file of the set from the page cache ({@code POSIX_FADV_DONTNEED}: no root needed). */
    void makeCold() throws IOException {
        for (int i = 0; i < count; i++) {
            PageCache.evict(file(i));
        }
    }

    /**
     * As root, {@code sync} and {@code echo 3 > /proc/sys/vm/drop_caches}: the whole page cache, and the dentries and
     * inodes, so that even opening a file reads the disk; else {@link #makeCold()}, which leaves the file system's
     * metadata cached. Returns {@code true} for the former.
     */
    boolean dropCaches() throws IOException, InterruptedException {
        if (Tools.isRoot()) {
            MemoryCgroup.dropCaches();
            return true;
        }
        makeCold();
        return false;
    }

    /** Bytes of the set in the page cache ({@code cachestat}). */
    long residentBytes() throws IOException {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += PageCache.residentBytes(file(i), 0, size);
        }
        return total;
    }
}
