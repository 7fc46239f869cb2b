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
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@ExtendWith(LeakAndContextCheck.class)
class AioContextTest {

    private static Path dir;
    private static File file;

    @BeforeAll
    static void setUp() throws IOException {
        Aio.ensureAvailability();
        dir = TestFiles.directory("context");
        file = TestFiles.create(dir, "data.bin", 1 << 20, 42);
    }

    private static AioFileDescriptor openDirect() throws IOException {
        return AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT);
    }

    // vmm-sys-util's IoContext example: one IOCB_CMD_PREAD of /dev/zero.
    @Test
    void readsDevZeroWithOneControlBlock() throws IOException {
        try (AioContext ctx = new AioContext(128);
             AioFileDescriptor zero = AioFiles.open(new File("/dev/zero"), AioFiles.O_RDONLY)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            buf.put(0, (byte) 7);
            AioControlBlock iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(zero.intValue())
                    .buffer(buf).offset(0).data(0xBEEF);
            assertEquals(1, ctx.submit(iocb));
            assertTrue(iocb.isInFlight());
            AioEvent[] events = new AioEvent[1];
            assertEquals(1, ctx.getEvents(1, events, null));
            assertEquals(4096, events[0].res());
            assertEquals(0, events[0].res2());
            assertEquals(0xBEEF, events[0].data());
            assertEquals(iocb.address(), events[0].obj());
            assertSame(iocb, events[0].controlBlock());
            assertFalse(iocb.isInFlight());
            assertEquals(0, buf.get(0));
        }
    }

    // vmm-sys-util's IoContext example: two iocbs in one submit.
    @Test
    void readsDevZeroWithTwoControlBlocks() throws IOException {
        try (AioContext ctx = new AioContext(128);
             AioFileDescriptor zero = AioFiles.open(new File("/dev/zero"), AioFiles.O_RDONLY)) {
            AioControlBlock[] iocbs = new AioControlBlock[2];
            for (int i = 0; i < 2; i++) {
                iocbs[i] = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(zero.intValue())
                        .buffer(ByteBuffer.allocateDirect(512 * (i + 1))).data(i);
            }
            assertEquals(2, ctx.submit(iocbs));
            assertEquals(2, ctx.inFlight());
            AioEvent[] events = new AioEvent[2];
            int n = 0;
            while (n < 2) {
                AioEvent[] one = new AioEvent[2];
                int got = ctx.getEvents(1, one, Duration.ofSeconds(5));
                System.arraycopy(one, 0, events, n, got);
                n += got;
            }
            Arrays.sort(events, (a, b) -> Long.compare(a.data(), b.data()));
            assertEquals(512, events[0].res());
            assertEquals(1024, events[1].res());
            assertEquals(0, ctx.inFlight());
        }
    }

    @Test
    void constantsMatchTheKernelAbi() {
        // include/uapi/linux/aio_abi.h
        assertEquals(0, AioControlBlock.IOCB_CMD_PREAD);
        assertEquals(1, AioControlBlock.IOCB_CMD_PWRITE);
        assertEquals(2, AioControlBlock.IOCB_CMD_FSYNC);
        assertEquals(3, AioControlBlock.IOCB_CMD_FDSYNC);
        assertEquals(5, AioControlBlock.IOCB_CMD_POLL);
        assertEquals(6, AioControlBlock.IOCB_CMD_NOOP);
        assertEquals(7, AioControlBlock.IOCB_CMD_PREADV);
        assertEquals(8, AioControlBlock.IOCB_CMD_PWRITEV);
        assertEquals(1, AioControlBlock.IOCB_FLAG_RESFD);
        assertEquals(2, AioControlBlock.IOCB_FLAG_IOPRIO);
        assertEquals(64, Native.SIZEOF_IOCB);
        assertEquals(32, Native.SIZEOF_IO_EVENT);
    }

    @Test
    void everyFieldRoundTrips() {
        AioControlBlock iocb = new AioControlBlock().data(-1L).rwFlags(AioFiles.RWF_NOWAIT)
                .opcode(AioControlBlock.IOCB_CMD_PWRITEV).reqPrio(-3).fd(17).offset(1L << 40)
                .flags(AioControlBlock.IOCB_FLAG_RESFD | AioControlBlock.IOCB_FLAG_IOPRIO).resFd(23)
                .buffer(0x1000, 77);
        assertEquals(-1L, iocb.data());
        assertEquals(AioFiles.RWF_NOWAIT, iocb.rwFlags());
        assertEquals(AioControlBlock.IOCB_CMD_PWRITEV, iocb.opcode());
        assertEquals(-3, iocb.reqPrio());
        assertEquals(17, iocb.fd());
        assertEquals(1L << 40, iocb.offset());
        assertEquals(3, iocb.flags());
        assertEquals(23, iocb.resFd());
        assertEquals(0x1000, iocb.bufferAddress());
        assertEquals(77, iocb.bufferLength());
        assertEquals(0, iocb.key());
        iocb.clear();
        assertEquals(0, iocb.data());
        assertEquals(0, iocb.bufferLength());
    }

    @Test
    void directReadSignalsTheEventFdAndMatchesTheFile() throws IOException {
        try (AioContext ctx = new AioContext(8); AioFileDescriptor fd = openDirect();
             AioEventFd efd = new AioEventFd()) {
            AioFiles.DirectIoAlignment alignment = AioFiles.alignment(fd);
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8192 + alignment.memory());
            try {
                int index = alignedIndex(buf, alignment.memory());
                AioControlBlock iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue())
                        .buffer(buf, index, 8192).offset(65536).flags(AioControlBlock.IOCB_FLAG_RESFD)
                        .resFd(efd.intValue());
                assertEquals(1, ctx.submit(iocb));
                AioEvent[] events = new AioEvent[4];
                assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
                assertEquals(8192, events[0].res());
                assertEquals(1, efd.read(), "one completion, one count on the eventfd");
                assertEquals(0, efd.read());
                byte[] got = new byte[8192];
                buf.getBytes(index, got);
                assertArrayEquals(TestFiles.read(file, 65536, 8192), got);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void misalignedDirectReadCompletesWithEinval() throws IOException {
        try (AioContext ctx = new AioContext(8); AioFileDescriptor fd = openDirect()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(8192);
            buf.position(1).limit(4097); // misaligned address
            AioControlBlock iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue())
                    .buffer(buf).offset(3);
            assertEquals(1, ctx.submit(iocb));
            AioEvent[] events = new AioEvent[1];
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertEquals(-Native.EINVAL, events[0].res());
        }
    }

    @Test
    void cancellingAFileReadFailsAsTheKernelDoesAndTheEventStillArrives() throws IOException {
        try (AioContext ctx = new AioContext(8); AioFileDescriptor fd = openDirect()) {
            ByteBuffer buf = alignedDirect(1 << 20, 4096);
            AioControlBlock iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue())
                    .buffer(buf).offset(0);
            assertEquals(1, ctx.submit(iocb));
            AioEvent result = new AioEvent();
            IOException e = assertThrows(IOException.class, () -> ctx.cancel(iocb, result));
            assertTrue(e.getMessage().startsWith("io_cancel(..) failed with error(" + -Native.EINVAL + ")"),
                    e.getMessage());
            AioEvent[] events = new AioEvent[1];
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertEquals(1 << 20, events[0].res());
            assertSame(iocb, events[0].controlBlock());
        }
    }

    @Test
    void pollCanBeCancelled() throws IOException {
        try (AioContext ctx = new AioContext(8); AioEventFd never = new AioEventFd()) {
            // IOCB_CMD_POLL takes the poll mask in aio_buf; POLLIN = 1. The eventfd is never written.
            AioControlBlock iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(never.intValue())
                    .buffer(1, 0).data(5);
            assertEquals(1, ctx.submit(iocb));
            AioEvent result = new AioEvent();
            AioEvent[] events = {result};
            if (!ctx.cancel(iocb, result)) {
                assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            }
            assertEquals(5, events[0].data());
            assertEquals(0, ctx.inFlight());
            assertFalse(iocb.isInFlight());
        }
    }

    @Test
    void writeFsyncNoopAndVectoredReadWork() throws IOException {
        File out = dir.resolve("written.bin").toFile();
        try (AioContext ctx = new AioContext(8);
             AioFileDescriptor fd = AioFiles.open(out, AioFiles.O_RDWR | AioFiles.O_CREAT | AioFiles.O_TRUNC, 0644)) {
            ByteBuffer data = ByteBuffer.allocateDirect(6);
            data.put("abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).flip();
            AioControlBlock write = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PWRITE).fd(fd.intValue())
                    .buffer(data).offset(2).data(1);
            assertEquals(1, ctx.submit(write));
            AioEvent[] events = new AioEvent[1];
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertEquals(6, events[0].res());

            AioControlBlock fsync = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_FSYNC).fd(fd.intValue());
            assertEquals(1, ctx.submit(fsync));
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertEquals(0, events[0].res());

            // Two iovecs: 3 bytes and 5 bytes, read from offset 0 of the 8-byte file.
            ByteBuffer a = ByteBuffer.allocateDirect(3);
            ByteBuffer b = ByteBuffer.allocateDirect(5);
            ByteBuffer iov = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
            iov.putLong(0, io.netty.channel.unix.Buffer.memoryAddress(a)).putLong(8, 3)
               .putLong(16, io.netty.channel.unix.Buffer.memoryAddress(b)).putLong(24, 5);
            AioControlBlock readv = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREADV).fd(fd.intValue())
                    .buffer(io.netty.channel.unix.Buffer.memoryAddress(iov), 2).offset(0);
            assertEquals(1, ctx.submit(readv));
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertEquals(8, events[0].res());
            assertEquals('a', a.get(2));
            assertEquals('b', b.get(0));
            assertEquals('f', b.get(4));

            // IOCB_CMD_NOOP is defined by the ABI but not implemented by the kernel.
            AioControlBlock noop = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_NOOP).fd(fd.intValue());
            IOException e = assertThrows(IOException.class, () -> ctx.submit(noop));
            assertTrue(e.getMessage().contains("io_submit"), e.getMessage());
            assertFalse(noop.isInFlight());
        }
        assertEquals("\0\0abcdef", new String(Files.readAllBytes(out.toPath()),
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void getEventsTimesOutWithNothingInFlight() throws IOException {
        try (AioContext ctx = new AioContext(4)) {
            AioEvent[] events = new AioEvent[4];
            assertEquals(0, ctx.getEvents(0, events, Duration.ZERO));
            assertEquals(0, ctx.getEvents(1, events, Duration.ofMillis(20)));
        }
    }

    @Test
    void aByteBufStaysAliveUntilItsEventIsReaped() throws IOException {
        try (AioContext ctx = new AioContext(4); AioFileDescriptor fd = openDirect()) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer((1 << 20) + 4096);
            AioControlBlock iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue())
                    .buffer(buf, alignedIndex(buf, 4096), 1 << 20);
            assertEquals(1, ctx.submit(iocb));
            assertFalse(buf.release(), "the context holds its own reference while the read is in flight");
            assertEquals(1, buf.refCnt());
            AioEvent[] events = new AioEvent[1];
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertEquals(0, buf.refCnt());
        }
    }

    @Test
    void closeWaitsForReadsInFlightAndReleasesTheirBuffers() throws IOException {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer((1 << 20) + 4096);
        AioControlBlock iocb;
        try (AioFileDescriptor fd = openDirect()) {
            AioContext ctx = new AioContext(4);
            iocb = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue())
                    .buffer(buf, alignedIndex(buf, 4096), 1 << 20);
            ctx.submit(iocb);
            buf.release();
            ctx.close();
            ctx.close();
            assertTrue(ctx.isClosed());
        }
        assertEquals(0, buf.refCnt());
        assertFalse(iocb.isInFlight());
    }

    @Test
    void badInputIsAJavaException() throws IOException {
        IOException zero = assertThrows(IOException.class, () -> new AioContext(0));
        assertTrue(zero.getMessage().startsWith("io_setup(..) failed with error(" + -Native.EINVAL + ")"),
                zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AioContext(-1));
        IOException huge = assertThrows(IOException.class, () -> new AioContext(Integer.MAX_VALUE));
        assertTrue(huge.getMessage().contains("io_setup"), huge.getMessage());

        AioControlBlock iocb = new AioControlBlock();
        assertThrows(IllegalArgumentException.class, () -> iocb.buffer(ByteBuffer.allocate(16)));
        assertThrows(IllegalArgumentException.class, () -> iocb.offset(-1));
        assertThrows(IllegalArgumentException.class, () -> iocb.fd(-1));
        assertThrows(IllegalArgumentException.class, () -> iocb.opcode(1 << 16));
        assertThrows(IllegalArgumentException.class, () -> iocb.reqPrio(1 << 15));
        assertThrows(IllegalArgumentException.class, () -> iocb.buffer(0, 10));
        assertThrows(IllegalArgumentException.class, () -> iocb.buffer(0x1000, -1));
        ByteBuf heap = io.netty.buffer.Unpooled.buffer(16);
        assertThrows(IllegalArgumentException.class, () -> iocb.buffer(heap, 0, 16));
        heap.release();
        ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(16);
        assertThrows(IndexOutOfBoundsException.class, () -> iocb.buffer(direct, 8, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> iocb.buffer(direct, -1, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> iocb.buffer(direct, 1, Integer.MAX_VALUE));
        direct.release();

        AioContext ctx = new AioContext(4);
        // A descriptor that is not open: the kernel answers EBADF, nothing is left in flight.
        AioControlBlock badFd = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(1 << 20)
                .buffer(ByteBuffer.allocateDirect(512));
        IOException ebadf = assertThrows(IOException.class, () -> ctx.submit(badFd));
        assertTrue(ebadf.getMessage().startsWith("io_submit(..) failed with error(" + -Native.EBADF + ")"),
                ebadf.getMessage());
        assertFalse(badFd.isInFlight());
        assertThrows(NullPointerException.class, () -> ctx.submit((AioControlBlock) null));
        assertThrows(IllegalArgumentException.class, () -> ctx.getEvents(2, new AioEvent[1], null));
        assertThrows(IllegalArgumentException.class, () -> ctx.getEvents(0, new AioEvent[1], Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> ctx.cancel(badFd, new AioEvent()));
        ctx.close();
        assertThrows(IllegalStateException.class, () -> ctx.submit(badFd));
        assertThrows(IllegalStateException.class, () -> ctx.getEvents(0, new AioEvent[1], Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> ctx.cancel(badFd, new AioEvent()));
    }

    @Test
    void aControlBlockInFlightCannotChangeNorBeSubmittedTwice() throws IOException {
        try (AioContext ctx = new AioContext(4); AioEventFd never = new AioEventFd()) {
            AioControlBlock poll = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(never.intValue())
                    .buffer(1, 0);
            ctx.submit(poll);
            assertThrows(IllegalStateException.class, () -> poll.offset(5));
            assertThrows(IllegalStateException.class, () -> ctx.submit(poll));
            AioControlBlock other = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(never.intValue())
                    .buffer(1, 0);
            assertThrows(IllegalStateException.class, () -> ctx.submit(other, other));
            assertFalse(other.isInFlight());
            never.write(1); // completes the poll
            AioEvent[] events = new AioEvent[1];
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(10)));
            assertSame(poll, events[0].controlBlock());
        }
    }

    @Test
    void exhaustedAioMaxNrNamesTheSysctl() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestFiles.isRoot(), "needs root to lower fs.aio-max-nr");
        Path maxNr = java.nio.file.Paths.get("/proc/sys/fs/aio-max-nr");
        String saved = LeakAndContextCheck.readProc(maxNr.toString());
        assertTrue(Long.parseLong(saved) > 0, saved);
        try {
            Files.write(maxNr, String.valueOf(LeakAndContextCheck.aioNr() + 64).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            IOException e = assertThrows(IOException.class, () -> new AioContext(4096));
            assertTrue(e.getMessage().contains("fs.aio-max-nr"), e.getMessage());
            assertTrue(e.getMessage().contains("error(" + -Native.EAGAIN + ")"), e.getMessage());
        } finally {
            Files.write(maxNr, saved.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    // 32 bytes per io_event: 2^27 + 1 slots once made an int size of 32 bytes for the native event array.
    @Test
    void aHugeEventArrayIsCappedAtWhatTheContextCanHold() throws IOException {
        try (AioContext ctx = new AioContext(4);
             AioFileDescriptor zero = AioFiles.open(new File("/dev/zero"), AioFiles.O_RDONLY)) {
            // A ring holds more than maxEvents: 20 reads of /dev/zero (complete at submit) are in flight at once.
            AioControlBlock[] iocbs = new AioControlBlock[20];
            for (int i = 0; i < iocbs.length; i++) {
                iocbs[i] = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(zero.intValue())
                        .buffer(ByteBuffer.allocateDirect(512)).data(i);
            }
            assertEquals(iocbs.length, ctx.submit(iocbs));
            AioEvent[] events = new AioEvent[(1 << 27) + 1];
            assertEquals(iocbs.length, ctx.getEvents(iocbs.length, events, Duration.ofSeconds(10)));
            long seen = 0;
            for (int i = 0; i < iocbs.length; i++) {
                assertEquals(512, events[i].res());
                seen |= 1L << events[i].data();
            }
            assertEquals((1L << iocbs.length) - 1, seen, "every read reaped once");
            assertNull(events[iocbs.length]);
            assertEquals(0, ctx.inFlight());
            // Nothing in flight: a minNr above what the context can hold returns what there is when the time is up.
            assertEquals(0, ctx.getEvents(100, events, Duration.ofMillis(10)));
        }
    }

    @Test
    void aReleasedByteBufFailsTheSubmitAndLeavesEveryBlockReusable() throws IOException {
        try (AioContext ctx = new AioContext(4);
             AioFileDescriptor zero = AioFiles.open(new File("/dev/zero"), AioFiles.O_RDONLY)) {
            ByteBuf good = Unpooled.directBuffer(512);
            ByteBuf released = Unpooled.directBuffer(512);
            AioControlBlock first = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(zero.intValue())
                    .buffer(good, 0, 512).data(1);
            AioControlBlock second = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD)
                    .fd(zero.intValue()).buffer(released, 0, 512).data(2);
            released.release(); // after buffer(..), before submit
            assertThrows(IllegalReferenceCountException.class, () -> ctx.submit(second));
            assertFalse(second.isInFlight());
            assertThrows(IllegalReferenceCountException.class, () -> ctx.submit(first, second));
            assertFalse(first.isInFlight());
            assertFalse(second.isInFlight());
            assertEquals(1, good.refCnt(), "nothing stays retained");
            assertEquals(0, ctx.inFlight());

            ByteBuf fresh = Unpooled.directBuffer(512);
            second.clear().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(zero.intValue()).buffer(fresh, 0, 512).data(2);
            assertEquals(2, ctx.submit(first, second));
            AioEvent[] events = new AioEvent[2];
            assertEquals(2, ctx.getEvents(2, events, Duration.ofSeconds(10)));
            assertEquals(512, events[0].res());
            assertEquals(512, events[1].res());
            assertTrue(good.release());
            assertTrue(fresh.release());
        }
    }

    @Test
    void aTimeoutOfCenturiesWaitsWithoutOverflowing() throws IOException {
        try (AioContext ctx = new AioContext(4); AioEventFd efd = new AioEventFd()) {
            AioEvent[] events = new AioEvent[1];
            long start = System.nanoTime();
            assertEquals(0, ctx.getEvents(0, events, Duration.ofSeconds(Long.MAX_VALUE)));
            assertEquals(0, ctx.getEvents(0, events, Duration.ofNanos(Long.MAX_VALUE)));
            assertEquals(0, ctx.getEvents(0, events, Duration.ofNanos(Long.MAX_VALUE - 1)));
            // A poll completes at once on an eventfd that can be read: the wait ends with the event.
            efd.write(1);
            AioControlBlock poll = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(efd.intValue())
                    .buffer(1, 0).data(9);
            assertEquals(1, ctx.submit(poll));
            assertEquals(1, ctx.getEvents(1, events, Duration.ofDays(365L * 300)));
            assertEquals(9, events[0].data());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "returned promptly");
        }
    }

    @Test
    void aRequestAboveAioMaxNrSaysSo() throws IOException {
        long max = Long.parseLong(LeakAndContextCheck.readProc("/proc/sys/fs/aio-max-nr"));
        assumeTrue(max < Integer.MAX_VALUE, "fs.aio-max-nr is beyond an int: " + max);
        IOException e = assertThrows(IOException.class, () -> new AioContext((int) max + 1));
        assertTrue(e.getMessage().contains("larger than fs.aio-max-nr (" + max + ')'), e.getMessage());
        assertTrue(e.getMessage().contains("sysctl -w fs.aio-max-nr="), e.getMessage());
        assertFalse(e.getMessage().contains("used up"), e.getMessage());
        assertTrue(e.getMessage().contains("error(" + -Native.EAGAIN + ")"), e.getMessage());
    }

    @Test
    void aDroppedContextIsDestroyedByTheCleanerAfterItsReads() throws Exception {
        Logger logger = Logger.getLogger(AioContext.class.getName());
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        // The warning is this test's to check, not a leak of the run: it goes to the handler only.
        boolean parents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        try (AioFileDescriptor fd = openDirect(); AioEventFd never = new AioEventFd()) {
            int before = LeakAndContextCheck.aioContexts();
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer((1 << 20) + 4096);
            String description = submitAndDrop(fd, never, buf);
            assertEquals(before + 1, LeakAndContextCheck.aioContexts());
            assertFalse(buf.release(), "the in-flight read holds its own reference");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (LeakAndContextCheck.aioContexts() != before || buf.refCnt() != 0) {
                assertTrue(System.nanoTime() < deadline, "the dropped context was not destroyed");
                System.gc();
                Thread.sleep(10);
            }
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).contains("LEAK") && logged.get(0).contains(description), logged.get(0));
        } finally {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(parents);
        }
    }

    /** Submits a 1 MiB read and a poll that never completes, then forgets the context and the blocks. */
    private static String submitAndDrop(AioFileDescriptor fd, AioEventFd never, ByteBuf buf) throws IOException {
        AioContext ctx = new AioContext(4);
        AioControlBlock read = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue())
                .buffer(buf, alignedIndex(buf, 4096), 1 << 20);
        AioControlBlock poll = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(never.intValue())
                .buffer(1, 0);
        assertEquals(2, ctx.submit(read, poll));
        String description = ctx.toString();
        return description.substring(0, description.indexOf(','));
    }

    @Test
    void twoThreadsInsideAContextAtOnceAreRefused() throws Exception {
        try (AioContext ctx = new AioContext(4); AioEventFd efd = new AioEventFd()) {
            AioControlBlock poll = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(efd.intValue())
                    .buffer(1, 0).data(3);
            assertEquals(1, ctx.submit(poll));
            AioEvent[] waited = new AioEvent[1];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    assertEquals(1, ctx.getEvents(1, waited, null));
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "waiter");
            waiter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Arrays.stream(waiter.getStackTrace()).noneMatch(e -> e.getMethodName().equals("ioGetEvents0"))) {
                assertTrue(System.nanoTime() < deadline, "the waiter did not reach io_getevents");
                Thread.sleep(1);
            }
            AioControlBlock other = new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_POLL).fd(efd.intValue())
                    .buffer(1, 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.submit(other));
            assertTrue(e.getMessage().contains("waiter"), e.getMessage());
            assertFalse(other.isInFlight());
            assertThrows(IllegalStateException.class, () -> ctx.getEvents(0, new AioEvent[1], Duration.ZERO));
            assertThrows(IllegalStateException.class, () -> ctx.cancel(poll, new AioEvent()));
            assertThrows(IllegalStateException.class, ctx::close);
            assertFalse(ctx.isClosed());
            efd.write(1);
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive());
            assertNull(failure.get());
            assertEquals(3, waited[0].data());
            // One thread after the other is fine.
            assertEquals(0, ctx.getEvents(0, new AioEvent[1], Duration.ZERO));
        }
    }

    static int alignedIndex(ByteBuf buf, int alignment) {
        long address = buf.hasMemoryAddress() ? buf.memoryAddress()
                : io.netty.channel.unix.Buffer.memoryAddress(buf.nioBuffer(0, buf.capacity()));
        return (int) ((alignment - (address & (alignment - 1))) & (alignment - 1));
    }

    static ByteBuffer alignedDirect(int size, int alignment) {
        ByteBuffer raw = ByteBuffer.allocateDirect(size + alignment);
        long address = io.netty.channel.unix.Buffer.memoryAddress(raw);
        int pad = (int) ((alignment - (address & (alignment - 1))) & (alignment - 1));
        raw.position(pad).limit(pad + size);
        return raw.slice();
    }
}
