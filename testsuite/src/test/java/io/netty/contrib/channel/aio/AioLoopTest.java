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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-loop AIO state on a real epoll loop ({@link AioIoUringLoopTest}: io_uring): batching, completion dispatch, a
 * refused read failing alone.
 */
class AioLoopTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    /** One loop per test, and the buffers the test lent to reads (released once the test is done). */
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private final List<ByteBuf> buffers = new ArrayList<>();

    @BeforeEach
    void startLoop() {
        Aio.ensureAvailability();
        group = new MultiThreadIoEventLoopGroup(1, ioHandlerFactory());
        loop = (IoEventLoop) group.next();
    }

    /** The loop's transport. */
    IoHandlerFactory ioHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    @AfterEach
    void stopLoop() throws InterruptedException {
        buffers.forEach(ByteBuf::release);
        if (group != null) {
            group.shutdownGracefully(0, 5000, TimeUnit.MILLISECONDS).sync();
        }
    }

    private static final class TestRead extends AioOperation {
        final CompletableFuture<Long> result = new CompletableFuture<>();

        TestRead(int fd, ByteBuf buf, int index, int length, long offset) {
            this.fd = fd;
            this.buffer = buf;
            this.index = index;
            this.length = length;
            this.offset = offset;
        }

        @Override
        void completed(long res) {
            result.complete(res);
        }

        @Override
        void aborted(AioOperation.Abort reason) {
            result.completeExceptionally(new AssertionError("aborted: " + reason));
        }

        @Override
        boolean isCancelled() {
            return false;
        }
    }

    @Test
    void aRefusedReadFailsAloneAndTheRestOfItsBatchCompletes() throws Exception {
        File file = TestFiles.create(TestFiles.directory("loop"), "loop.bin", 1 << 20, 31);
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT);
             AioFileDescriptor writeOnly = AioFiles.open(file, AioFiles.O_WRONLY)) {
            List<TestRead> reads = new ArrayList<>();
            AioMetrics metrics = LoopRecorders.of(loop).view;
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, AioLoopConfig.DEFAULT);
                assertNotNull(aio);
                // One loop iteration, one batch: good, refused (EBADF: not open for reading), good.
                for (int i = 0; i < 3; i++) {
                    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8192 + 4096);
                    buffers.add(buf);
                    int index = (int) ((4096 - (buf.memoryAddress() & 4095)) & 4095);
                    TestRead read = new TestRead(i == 1 ? writeOnly.intValue() : direct.intValue(), buf, index, 8192,
                            i * 65536L);
                    reads.add(read);
                    aio.submit(read);
                }
            }).sync();
            assertEquals(8192L, reads.get(0).result.get(10, TimeUnit.SECONDS));
            assertEquals(-(long) Native.EBADF, reads.get(1).result.get(10, TimeUnit.SECONDS));
            assertEquals(8192L, reads.get(2).result.get(10, TimeUnit.SECONDS));
            byte[] got = new byte[8192];
            ByteBuf third = buffers.get(2);
            third.getBytes(reads.get(2).index, got);
            assertArrayEquals(TestFiles.read(file, 2 * 65536L, 8192), got);
            assertEquals(2, metrics.readsCompleted(), metrics.toString());
            assertEquals(0, metrics.inFlight(), metrics.toString());
        }
    }

    @Test
    void aLoopKeepsItsFirstConfigurationAndSaysOnceThatAnotherIsNotUsed() throws Exception {
        AioLoopConfig first = AioLoopConfig.builder().memoryBudgetBytes(32 << 20).build();
        AioLoopConfig same = AioLoopConfig.builder().memoryBudgetBytes(32 << 20).build();
        AioLoopConfig other = AioLoopConfig.builder().memoryBudgetBytes(16 << 20).build();
        assertEquals(first, same);
        assertEquals(first.hashCode(), same.hashCode());
        assertNotEquals(first, other);
        // A region configuration that names no loop settings takes the loop's as they are, without a warning.
        assertNull(AioFileRegionConfig.DEFAULT.requestedLoopConfig());
        assertSame(other, AioFileRegionConfig.builder().loopConfig(other).build().requestedLoopConfig());
        AioMetrics metrics = LoopRecorders.of(loop).view;
        try (TransportWarnings warnings = TransportWarnings.collect()) {
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, first);
                assertNotNull(aio);
                assertSame(aio, AioLoop.get(loop, same));
                assertSame(aio, AioLoop.get(loop, null), "no preference: the loop's");
                assertSame(aio, AioLoop.get(loop, other));
                assertSame(aio, AioLoop.get(loop, AioLoopConfig.DEFAULT));
            }).sync();
            assertEquals(32L << 20, metrics.memoryBudget(), "the first configuration's budget");
            List<String> messages = new ArrayList<>();
            warnings.records().forEach(r -> messages.add(r.getMessage()));
            assertEquals(1, messages.size(), messages.toString());
            assertTrue(messages.get(0).contains("is not used"), messages.get(0));
        }
    }

    @Test
    void oneSubmitPassTakesEveryQueuedReadThatFits() throws Exception {
        File file = TestFiles.create(TestFiles.directory("loop"), "pass.bin", 1 << 20, 32);
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            List<TestRead> reads = new ArrayList<>();
            AioMetrics metrics = LoopRecorders.of(loop).view;
            CompletableFuture<Long> firstPass = new CompletableFuture<>();
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, AioLoopConfig.DEFAULT);
                assertNotNull(aio);
                // 100 reads asked for in one iteration, 128 slots free: one io_submit takes them all.
                for (int i = 0; i < 100; i++) {
                    ByteBuf buf = alignedBuffer();
                    TestRead read = new TestRead(direct.intValue(), buf, index(buf), 4096, i * 4096L);
                    reads.add(read);
                    aio.submit(read);
                }
                // Runs right after the submit task that the first read scheduled.
                loop.execute(() -> firstPass.complete(metrics.readsSubmitted()));
            }).sync();
            assertEquals(100L, firstPass.get(10, TimeUnit.SECONDS), "reads submitted by the first pass");
            for (TestRead read : reads) {
                assertEquals(4096L, read.result.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aSpentCompletionBudgetComesBackForTheRest() throws Exception {
        File file = TestFiles.create(TestFiles.directory("loop"), "budget.bin", 1 << 20, 35);
        // A budget of one 4 KiB read per wake-up: each wake-up leaves the rest for a later one.
        AioLoopConfig config = AioLoopConfig.builder().completionBudgetBytes(4096).build();
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            List<TestRead> reads = new ArrayList<>();
            AioMetrics metrics = LoopRecorders.of(loop).view;
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, config);
                assertNotNull(aio);
                for (int i = 0; i < 50; i++) {
                    ByteBuf buf = alignedBuffer();
                    TestRead read = new TestRead(direct.intValue(), buf, index(buf), 4096, i * 8192L);
                    reads.add(read);
                    aio.submit(read);
                }
            }).sync();
            for (TestRead read : reads) {
                assertEquals(4096L, read.result.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, metrics.maxCompletionsPerWakeUp(), metrics.toString());
            assertEquals(50, metrics.readsCompleted(), metrics.toString());
        }
    }

    @Test
    void aGoodReadQueuedBehindManyRefusedOnesIsSubmittedWithoutOtherActivity() throws Exception {
        File file = TestFiles.create(TestFiles.directory("loop"), "behind.bin", 1 << 20, 33);
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT);
             AioFileDescriptor writeOnly = AioFiles.open(file, AioFiles.O_WRONLY)) {
            List<TestRead> refused = new ArrayList<>();
            AioMetrics metrics = LoopRecorders.of(loop).view;
            TestRead[] good = new TestRead[1];
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, AioLoopConfig.DEFAULT);
                assertNotNull(aio);
                // More refused reads (EBADF) than one pass can take, then one good read: nothing else happens on
                // the loop, so only the loop itself can bring the good read to the kernel.
                for (int i = 0; i < 200; i++) {
                    TestRead read = new TestRead(writeOnly.intValue(), alignedBuffer(), 0, 4096, 0);
                    read.index = index(read.buffer);
                    refused.add(read);
                    aio.submit(read);
                }
                ByteBuf buf = alignedBuffer();
                good[0] = new TestRead(direct.intValue(), buf, index(buf), 4096, 8192);
                aio.submit(good[0]);
            }).sync();
            assertEquals(4096L, good[0].result.get(10, TimeUnit.SECONDS));
            for (TestRead read : refused) {
                assertEquals(-(long) Native.EBADF, read.result.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void readsStillInFlightWhenTheDrainTimeoutEndsAreEndedAndFreed() throws Exception {
        File file = TestFiles.create(TestFiles.directory("loop"), "stranded.bin", 64 << 20, 34);
        // No time at all to drain: io_destroy waits for the reads, and their owners must still hear of them.
        AioLoopConfig config = AioLoopConfig.builder().maxInFlight(256).drainTimeout(Duration.ZERO).build();
        List<EndOnce> reads = new ArrayList<>();
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, config);
                assertNotNull(aio);
                for (int i = 0; i < 200; i++) {
                    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer((256 << 10) + 4096);
                    EndOnce read = new EndOnce(direct.intValue(), buf, index(buf), 256 << 10, (i % 256) * (256L << 10));
                    reads.add(read);
                    aio.submit(read);
                }
                // After the submit task: the loop shuts down with the reads on the disk.
                loop.execute(() -> group.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS));
            }).sync();
            assertTrue(group.awaitTermination(30, TimeUnit.SECONDS));
            // The loop's AIO state was closed on its thread before it terminated; the check waits for it anyway.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reads.stream().anyMatch(r -> r.ends.get() == 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            for (EndOnce read : reads) {
                assertEquals(1, read.ends.get(), "ends of " + read);
                assertEquals(0, read.buffer.refCnt(), "buffer of " + read);
            }
        }
    }

    @Test
    void aLongLoopIterationShowsInTheLoopLag() throws Exception {
        AioMetrics metrics = AioMetrics.of(loop);
        loop.submit(() -> assertNotNull(AioLoop.get(loop, AioLoopConfig.DEFAULT))).sync();
        Thread.sleep(100); // samples of an idle loop
        long idle = metrics.loopLagNanos(0.5);
        assertTrue(idle > 0 && idle < TimeUnit.MILLISECONDS.toNanos(20), "idle median lag: " + idle);
        loop.submit(() -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // an iteration that does not return for 60 ms
            }
        }).sync();
        Thread.sleep(50);
        assertTrue(metrics.maxLoopLagNanos() >= TimeUnit.MILLISECONDS.toNanos(40), metrics.toString());
        assertTrue(metrics.loopLagNanos(1.0) >= TimeUnit.MILLISECONDS.toNanos(40), metrics.toString());
    }

    /** A read that frees its buffer when it ends, and counts how many times it was ended. */
    private static final class EndOnce extends AioOperation {
        final AtomicInteger ends = new AtomicInteger();

        EndOnce(int fd, ByteBuf buf, int index, int length, long offset) {
            this.fd = fd;
            this.buffer = buf;
            this.index = index;
            this.length = length;
            this.offset = offset;
        }

        @Override
        void completed(long res) {
            end();
        }

        @Override
        void aborted(AioOperation.Abort reason) {
            end();
        }

        private void end() {
            if (ends.incrementAndGet() == 1) {
                buffer.release();
            }
        }

        @Override
        boolean isCancelled() {
            return false;
        }
    }

    /** A pooled direct buffer with room for a 4 KiB-aligned 4 KiB read; released after the test. */
    private ByteBuf alignedBuffer() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8192);
        buffers.add(buf);
        return buf;
    }

    private static int index(ByteBuf buf) {
        return (int) ((4096 - (buf.memoryAddress() & 4095)) & 4095);
    }
}
