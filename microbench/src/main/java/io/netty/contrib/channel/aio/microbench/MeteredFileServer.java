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

import io.netty.contrib.channel.aio.example.file.FileServer;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The file server ({@link FileServer#main}) with a sampler of its direct memory: every 50 ms, the JDK's direct
 * buffers ({@link BufferPoolMXBean} "direct": {@code ByteBuffer.allocateDirect}, which Netty's pooled allocator uses
 * on Java 17 without extra flags), plus Netty's own count when it allocates without a cleaner (then its buffers are
 * not in the JDK's pool).
 * Whenever the peak grows, it is written to the file named by the first argument, which the load benchmark reads
 * after a cell. Arguments after the first are the server's own.
 */
public final class MeteredFileServer {

    private MeteredFileServer() {
    }

    public static void main(String[] args) throws Exception {
        Path peakFile = Paths.get(args[0]);
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        BufferPoolMXBean direct = pools.stream().filter(p -> p.getName().equals("direct")).findFirst().orElse(null);
        Thread sampler = new Thread(() -> sample(peakFile, direct), "direct-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
        FileServer.main(Arrays.copyOfRange(args, 1, args.length));
    }

    private static void sample(Path peakFile, BufferPoolMXBean direct) {
        long peak = -1;
        // Netty counts the buffers it allocates with a cleaner too, and those are in the JDK's pool already.
        boolean noCleaner = PlatformDependent.useDirectBufferNoCleaner();
        Path tmp = peakFile.resolveSibling(peakFile.getFileName() + ".tmp");
        try {
            for (;;) {
                long nettyOwn = noCleaner ? Math.max(0, PlatformDependent.usedDirectMemory()) : 0;
                long used = (direct == null ? 0 : direct.getMemoryUsed()) + nettyOwn;
                if (used > peak) {
                    peak = used;
                    Files.write(tmp, Long.toString(peak).getBytes(StandardCharsets.US_ASCII));
                    Files.move(tmp, peakFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            System.err.println("direct-memory-sampler: stopped: " + e);
        }
    }
}
