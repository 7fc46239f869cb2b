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

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AioFileSink} on a real epoll loop and a connected channel: exact bytes for every alignment edge, writes in
 * flight at close, the sync last, reading paused while the disk is behind, a full disk, abort, and the blocking
 * fallback on an NIO loop. Every buffer must come back (the leak detector and the loop's memory budget tell).
 */
class AioFileSinkTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final int BLOCK = 64 << 10;

    private EventLoopGroup group;
    private Channel server;
    private Socket client;
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** A connected channel on a one-thread loop; its reads go to {@code reader} (or are dropped). */
    private Channel connect(boolean epoll, ChannelInboundHandlerAdapter reader) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        server = new ServerBootstrap().group(group).channel(type).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (reader != null) {
                    ch.pipeline().addLast(reader);
                }
                accepted.complete(ch);
            }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new Socket();
        client.connect(server.localAddress());
        return accepted.get(5, TimeUnit.SECONDS);
    }

    private static <T> T onLoop(Channel ch, Callable<T> task) throws Exception {
        return ch.eventLoop().submit(task).get(30, TimeUnit.SECONDS);
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Gives {@code data} to a new sink in pieces of random sizes, closes it and waits for the result. */
    private static long writeAll(Channel ch, File file, byte[] data, long expected, int maxInFlight)
            throws Exception {
        Future<Long> result = onLoop(ch, () -> {
            AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).maxWritesInFlight(maxInFlight)
                    .expectedLength(expected).open();
            assertTrue(sink.isDirect(), "O_DIRECT on ext4 under target/: " + sink);
            Random random = new Random(data.length);
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, 1 + random.nextInt(3 * BLOCK / 2));
                ByteBuf buf = ch.alloc().directBuffer(n).writeBytes(data, at, n);
                sink.write(buf);
                at += n;
            }
            return sink.close();
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void everySizeEdgeIsWrittenByteExact() throws Exception {
        Channel ch = connect(true, null);
        Path dir = TestFiles.directory("sink");
        int[] sizes = {0, 1, 511, 512, 513, 4095, 4096, 4097, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 4097,
            (5 << 20) + 123};
        for (int size : sizes) {
            byte[] data = random(size, size);
            // Without a length hint, with the right one, and with a wrong one either way.
            long[] hints = {-1, size, size / 2, size * 2L + 4096};
            for (long hint : hints) {
                File file = dir.resolve("edge-" + size + '-' + hint).toFile();
                assertEquals(size, writeAll(ch, file, data, hint, 4), "size " + size + ", hint " + hint);
                assertArrayEquals(data, Files.readAllBytes(file.toPath()), "size " + size + ", hint " + hint);
                Files.delete(file.toPath());
            }
        }
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        assertEquals(metrics.writesSubmitted(), metrics.writesCompleted());
        assertEquals(0, metrics.memoryUsed(), "every block's memory went back to the loop's budget");
    }

    @Test
    void closeWithWritesInFlightWritesEverythingAndSyncsLast() throws Exception {
        Channel ch = connect(true, null);
        File file = TestFiles.directory("sink").resolve("in-flight.bin").toFile();
        byte[] data = random(8 << 20, 7);
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        long writesBefore = metrics.writesCompleted();
        long bytesBefore = metrics.bytesWritten();
        AioFileSink sink = onLoop(ch, () -> {
            AioFileSink s = AioFileSink.builder(ch, file).maxWritesInFlight(16).open();
            s.write(Unpooled.wrappedBuffer(data));
            return s;
        });
        // The writes went to the kernel at the end of the loop iteration that asked for them.
        Future<Long> result = onLoop(ch, () -> {
            assertTrue(metrics.inFlight() > 0, "writes are in flight when close() is called");
            Future<Long> f = sink.close();
            assertFalse(f.isDone(), "not durable before the sync completes");
            return f;
        });
        assertEquals(data.length, result.get(30, TimeUnit.SECONDS));
        assertArrayEquals(data, Files.readAllBytes(file.toPath()));
        // 8 blocks of 1 MiB and one sync, all reaped through the loop.
        assertEquals(data.length / AioFileSink.DEFAULT_BLOCK_SIZE + 1, metrics.writesCompleted() - writesBefore);
        assertEquals(data.length, metrics.bytesWritten() - bytesBefore);
    }

    @Test
    void readingPausesWhileTheDiskIsBehind() throws Exception {
        File file = TestFiles.directory("sink").resolve("backpressure.bin").toFile();
        byte[] data = random(32 << 20, 11);
        CompletableFuture<Long> done = new CompletableFuture<>();
        AtomicBoolean paused = new AtomicBoolean();
        Channel ch = connect(true, new ChannelInboundHandlerAdapter() {
            private AioFileSink sink;

            @Override
            public void channelActive(ChannelHandlerContext ctx) throws IOException {
                sink = AioFileSink.builder(ctx.channel(), file).blockSize(BLOCK).maxWritesInFlight(2).open();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                sink.write((ByteBuf) msg);
                if (!ctx.channel().config().isAutoRead()) {
                    paused.set(true);
                }
                if (sink.received() == data.length) {
                    sink.close().addListener(f -> {
                        if (f.isSuccess()) {
                            done.complete((Long) f.getNow());
                        } else {
                            done.completeExceptionally(f.cause());
                        }
                    });
                }
            }
        });
        try (OutputStream out = client.getOutputStream()) {
            out.write(data);
            out.flush();
            assertEquals(data.length, done.get(30, TimeUnit.SECONDS));
        }
        assertTrue(paused.get(), "autoRead was turned off while two blocks were being written");
        assertTrue(onLoop(ch, () -> ch.config().isAutoRead()), "reading resumed");
        assertArrayEquals(data, Files.readAllBytes(file.toPath()));
    }

    @Test
    void abortFreesEveryBufferAndResumesReading() throws Exception {
        Channel ch = connect(true, null);
        File file = TestFiles.directory("sink").resolve("abort.bin").toFile();
        IOException cause = new IOException("client went away");
        Future<Long> result = onLoop(ch, () -> {
            AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).maxWritesInFlight(2).open();
            sink.write(Unpooled.wrappedBuffer(random(BLOCK * 6 + 100, 3)));
            assertFalse(ch.config().isAutoRead(), "paused: more blocks wait than may be written at a time");
            sink.abort(cause);
            assertTrue(ch.config().isAutoRead(), "aborting resumes reading");
            // Data after the end is dropped (and released).
            sink.write(Unpooled.wrappedBuffer(new byte[10]));
            return sink.result();
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertEquals(cause, e.getCause());
        waitForIdle(ch);
        assertEquals(0, AioMetrics.of(ch.eventLoop()).memoryUsed());
    }

    @Test
    void aFullDiskFailsTheResultAndFreesEveryBuffer() throws Exception {
        Channel ch = connect(true, null);
        try (TestMount tmpfs = TestMount.tmpfs(1 << 20)) {
            File file = tmpfs.dir.resolve("full.bin").toFile();
            Future<Long> result = onLoop(ch, () -> {
                AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).open();
                for (int i = 0; i < 40; i++) {
                    sink.write(Unpooled.wrappedBuffer(random(BLOCK, i)));
                }
                return sink.close();
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(30, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            String message = e.getCause().getMessage();
            assertTrue(message.contains("No space left"), message);
            assertTrue(message.contains(file.getPath()), message);
            assertEquals(message.indexOf("aio write at offset"), message.lastIndexOf("aio write at offset"),
                    "said once: " + message);
            waitForIdle(ch);
            assertEquals(0, AioMetrics.of(ch.eventLoop()).memoryUsed());
            // The file holds what was written before the first block lost, byte for byte.
            long length = file.length();
            assertTrue(length > 0 && length <= 1 << 20 && length % BLOCK == 0, "length " + length);
            byte[] kept = Files.readAllBytes(file.toPath());
            for (int i = 0; i < length / BLOCK; i++) {
                assertArrayEquals(random(BLOCK, i), java.util.Arrays.copyOfRange(kept, i * BLOCK, (i + 1) * BLOCK));
            }
        }
    }

    @Test
    void aFailedSinkLeavesWhatWasWrittenNotItsExtendedLength() throws Exception {
        Channel ch = connect(true, null);
        Path dir = TestFiles.directory("sink");
        File file = dir.resolve("aborted.bin").toFile();
        AioFileSink sink = onLoop(ch, () -> {
            AioFileSink s = AioFileSink.builder(ch, file).blockSize(BLOCK).expectedLength(1L << 40).open();
            assertTrue(s.isDirect(), s.toString());
            for (int i = 0; i < 3; i++) {
                s.write(Unpooled.wrappedBuffer(random(BLOCK, i)));
            }
            s.write(Unpooled.wrappedBuffer(random(100, 3))); // part of a block, never written
            return s;
        });
        waitForIdle(ch);
        onLoop(ch, () -> {
            sink.abort(new IOException("the client went away"));
            return null;
        });
        waitForIdle(ch);
        assertTrue(sink.result().isDone() && !sink.result().isSuccess());
        assertEquals(3 * BLOCK, file.length(), "cut to the blocks written, not 1 TiB");
        // A length hint beyond what the file system allows: a failure that names the file.
        File huge = dir.resolve("huge.bin").toFile();
        Future<Long> result = onLoop(ch, () -> {
            AioFileSink s = AioFileSink.builder(ch, huge).blockSize(BLOCK).expectedLength(1L << 50).open();
            s.write(Unpooled.wrappedBuffer(random(BLOCK, 0)));
            return s.close();
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains(huge.getPath()), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("File too large"), e.getCause().getMessage());
        waitForIdle(ch);
        assertEquals(0, huge.length());
    }

    @Test
    void whereODirectIsRefusedWritesGoThroughBufferedAio() throws Exception {
        assumeTrue(TestFiles.isRoot(), "mounting a ramfs needs root");
        Channel ch = connect(true, null);
        Path mount = TestFiles.directory("sink-ramfs");
        run("umount", "-l", mount.toString());
        // ramfs has no direct I/O: open(O_DIRECT) fails with EINVAL.
        assumeTrue(run("mount", "-t", "ramfs", "ramfs", mount.toString()) == 0, "mount ramfs");
        try {
            File file = mount.resolve("buffered.bin").toFile();
            byte[] data = random(5 * BLOCK + 7, 21);
            AioMetrics metrics = AioMetrics.of(ch.eventLoop());
            long refusedBefore = metrics.fallbacks(AioMetrics.Fallback.DIRECT_IO_REFUSED);
            long writesBefore = metrics.writesCompleted();
            Future<Long> result = onLoop(ch, () -> {
                AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).open();
                assertFalse(sink.isDirect());
                assertTrue(sink.isAio());
                sink.write(Unpooled.wrappedBuffer(data));
                return sink.close();
            });
            assertEquals(data.length, result.get(10, TimeUnit.SECONDS));
            assertArrayEquals(data, Files.readAllBytes(file.toPath()));
            assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.DIRECT_IO_REFUSED) - refusedBefore);
            // 6 blocks (the last one unpadded) and the sync, through the loop's context.
            assertEquals(7, metrics.writesCompleted() - writesBefore);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void aLoopWithoutAioWritesBlockingAndCountsIt() throws Exception {
        Channel ch = connect(false, null);
        File file = TestFiles.directory("sink").resolve("nio.bin").toFile();
        byte[] data = random(3 * BLOCK + 17, 5);
        Future<Long> result = onLoop(ch, () -> {
            AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).open();
            assertFalse(sink.isAio());
            sink.write(Unpooled.wrappedBuffer(data));
            return sink.close();
        });
        assertEquals(data.length, result.get(10, TimeUnit.SECONDS));
        assertArrayEquals(data, Files.readAllBytes(file.toPath()));
        assertTrue(AioMetrics.of(ch.eventLoop()).fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP) > 0);
    }

    @Test
    void aDirectoryIsSyncedThroughAio() throws Exception {
        Channel ch = connect(true, null);
        Path dir = TestFiles.directory("sink");
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        long before = metrics.writesCompleted();
        Future<Void> synced = onLoop(ch, () -> AioFileSink.syncDirectory(ch, dir.toFile()));
        synced.get(10, TimeUnit.SECONDS);
        assertEquals(1, metrics.writesCompleted() - before, "one IOCB_CMD_FSYNC reaped");
        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> onLoop(ch, () -> AioFileSink.syncDirectory(ch, dir.resolve("missing").toFile())));
        assertInstanceOf(IOException.class, missing.getCause(), "a directory that does not exist");
    }

    @Test
    void aSyncTheFileSystemCannotDoThroughAioIsABlockingOne() throws Exception {
        // A procfs directory has no fsync operation: io_submit refuses IOCB_CMD_FSYNC with EINVAL, the sync goes on
        // as a blocking fsync(2), and its failure (EINVAL too, as an IOException of FileChannel.force) is the answer.
        Channel ch = connect(true, null);
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        long submitted = metrics.writesSubmitted();
        Future<Void> synced = onLoop(ch, () -> AioFileSink.syncDirectory(ch, new File("/proc")));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> synced.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause());
        String message = String.valueOf(failed.getCause().getMessage());
        assertFalse(message.contains("fsync of /proc failed"), "the AIO sync's error, not the blocking one's: "
                + message);
        assertFalse(message.contains("shut down"), message);
        assertEquals(submitted, metrics.writesSubmitted(), "refused at submit: " + metrics);
    }

    @Test
    void offTheLoopIsRefused() throws Exception {
        Channel ch = connect(true, null);
        File file = TestFiles.directory("sink").resolve("off-loop.bin").toFile();
        assertThrows(IllegalStateException.class, () -> AioFileSink.builder(ch, file).open());
        AioFileSink sink = onLoop(ch, () -> AioFileSink.builder(ch, file).open());
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[1]);
        assertThrows(IllegalStateException.class, () -> sink.write(buf));
        assertEquals(0, buf.refCnt(), "the data is released even when refused");
        assertEquals(0L, onLoop(ch, sink::close).get(10, TimeUnit.SECONDS));
        assertArrayEquals(new byte[0], Files.readAllBytes(file.toPath()));
    }

    /**
     * A sink's blocks come from the loop's chunk pool and its budget: data that finds no room waits (reading pauses),
     * it is neither dropped nor given memory outside the budget.
     */
    @Test
    void aSinkStaysWithinTheLoopsMemoryBudget() throws Exception {
        Channel ch = connect(true, null);
        int budget = 1 << 20;
        int block = 256 << 10;
        AioLoopConfig small = AioLoopConfig.builder().memoryBudgetBytes(budget).build();
        onLoop(ch, () -> AioLoop.get((IoEventLoop) ch.eventLoop(), small));
        File out = TestFiles.directory("sink").resolve("within-budget.bin").toFile();
        byte[] data = random(16 << 20, 21);
        Future<Long> result = onLoop(ch, () -> {
            // 8 blocks under way at most, and 16 MiB given at once: far more than the budget holds.
            AioFileSink sink = AioFileSink.builder(ch, out).blockSize(block).maxWritesInFlight(8).open();
            for (int at = 0; at < data.length; at += 64 << 10) {
                sink.write(Unpooled.wrappedBuffer(data, at, 64 << 10));
            }
            return sink.close();
        });
        assertEquals(data.length, result.get(60, TimeUnit.SECONDS));
        assertArrayEquals(data, Files.readAllBytes(out.toPath()));
        waitForIdle(ch);
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        assertTrue(metrics.memoryWaits() > 0, "the sink never waited for memory: " + metrics);
        assertTrue(metrics.maxMemoryUsed() <= budget, "over the budget: " + metrics);
        assertTrue(metrics.chunkMemoryHeld() <= budget, "blocks held outside the budget: " + metrics);
        assertEquals(0L, (long) onLoop(ch, metrics::memoryUsed));
    }

    /** Waits until nothing of the loop is in flight (writes left running by a failure or an abort). */
    /**
     * A read that waits for memory at the head of the loop's queue must not hold back a sink's write: the write's
     * completion is what gives the memory back.
     */
    @Test
    void aReadWaitingForMemoryDoesNotHoldBackTheWriteThatFreesIt() throws Exception {
        Channel ch = connect(true, null);
        int budget = 1 << 20;
        AioLoopConfig small = AioLoopConfig.builder().memoryBudgetBytes(budget).build();
        onLoop(ch, () -> AioLoop.get((IoEventLoop) ch.eventLoop(), small));
        File out = TestFiles.directory("sink").resolve("behind-a-read.bin").toFile();
        File in = TestFiles.directory("sink").resolve("read-while-writing.bin").toFile();
        byte[] written = random(budget, 11);
        byte[] read = random(budget, 12);
        Files.write(in.toPath(), read);
        PageCache.evict(in);
        AioFileRegionConfig direct = AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).loopConfig(small).build();
        AioChunkedInput input = onLoop(ch, () -> new AioChunkedInput(ch, in, 0, in.length(), direct));
        try {
            Future<Long> result = onLoop(ch, () -> {
                AioFileSink sink = AioFileSink.builder(ch, out).blockSize(budget).open();
                // The sink's block takes the whole budget as it starts to fill ...
                sink.write(Unpooled.wrappedBuffer(written, 0, budget / 2));
                // ... a read is queued and will wait for memory ...
                assertEquals(null, input.readChunk(ch.alloc()));
                // ... and the write of the full block, which gives the memory back, is queued behind it.
                sink.write(Unpooled.wrappedBuffer(written, budget / 2, budget / 2));
                return sink.close();
            });
            assertEquals(budget, result.get(30, TimeUnit.SECONDS));
            assertArrayEquals(written, Files.readAllBytes(out.toPath()));
            // The waiting read goes on once the write gives the memory back; the rest of the file follows (in small
            // chunks, copied out of the budget, while the loop is short of memory).
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < read.length && System.nanoTime() < deadline) {
                ByteBuf chunk = onLoop(ch, () -> input.readChunk(ch.alloc()));
                if (chunk == null) {
                    Thread.sleep(5);
                    continue;
                }
                try {
                    chunk.readBytes(got, chunk.readableBytes());
                } finally {
                    chunk.release();
                }
            }
            assertArrayEquals(read, got.toByteArray());
        } finally {
            onLoop(ch, () -> {
                input.close();
                return null;
            });
        }
        waitForIdle(ch);
        assertEquals(0, onLoop(ch, () -> AioMetrics.of(ch.eventLoop()).memoryUsed()));
    }

    private static void waitForIdle(Channel ch) throws Exception {
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (onLoop(ch, metrics::inFlight) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, metrics.inFlight());
    }
}
