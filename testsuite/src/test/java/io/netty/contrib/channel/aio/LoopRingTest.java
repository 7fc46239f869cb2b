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
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LoopRing}, the loop's own context: operations found again by slot, completions reaped from the kernel's ring
 * in user space (and, to compare, with {@code io_getevents}), across many turns of the ring.
 */
class LoopRingTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final int BLOCK = 4096;

    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Aio.ensureAvailability();
        dir = TestFiles.directory("loop-ring");
    }

    @ParameterizedTest(name = "reaped in user space: {0}")
    @ValueSource(booleans = {true, false})
    void everyReadCompletesOnceWithItsBytesAcrossManyTurnsOfTheRing(boolean userSpace) throws Exception {
        int blocks = 64;
        File file = TestFiles.create(dir, "ring.bin", (long) blocks * BLOCK, 5);
        byte[] expected = TestFiles.read(file, 0, blocks * BLOCK);
        LoopRecorder metrics = new LoopRecorder();
        try (AioEventFd eventFd = new AioEventFd();
             AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            LoopRing ring = new LoopRing(8, 8, 5, eventFd.intValue(), metrics, userSpace);
            assertEquals(userSpace, ring.reapsInUserSpace(), ring.toString());
            List<Read> all = new ArrayList<>();
            try {
                // 640 reads, 8 at a time: the kernel's ring (a page of events or so) turns several times.
                for (int round = 0; round < 80; round++) {
                    List<Read> reads = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        Read read = new Read(fd.intValue(), (long) ((round * 8 + i) % blocks) * BLOCK);
                        ring.stage(read);
                        reads.add(read);
                    }
                    assertEquals(8, ring.staged());
                    assertEquals(8, ring.submit(), "all eight submitted");
                    assertEquals(8, ring.inFlight());
                    int reaped = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (reaped < 8 && System.nanoTime() < deadline) {
                        int n = ring.reap(8);
                        assertTrue(n >= 0 && n <= 5, "at most the reap's bound: " + n);
                        for (int i = 0; i < n; i++) {
                            Read read = (Read) ring.takeReaped(i);
                            read.completed(ring.result(i));
                            assertNull(ring.takeReaped(i), "handed out once");
                        }
                        reaped += n;
                    }
                    assertEquals(8, reaped, "every read of round " + round + " reaped");
                    assertEquals(0, ring.inFlight());
                    all.addAll(reads);
                }
            } finally {
                assertEquals(0, ring.destroy());
            }
            assertEquals(0, ring.takeStranded().length, "nothing left in flight");
            for (Read read : all) {
                assertEquals(1, read.ends, "one end per read");
                assertEquals(BLOCK, read.res, "bytes read at " + read.offset);
                int at = (int) read.offset;
                byte[] want = Arrays.copyOfRange(expected, at, at + BLOCK);
                assertArrayEquals(want, read.bytes, "the bytes at " + at);
            }
            assertEquals(640, metrics.view.readsSubmitted());
            assertEquals(640, metrics.view.readsCompleted());
            assertEquals(640L * BLOCK, metrics.view.bytesRead());
        }
    }

    @Test
    void aRefusedFirstBlockIsTakenBackAndTheOthersStayStagedInOrder() throws Exception {
        File file = TestFiles.create(dir, "refused.bin", 2 * BLOCK, 6);
        LoopRecorder metrics = new LoopRecorder();
        try (AioEventFd eventFd = new AioEventFd();
             AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            LoopRing ring = new LoopRing(4, 4, 4, eventFd.intValue(), metrics);
            Read bad = new Read(1 << 30, 0); // no such descriptor
            Read good = new Read(fd.intValue(), BLOCK);
            Read last = new Read(fd.intValue(), 0);
            ring.stage(bad);
            ring.stage(good);
            ring.stage(last);
            try {
                assertEquals(-Native.EBADF, ring.submit(), "the kernel refuses the first block");
                assertSame(bad, ring.unstageFirst());
                bad.completed(-Native.EBADF);
                assertSame(last, ring.unstageLast(), "taken back from the end");
                last.aborted(AioOperation.Abort.CANCELLED);
                assertEquals(1, ring.staged());
                assertEquals(1, ring.submit());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int n = 0;
                while (n == 0 && System.nanoTime() < deadline) {
                    n = ring.await(4, TimeUnit.MILLISECONDS.toNanos(100));
                }
                assertEquals(1, n);
                assertSame(good, ring.takeReaped(0));
                assertEquals(BLOCK, ring.result(0));
                good.completed(ring.result(0));
            } finally {
                assertEquals(0, ring.destroy());
            }
            assertEquals(1, metrics.view.readsSubmitted(), "only what the kernel took");
            assertTrue(ring.hasRoom());
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void aValueThatIsNotAContextOfThisProcessHasNoRing() {
        assertNull(Native.ringBuffer(0));
        assertNull(Native.ringBuffer(12345));
        assertNull(Native.ringBuffer(-1));
    }

    /** A 4 KiB read into an aligned buffer of its own; what it got is kept when it completes. */
    private static final class Read extends AioOperation {
        private final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(2 * BLOCK);
        int ends;
        long res;
        byte[] bytes;

        Read(int fd, long offset) {
            this.fd = fd;
            this.offset = offset;
            buffer = buf;
            index = (int) ((BLOCK - (buf.memoryAddress() & (BLOCK - 1))) & (BLOCK - 1));
            length = BLOCK;
        }

        @Override
        void completed(long res) {
            ends++;
            this.res = res;
            if (res > 0) {
                bytes = ByteBufUtil.getBytes(buf, index, (int) res);
            }
            buf.release();
        }

        @Override
        void aborted(Abort reason) {
            ends++;
            buf.release();
        }

        @Override
        boolean isCancelled() {
            return false;
        }
    }
}
