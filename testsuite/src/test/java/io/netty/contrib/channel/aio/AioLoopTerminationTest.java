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
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An event loop that terminates without closing its channels: Netty skips closing its registrations when a shutdown
 * with a zero quiet period starts after the loop's last look at its state (here: from a task of the loop). Nothing can
 * be notified on the dead loop, and its scheduled tasks never run; still, whatever a stream or a chunked input held
 * must be freed: the file, its {@code O_DIRECT} descriptor, the chunks read so far, their share of the memory budget,
 * and the loop's AIO context. Covered: a region and a chunked input whose next chunk waits on the prefetch timer, a
 * region stalled on a paused reader, and the {@link AioLoop.Owner} contract itself (on io_uring:
 * {@link AioIoUringLoopTerminationTest}).
 */
class AioLoopTerminationTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = new LeakAndContextCheck();

    /** As large as the largest folio of the page cache (2 MiB), so that no folio spans two chunks. */
    private static final int CHUNK = 2 << 20;
    /** Attempts at bringing a loop to the state that a test wants it in when it terminates. */
    private static final int ATTEMPTS = 5;
    /**
     * Connections of loops that went on past the state a test wanted (a prefetched chunk arrived before the loop's
     * last tasks ran, and was written). Netty never frees what their outbound buffers hold, the loop having
     * terminated without closing them: kept reachable, so that the leak detector does not blame the transport.
     */
    private static final List<Channel> LEFT_BEHIND = Collections.synchronizedList(new ArrayList<>());
    /** Admission of repeated files (the default), so that a cold chunk of a file asked for again is prefetched. */
    private static final AioFileRegionConfig CONFIG = AioFileRegionConfig.builder().chunkSize(CHUNK).readAhead(2)
            .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ADMIT_REPEATED).build();

    private Path dir;
    private EventLoopGroup group;
    private int port;
    /** What the server opened per request: the {@code DefaultFileRegion}, or the chunked input's FileChannel. */
    private final BlockingQueue<Object> opened = new LinkedBlockingQueue<>();
    /** The connection of the last request. */
    private volatile Channel channel;

    /** The transport of the server's one event loop. */
    TestServer.Transport transport() {
        return TestServer.Transport.EPOLL;
    }

    /** The I/O handlers of the server's loop: the transport's own. */
    IoHandlerFactory factory(TestServer.Transport transport) {
        return transport.factory();
    }

    @BeforeEach
    void setUp() throws IOException {
        Aio.ensureAvailability();
        assumeTrue(PageCache.isResidencySupported(), "prefetching needs cachestat(2), Linux 6.5+");
        dir = TestFiles.directory("termination");
    }

    @AfterEach
    void tearDown() {
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aRegionWaitingForAPrefetchedChunkIsFreedWhenItsLoopTerminates() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        for (int attempt = 1; ; attempt++) {
            // A file of its own per attempt: a connection left behind by an earlier one may still hold its file.
            File file = TestFiles.create(dir, "region-" + attempt + ".bin", 16L * CHUNK, 81);
            start(new AioFileRegionHandler(CONFIG));
            try (TestClient client = new TestClient(port, false)) {
                admit(client, "REGION", file, file.length() - 4096);
                // The first chunk cold (prefetched, then checked on a timer), the second in the page cache: it is read
                // at once and waits, as a part of the region, behind the first.
                evict(file, 0, file.length() - CHUNK);
                warm(file, CHUNK, CHUNK);
                assertEquals(0, PageCache.residentBytes(file, 0, CHUNK), "the first chunk is cold");
                assertEquals(CHUNK, PageCache.residentBytes(file, CHUNK, CHUNK), "the second chunk is cached");
                AioMetrics metrics = AioMetrics.of(group.next());
                Counters before = new Counters(metrics);

                client.send("REGION! " + file.getName() + " 0 " + file.length());
                DefaultFileRegion region = (DefaultFileRegion) opened.take();
                assertTrue(group.awaitTermination(10, TimeUnit.SECONDS));
                // What the loop was doing when it went: the first chunk on the prefetch timer, the second read and
                // held (a part of the region, holding a reference to it), no read in flight: the state looked for,
                // tried again when the kernel's read-ahead won the race; after the last attempt, whatever state the
                // loop ended in must be cleaned up all the same.
                Counters at = new Counters(metrics).minus(before);
                if ((at.prefetchedBytes != CHUNK || at.pageCacheBytes != CHUNK) && attempt < ATTEMPTS) {
                    leaveBehind();
                    continue;
                }
                assertTrue(at.prefetchedBytes >= CHUNK, "chunks prefetched: " + at);
                assertEquals(0, metrics.inFlight(), "reads in flight: " + metrics);

                // The loop's end frees it all, on the loop's thread.
                waitFor(() -> region.refCnt() == 0 && descriptors(file).isEmpty());
                assertEquals(0, region.refCnt(), "the region (and the part of it that was read) is released");
                assertEquals(List.of(), descriptors(file), "descriptors of the file still open (flags, octal)");
                assertEquals(0, metrics.memoryUsed(), "memory budget in use: " + metrics);
                assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed");
                return;
            }
        }
    }

    @Test
    void aChunkedInputWaitingForAPrefetchedChunkIsClosedWhenItsLoopTerminates() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        for (int attempt = 1; ; attempt++) {
            // A file of its own per attempt: a connection left behind by an earlier one may still hold its file.
            File file = TestFiles.create(dir, "chunked-" + attempt + ".bin", 8L * CHUNK, 82);
            start(new ChunkedWriteHandler());
            try (TestClient client = new TestClient(port, false)) {
                admit(client, "CHUNKED", file, 0);
                evict(file, 0, file.length());
                AioMetrics metrics = AioMetrics.of(group.next());
                Counters before = new Counters(metrics);

                client.send("CHUNKED! " + file.getName() + " 0 " + file.length());
                FileChannel channel = (FileChannel) opened.take();
                assertTrue(group.awaitTermination(10, TimeUnit.SECONDS));
                // Both chunks of the read-ahead window on the prefetch timer, nothing read, no read in flight: the
                // state looked for. Where the kernel's read-ahead is faster than the loop's termination (a chunk
                // arrives first) it is tried again; after the last attempt whatever state the loop ended in must be
                // cleaned up all the same.
                Counters at = new Counters(metrics).minus(before);
                if ((at.prefetchedBytes != 2L * CHUNK || at.pageCacheBytes != 0) && attempt < ATTEMPTS) {
                    leaveBehind();
                    continue;
                }
                assertTrue(at.prefetchedBytes >= 2L * CHUNK, "chunks prefetched: " + at);
                assertEquals(0, metrics.inFlight(), "reads in flight: " + metrics);

                waitFor(() -> !channel.isOpen() && descriptors(file).isEmpty());
                assertFalse(channel.isOpen(), "the input's file is closed");
                assertEquals(List.of(), descriptors(file), "descriptors of the file still open (flags, octal)");
                assertEquals(0, metrics.memoryUsed(), "memory budget in use: " + metrics);
                assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed");
                return;
            }
        }
    }

    @Test
    void aRegionStalledOnAPausedReaderLetsGoOfItsDirectDescriptorWhenItsLoopTerminates() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        start(new AioFileRegionHandler(CONFIG));
        File file = TestFiles.create(dir, "paused.bin", 64 << 20, 83);
        try (TestClient client = new TestClient(port, false)) {
            admit(client, "REGION", file, 0);
            // All in the page cache but the last quarter (whole folios of it: a large folio that reaches into the
            // range is not dropped): streamed from the page cache, not passed on whole.
            long warmPart = file.length() / 4 * 3;
            warm(file, 0, file.length());
            evict(file, warmPart, file.length() - warmPart);
            assertEquals(warmPart, PageCache.residentBytes(file, 0, file.length()), "the first three quarters cached");
            AioMetrics metrics = AioMetrics.of(group.next());
            Counters before = new Counters(metrics);

            // The client reads nothing more: the socket fills, and the stream waits for its channel, with nothing
            // on the disk or on a timer.
            client.send("REGION paused.bin 0 " + file.length());
            opened.take();
            long served;
            do {
                served = metrics.pageCacheBytes();
                Thread.sleep(200);
            } while (metrics.pageCacheBytes() != served);
            assertTrue(served - before.pageCacheBytes < warmPart, "the stream stalled: " + metrics);
            assertEquals(1, directDescriptors(file), "the stream's O_DIRECT descriptor");
            group.next().execute(() -> group.shutdownGracefully(0, 0, TimeUnit.SECONDS));
            assertTrue(group.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(0, metrics.prefetchedBytes() - before.prefetchedBytes, "nothing was prefetched");
            assertEquals(0, metrics.inFlight(), metrics.toString());

            // The parts of the region in the channel's outbound buffer stay there: the channel was never closed
            // (Netty's to free). What the stream held is freed.
            waitFor(() -> directDescriptors(file) == 0);
            assertEquals(0, directDescriptors(file), "O_DIRECT descriptors of the file still open");
            assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed");
        }
    }

    @Test
    void theOwnersStillAttachedAreEndedOnceAfterTheReadsOnTheLoopsThreadAsItEnds() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, factory(transport()));
        IoEventLoop loop = (IoEventLoop) group.next();
        File file = TestFiles.create(dir, "owners.bin", 1 << 20, 84);
        List<String> ends = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8192);
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            loop.execute(() -> {
                loopThread.complete(Thread.currentThread());
                AioLoop aio = AioLoop.get(loop, AioLoopConfig.DEFAULT);
                assertNotNull(aio);
                aio.attach(reason -> ends.add("owner " + reason + " on " + Thread.currentThread().getName()));
                AioLoop.Owner gone = reason -> ends.add("detached owner " + reason);
                aio.attach(gone);
                aio.detach(gone);
                AioOperation read = new AioOperation() {
                    @Override
                    void completed(long res) {
                        ends.add("read completed " + res);
                    }

                    @Override
                    void aborted(AioOperation.Abort reason) {
                        ends.add("read " + reason);
                    }

                    @Override
                    boolean isCancelled() {
                        return false;
                    }
                };
                read.fd = direct.intValue();
                read.buffer = buf;
                read.index = (int) ((4096 - (buf.memoryAddress() & 4095)) & 4095);
                read.length = 4096;
                aio.submit(read);
                // After the task that submits the read: the loop ends with the read on the disk (or just reaped).
                loop.execute(() -> group.shutdownGracefully(0, 0, TimeUnit.SECONDS));
            });
            assertTrue(group.awaitTermination(10, TimeUnit.SECONDS));
            waitFor(() -> ends.size() >= 2);
            Thread.sleep(100); // a second end of anything would come now
            assertEquals(2, ends.size(), ends.toString());
            assertEquals("read LOOP_CLOSED", ends.get(0), "the read ends first, its result having nowhere to go");
            assertTrue(ends.get(1).startsWith("owner LOOP_CLOSED on "), ends.toString());
            assertTrue(ends.get(1).endsWith(" on " + loopThread.get().getName()), "ended on the loop's thread: " + ends);
        } finally {
            buf.release();
        }
    }

    /**
     * Starts a server on one loop: {@code writer} (an {@link AioFileRegionHandler} or a {@link ChunkedWriteHandler})
     * and a handler of request lines. {@code REGION name position count} writes a region, {@code CHUNKED ...} an
     * {@link AioChunkedInput}; with a {@code !} after the word, the loop then shuts itself down from a task, with a
     * zero quiet period: it terminates without closing the channel.
     */
    private void start(ChannelHandler writer) throws Exception {
        TestServer.Transport transport = transport();
        group = new MultiThreadIoEventLoopGroup(1, factory(transport));
        port = ((InetSocketAddress) new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(writer, new LineBasedFrameDecoder(4096),
                                new StringDecoder(StandardCharsets.US_ASCII), new Requests());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel().localAddress()).getPort();
    }

    private final class Requests extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) throws IOException {
            String[] w = line.trim().split(" ");
            File file = dir.resolve(w[1]).toFile();
            long position = Long.parseLong(w[2]);
            long count = Long.parseLong(w[3]);
            if (w[0].startsWith("REGION")) {
                DefaultFileRegion region = new DefaultFileRegion(file, position, count);
                opened.add(region);
                ctx.writeAndFlush(region);
            } else {
                FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
                opened.add(channel);
                ctx.writeAndFlush(new AioChunkedInput(ctx.channel(), channel, position, count, CONFIG));
            }
            channel = ctx.channel();
            if (w[0].endsWith("!")) {
                // A task runs after the loop's check for a shutdown and before its confirmation: with no quiet
                // period the loop ends right after its tasks, and its channels stay open.
                ctx.executor().execute(() -> group.shutdownGracefully(0, 0, TimeUnit.SECONDS));
            }
        }
    }

    /** The counters of a loop that tell what its streams were doing. */
    private static final class Counters {
        final long prefetchedBytes;
        final long pageCacheBytes;

        Counters(AioMetrics metrics) {
            this(metrics.prefetchedBytes(), metrics.pageCacheBytes());
        }

        private Counters(long prefetchedBytes, long pageCacheBytes) {
            this.prefetchedBytes = prefetchedBytes;
            this.pageCacheBytes = pageCacheBytes;
        }

        /** What was counted since {@code before}. */
        Counters minus(Counters before) {
            return new Counters(prefetchedBytes - before.prefetchedBytes, pageCacheBytes - before.pageCacheBytes);
        }

        @Override
        public String toString() {
            return "prefetched " + prefetchedBytes + " B, from the page cache " + pageCacheBytes + " B";
        }
    }

    /**
     * Asks for 4 KiB of the file at {@code offset} and waits until the server let go of them: the loop has counted the
     * file once, so that from now on it is admitted to the page cache and its cold chunks are prefetched. (Sent with
     * {@code sendfile}, those bytes' folio may stay pinned in the page cache for a while.)
     */
    private void admit(TestClient client, String request, File file, long offset) throws Exception {
        client.send(request + " " + file.getName() + " " + offset + " 4096");
        assertEquals(TestFiles.sha256(file, offset, 4096), client.sha256(4096));
        Object first = opened.take();
        waitFor(() -> first instanceof FileChannel ? !((FileChannel) first).isOpen()
                : ((DefaultFileRegion) first).refCnt() == 0);
    }

    /** Keeps the last connection reachable, and starts again from a fresh server. */
    private void leaveBehind() {
        LEFT_BEHIND.add(channel);
        opened.clear();
    }

    /**
     * Drops {@code [offset, offset + length)} of the file from the page cache. A page that is still referenced (by a
     * socket buffer or a pipe that the last response went through) is not dropped: tried again for up to 10 s.
     */
    private static void evict(File file, long offset, long length) throws Exception {
        waitFor(() -> {
            PageCache.evict(file, offset, length);
            return PageCache.residentBytes(file, offset, length) == 0;
        });
        assertEquals(0, PageCache.residentBytes(file, offset, length), "bytes left in the page cache");
    }

    /** Reads {@code [offset, offset + length)} of the file, so that it is in the page cache. */
    private static void warm(File file, long offset, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long done = 0; done < length; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), length - done));
                int n = channel.read(buf, offset + done);
                assertTrue(n > 0, "read " + n);
                done += n;
            }
        }
    }

    /** The flags (octal, from {@code /proc/self/fdinfo}) of each descriptor of this JVM open on {@code file}. */
    static List<String> descriptors(File file) throws IOException {
        String target = file.toPath().toRealPath().toString();
        List<String> flags = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(target)) {
                        flags.add(flags(fd.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return flags;
    }

    /** How many descriptors of this JVM are open on {@code file} with {@code O_DIRECT}. */
    static long directDescriptors(File file) throws IOException {
        return descriptors(file).stream().filter(f -> (Long.parseLong(f, 8) & AioFiles.O_DIRECT) != 0).count();
    }

    private static String flags(String fd) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo", fd))) {
            if (line.startsWith("flags:")) {
                return line.substring("flags:".length()).trim();
            }
        }
        throw new AssertionError("no flags in /proc/self/fdinfo/" + fd);
    }

    /** Waits up to 10 s for {@code condition}; the assertions after it say what did not happen. */
    private static void waitFor(Check condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.holds() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** A condition that may throw. */
    private interface Check {
        boolean holds() throws Exception;
    }
}
