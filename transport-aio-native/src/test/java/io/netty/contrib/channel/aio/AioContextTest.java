package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.unix.FileDescriptor;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (AioContext ctx = new AioContext(8); AioFileDescriptor fd = openDirect(); AioEventFd efd = new AioEventFd()) {
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
