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

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Test files on a real file system under {@code target/} (O_DIRECT does not mean much on tmpfs). */
public final class TestFiles {

    private TestFiles() {
    }

    /** A fresh directory under this module's {@code target/}. */
    public static Path directory(String name) throws IOException {
        Path dir = Paths.get("target", "aio-test-files", name).toAbsolutePath();
        Files.createDirectories(dir);
        return dir;
    }

    /** A file of {@code size} pseudo-random bytes (same seed, same bytes). */
    public static File create(Path dir, String name, long size, long seed) throws IOException {
        File file = dir.resolve(name).toFile();
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(0);
            long left = size;
            while (left > 0) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, left);
                raf.write(chunk, 0, n);
                left -= n;
            }
            // Written back now: dirty pages would stay in the page cache through an eviction until written back,
            // and a test that drops a file from the cache would depend on the disk's write-back timing.
            raf.getFD().sync();
        }
        return file;
    }

    /** The bytes of {@code [position, position + count)} of a file. */
    public static byte[] read(File file, long position, int count) throws IOException {
        byte[] bytes = new byte[count];
        try (RandomAccessFile raf = new RandomAccessFile(file, "r")) {
            raf.seek(position);
            raf.readFully(bytes);
        }
        return bytes;
    }

    /** SHA-256 of {@code [position, position + count)} of a file. */
    public static String sha256(File file, long position, long count) throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[1 << 16];
        try (RandomAccessFile raf = new RandomAccessFile(file, "r")) {
            raf.seek(position);
            long left = count;
            while (left > 0) {
                int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("file shorter than " + (position + count));
                }
                digest.update(buf, 0, n);
                left -= n;
            }
        }
        return hex(digest.digest());
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            digest.update(buf, 0, n);
        }
        return hex(digest.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /** {@code true} when running as root (tests that need it skip otherwise). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
