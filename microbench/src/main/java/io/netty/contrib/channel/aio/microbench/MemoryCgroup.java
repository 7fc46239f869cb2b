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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * A cgroup v1 memory group ({@code /sys/fs/cgroup/memory/<name>}) with a {@code memory.limit_in_bytes}: the page
 * cache that the processes in it fill is charged to it and bounded by the limit, so a file set larger than the limit
 * cannot all be cached, whatever the machine's memory. Needs root and the v1 memory controller.
 */
final class MemoryCgroup implements AutoCloseable {
    static final Path V1 = Paths.get("/sys/fs/cgroup/memory");

    private final Path dir;

    private MemoryCgroup(Path dir) {
        this.dir = dir;
    }

    /** Why a group cannot be made here, or {@code null} if it can. */
    static String unavailableReason() {
        if (!Tools.isRoot()) {
            return "not root";
        }
        if (!Files.isWritable(V1.resolve("cgroup.procs"))) {
            return "no cgroup v1 memory controller at " + V1;
        }
        return null;
    }

    static MemoryCgroup create(String name, long limitBytes) throws IOException {
        Path dir = V1.resolve(name);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
        }
        write(dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
        return new MemoryCgroup(dir);
    }

    Path procs() {
        return dir.resolve("cgroup.procs");
    }

    /** The page cache charged to the group now ({@code total_cache} of {@code memory.stat}, else {@code cache}). */
    long cacheBytes() throws IOException {
        long cache = -1;
        for (String line : Files.readAllLines(dir.resolve("memory.stat"), StandardCharsets.US_ASCII)) {
            String[] kv = line.split(" ");
            if (kv[0].equals("total_cache")) {
                return Long.parseLong(kv[1]);
            }
            if (kv[0].equals("cache")) {
                cache = Long.parseLong(kv[1]);
            }
        }
        return cache;
    }

    /** Removes the group (after its processes have gone); its remaining page cache moves to the parent. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = 0; i < 50; i++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("could not remove " + dir);
    }

    private static void write(Path file, String value) throws IOException {
        Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code sync}, then {@code echo 3 > /proc/sys/vm/drop_caches} (root): the whole page cache, cold. */
    static void dropCaches() throws IOException, InterruptedException {
        Tools.run(List.of("sync"), 300);
        write(Paths.get("/proc/sys/vm/drop_caches"), "3");
    }
}
