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

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * What {@code fstat(2)} tells about an open file, as {@link BasicFileAttributes}: see
 * {@link FileLookups#attributes}.
 */
final class FileAttributes implements BasicFileAttributes {

    /** The slots that {@code Native.fstat0} fills. */
    static final int SLOTS = 8;

    /** {@code S_IFMT} and the file types of {@code inode(7)}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    private final int mode;
    private final long size;
    private final long mtimeSeconds;
    private final long mtimeNanos;
    private final long atimeSeconds;
    private final long atimeNanos;
    private final FileKey key;

    FileAttributes(long[] out) {
        // IMPORTANT: the layout of out needs to be consistent with netty_aio_fstat0 in netty_aio_native.c.
        mode = (int) out[0];
        size = out[1];
        mtimeSeconds = out[2];
        mtimeNanos = out[3];
        atimeSeconds = out[4];
        atimeNanos = out[5];
        // inode 0 is no file's: the slots were left empty (a native library older than this class)
        key = out[7] == 0 ? null : new FileKey(out[6], out[7]);
    }

    private static FileTime time(long seconds, long nanos) {
        return FileTime.from(TimeUnit.SECONDS.toNanos(seconds) + nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public FileTime lastModifiedTime() {
        return time(mtimeSeconds, mtimeNanos);
    }

    @Override
    public FileTime lastAccessTime() {
        return time(atimeSeconds, atimeNanos);
    }

    /** {@code fstat(2)} has no birth time: the modification time, as {@link BasicFileAttributes} allows. */
    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    @Override
    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** Always {@code false} for an open descriptor, unless it was opened with {@code O_PATH | O_NOFOLLOW}. */
    @Override
    public boolean isSymbolicLink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    @Override
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    @Override
    public long size() {
        return size;
    }

    /**
     * The file's device and inode: equal for two descriptors of the same file, as the JDK's own file keys are;
     * {@code null} if the native library did not report them.
     */
    @Override
    public Object fileKey() {
        return key;
    }

    @Override
    public String toString() {
        return "FileAttributes(mode: " + Integer.toOctalString(mode) + ", size: " + size + ')';
    }
}
