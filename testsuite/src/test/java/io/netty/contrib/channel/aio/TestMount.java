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
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file system mounted under {@code target/} for one test class (root only): a fresh XFS or btrfs in a sparse image
 * on a loop device, or a fresh tmpfs. Where something it needs is missing (root, the {@code mkfs} tool, a loop device,
 * the kernel's support) it aborts the test with an assumption that names what is missing. {@link #close()} unmounts
 * and detaches the loop device, also after a failed test; a mount left behind by a killed run is removed first.
 */
final class TestMount implements AutoCloseable {

    /** The file system's type as {@code mount -t} names it. */
    final String type;
    /** Where it is mounted. */
    final Path dir;
    /** The loop device, or {@code null} for tmpfs. */
    final String device;
    private final Path image;

    private TestMount(String type, Path dir, String device, Path image) {
        this.type = type;
        this.dir = dir;
        this.device = device;
        this.image = image;
    }

    /**
     * Makes a {@code type} file system ({@code mkfs.<type>}) in a sparse image of {@code size} bytes under
     * {@code target/}, attaches it to a free loop device (with direct I/O to the image where the file system underneath
     * allows it, so that a cold read reaches the disk) and mounts it.
     */
    static TestMount loop(String type, long size) throws IOException, InterruptedException {
        return loop(type, size, 512);
    }

    /**
     * As {@link #loop(String, long)}, on a loop device with logical sectors of {@code sectorSize} bytes (4096: a
     * "4Kn" disk, whose file systems refuse direct I/O aligned only to 512). The mount point is named after the type
     * and the sector size.
     */
    static TestMount loop(String type, long size, int sectorSize) throws IOException, InterruptedException {
        assumeRoot(type);
        String mkfs = "mkfs." + type;
        assumeTrue(onPath(mkfs) != null, mkfs + " is not installed (Debian package "
                + (type.equals("btrfs") ? "btrfs-progs" : type + "progs") + ')');
        assumeTrue(onPath("losetup") != null, "losetup is not installed (util-linux)");
        assumeTrue(Files.exists(Paths.get("/dev/loop-control")) || Files.exists(Paths.get("/dev/loop0")),
                "no loop devices (/dev/loop-control)");
        Path base = TestFiles.directory("mounts");
        String name = sectorSize == 512 ? type : type + '-' + sectorSize;
        Path dir = base.resolve(name);
        Path image = base.resolve(name + ".img");
        cleanUp(dir, image);
        Files.createDirectories(dir);
        Files.deleteIfExists(image);
        try (RandomAccessFile raf = new RandomAccessFile(image.toFile(), "rw")) {
            raf.setLength(size); // sparse
        }
        // mkfs on the image does not see the device's sector size: it is told (mkfs.xfs -s; btrfs uses 4096 anyway).
        Result made = sectorSize != 512 && type.equals("xfs")
                ? run(mkfs, "-q", "-f", "-s", "size=" + sectorSize, image.toString())
                : run(mkfs, "-q", "-f", image.toString());
        assumeTrue(made.ok(), mkfs + " failed: " + made);
        String sectors = "--sector-size=" + sectorSize;
        Result attached = run("losetup", "--find", "--show", "--direct-io=on", sectors, image.toString());
        if (!attached.ok()) {
            attached = run("losetup", "--find", "--show", sectors, image.toString());
        }
        assumeTrue(attached.ok() && attached.out.startsWith("/dev/"), "no free loop device: " + attached);
        String device = attached.out.trim();
        Result mounted = run("mount", "-t", type, device, dir.toString());
        if (!mounted.ok()) {
            run("losetup", "-d", device);
            Files.deleteIfExists(image);
        }
        assumeTrue(mounted.ok(), "could not mount " + type + " (is it in /proc/filesystems?): " + mounted);
        return new TestMount(type, dir, device, image);
    }

    /** Mounts a fresh tmpfs of at most {@code size} bytes. */
    static TestMount tmpfs(long size) throws IOException, InterruptedException {
        assumeRoot("tmpfs");
        Path dir = TestFiles.directory("mounts").resolve("tmpfs");
        cleanUp(dir, null);
        Files.createDirectories(dir);
        Result mounted = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        assumeTrue(mounted.ok(), "could not mount a tmpfs: " + mounted);
        return new TestMount("tmpfs", dir, null, null);
    }

    /** {@code true} if the loop device reads its image with direct I/O (so cold reads reach the disk). */
    boolean loopDirectIo() {
        if (device == null) {
            return false;
        }
        Path dio = Paths.get("/sys/block", Paths.get(device).getFileName().toString(), "loop", "dio");
        return Files.isReadable(dio) && "1".equals(LeakAndContextCheck.readProc(dio.toString()));
    }

    /** A file of pseudo-random bytes on this file system, written back to it and evicted from the page cache. */
    File coldFile(String name, long size, long seed) throws IOException {
        File file = TestFiles.create(dir, name, size, seed);
        PageCache.evict(file);
        return file;
    }

    @Override
    public String toString() {
        return type + (device != null ? " on " + device + (loopDirectIo() ? " (direct I/O)" : " (buffered)") : "")
                + " at " + dir;
    }

    /** Unmounts (lazily if something still holds it open), detaches the loop device and deletes the image. */
    @Override
    public void close() throws IOException, InterruptedException {
        cleanUp(dir, image);
    }

    private static void cleanUp(Path dir, Path image) throws IOException, InterruptedException {
        String mountPoint = (Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath()).toString();
        if (isMountPoint(mountPoint)) {
            Result unmounted = run("umount", mountPoint);
            if (!unmounted.ok()) {
                // An open descriptor keeps it busy (a failed test): detach it now, it goes when the last one closes.
                Result lazy = run("umount", "-l", mountPoint);
                if (!lazy.ok()) {
                    throw new IOException("could not unmount " + mountPoint + ": " + unmounted + "; " + lazy);
                }
            }
        }
        if (image != null && Files.exists(image)) {
            // A device still attached to the image (mount failed half-way, or a killed run): detach it. A busy
            // device is detached when it is closed (losetup -d sets autoclear).
            Result attached = run("losetup", "-j", image.toString());
            for (String line : attached.out.split("\n")) {
                int colon = line.indexOf(':');
                if (line.startsWith("/dev/") && colon > 0) {
                    run("losetup", "-d", line.substring(0, colon));
                }
            }
            Files.deleteIfExists(image);
        }
    }

    private static boolean isMountPoint(String path) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/mounts"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            // Spaces in mount points are escaped as \040; ours have none.
            if (fields.length > 1 && fields[1].equals(path)) {
                return true;
            }
        }
        return false;
    }

    private static void assumeRoot(String what) {
        assumeTrue(TestFiles.isRoot(), "mounting " + what + " needs root");
    }

    /** The executable's path, searched in PATH and in the sbin directories (not always on a user's PATH). */
    private static String onPath(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(Arrays.asList("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Paths.get(d, name))) {
                return Paths.get(d, name).toString();
            }
        }
        return null;
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        String executable = onPath(command[0]);
        if (executable == null) {
            return new Result(-1, command[0] + ": not found");
        }
        command[0] = executable;
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, String.join(" ", command) + ": no answer within 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out);
    }

    private static final class Result {
        final int exit;
        final String out;

        Result(int exit, String out) {
            this.exit = exit;
            this.out = out;
        }

        boolean ok() {
            return exit == 0;
        }

        @Override
        public String toString() {
            return "exit " + exit + ": " + out.trim();
        }
    }
}
