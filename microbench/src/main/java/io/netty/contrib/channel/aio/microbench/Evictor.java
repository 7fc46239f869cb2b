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

import io.netty.contrib.channel.aio.AioFileDescriptor;
import io.netty.contrib.channel.aio.AioFiles;
import io.netty.contrib.channel.aio.PageCache;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps a load cold: wrk's Lua writes the number of each file into a FIFO just before it sends the request for it,
 * and this thread (in the benchmark's process, not the server's) drops that file from the page cache with
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)} as soon as it reads the number. Since the walk asks for a file again
 * only after every other file of its slice, the server finds each file out of the page cache.
 */
final class Evictor implements AutoCloseable {
    private final FileSet files;
    private final Path fifo;
    private final RandomAccessFile pipe;
    private final AioFileDescriptor[] fds;
    private final Thread thread;
    private volatile long evictions;
    private volatile IOException failure;

    Evictor(FileSet files, Path workDir) throws IOException, InterruptedException {
        this.files = files;
        fifo = workDir.resolve("evict.fifo");
        Files.deleteIfExists(fifo);
        if (Tools.run(List.of("mkfifo", fifo.toString()), 10) != 0) {
            throw new IOException("mkfifo " + fifo + " failed");
        }
        // Read and write: opening never blocks, and wrk's writers may come and go.
        pipe = new RandomAccessFile(fifo.toFile(), "rw");
        fds = new AioFileDescriptor[files.count];
        thread = new Thread(this::run, "evictor");
        thread.setDaemon(true);
        thread.start();
    }

    Path fifo() {
        return fifo;
    }

    long evictions() {
        return evictions;
    }

    private void run() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(pipe.getFD()),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                int i = Integer.parseInt(line.trim());
                if (i < 0) {
                    return;
                }
                if (fds[i] == null) {
                    fds[i] = AioFiles.open(files.file(i), AioFiles.O_RDONLY | AioFiles.O_CLOEXEC);
                }
                PageCache.evict(fds[i], 0, 0);
                evictions++;
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException ? (IOException) e : new IOException(e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        pipe.write("-1\n".getBytes(StandardCharsets.US_ASCII));
        thread.join(10_000);
        pipe.close();
        for (AioFileDescriptor fd : fds) {
            if (fd != null) {
                fd.close();
            }
        }
        Files.deleteIfExists(fifo);
        if (failure != null) {
            throw failure;
        }
    }
}
