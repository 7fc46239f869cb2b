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

import io.netty.contrib.channel.aio.AioContext;
import io.netty.contrib.channel.aio.AioControlBlock;
import io.netty.contrib.channel.aio.AioEvent;
import io.netty.contrib.channel.aio.AioFileDescriptor;
import io.netty.contrib.channel.aio.AioFiles;
import io.netty.contrib.channel.aio.PageCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The fixed cost of one read through the binding, against the JDK's plain read of the same bytes: an
 * {@code IOCB_CMD_PREAD} of {@code /dev/zero} submitted and reaped (io_submit + io_getevents, JNI both ways), a
 * {@code FileChannel.read} of {@code /dev/zero}, and the page-cache check the handler makes per chunk
 * ({@code cachestat}). {@code /dev/zero} keeps the disk out: what is left is the call overhead and the copy.
 * <p>
 * {@code java -cp microbench/target/load-bench.jar org.openjdk.jmh.Main AioReadBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AioReadBenchmark {

    @Param({"4096", "1048576"})
    public int size;

    private AioContext context;
    private AioFileDescriptor zero;
    private AioControlBlock iocb;
    private final AioEvent[] events = new AioEvent[1];
    private ByteBuffer buffer;
    private FileChannel zeroChannel;
    private AioFileDescriptor cached;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        context = new AioContext(8);
        zero = AioFiles.open(new File("/dev/zero"), AioFiles.O_RDONLY);
        buffer = ByteBuffer.allocateDirect(size);
        iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(zero.intValue()).buffer(buffer);
        zeroChannel = FileChannel.open(new File("/dev/zero").toPath(), StandardOpenOption.READ);
        File file = File.createTempFile("aio-bench", ".bin", new File(System.getProperty("java.io.tmpdir")));
        file.deleteOnExit();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.write(new byte[1 << 20]);
        }
        cached = AioFiles.open(file, AioFiles.O_RDONLY);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        context.close();
        zero.close();
        zeroChannel.close();
        cached.close();
    }

    @Benchmark
    public long aioSubmitAndReap() throws IOException {
        context.submit(iocb);
        context.getEvents(1, events, (Duration) null);
        return events[0].res();
    }

    @Benchmark
    public int fileChannelRead() throws IOException {
        buffer.clear();
        return zeroChannel.read(buffer, 0);
    }

    @Benchmark
    public boolean pageCacheCheck() throws IOException {
        return PageCache.isResident(cached, 0, size);
    }
}
