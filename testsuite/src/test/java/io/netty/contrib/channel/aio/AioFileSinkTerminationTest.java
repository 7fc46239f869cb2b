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
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@link AioFileSink} whose event loop terminates without closing its channel (a shutdown with a zero quiet period
 * started from a task of the loop, as in {@link AioLoopTerminationTest}): no completion, timer or call will reach the
 * sink again, so the termination must end it. Its result fails with an exception that says so, its descriptors close,
 * its block buffers are released and their memory goes back to the loop's budget, the loop's AIO context is destroyed,
 * and the file is left as the sink leaves it after any failure (for the caller to delete). Covered: a sink idle in
 * the middle of a body (no write in flight, a block partly filled), and one with a write in the kernel, one in the
 * loop's queue and blocks waiting in the sink (each write is ended by the loop, the sink by the last of them, and
 * nothing is freed twice). On io_uring:
 * {@link AioIoUringFileSinkTerminationTest}.
 */
class AioFileSinkTerminationTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = new LeakAndContextCheck();

    private static final int BLOCK = 64 << 10;

    private Path dir;
    private EventLoopGroup group;
    private Socket client;
    private TransportWarnings warnings;

    /** The loop's AIO settings in the test that needs one operation in the kernel at a time. */
    static final AioLoopConfig ONE_IN_FLIGHT = AioLoopConfig.builder().maxInFlight(1).build();

    /** The transport of the loop that the sink's channel is on. */
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
        dir = TestFiles.directory("sink-termination");
        warnings = TransportWarnings.collect();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (warnings != null) {
            warnings.close();
        }
        if (client != null) {
            client.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anIdleSinkIsFailedAndFreedWhenItsLoopTerminates() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        Channel ch = connect();
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        File file = dir.resolve("idle.bin").toFile();
        byte[] data = random(2 * BLOCK + 1000, 1);
        long writesBefore = metrics.writesCompleted();
        // Only the result is kept: a block that is never released is reported by the leak detector once collected.
        Future<Long> result = onLoop(ch, () -> {
            AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).open();
            assertTrue(sink.isDirect(), "O_DIRECT on ext4 under target/: " + sink);
            sink.write(Unpooled.wrappedBuffer(data));
            return sink.result();
        });
        // The two full blocks are written; the rest waits in the block being filled, for data that never comes.
        waitFor(() -> onLoop(ch, metrics::inFlight) == 0 && metrics.writesCompleted() - writesBefore == 2);
        assertEquals(2, metrics.writesCompleted() - writesBefore, "blocks written: " + metrics);
        assertEquals(0, metrics.inFlight(), "nothing in flight: " + metrics);
        assertTrue(metrics.memoryUsed() > 0, "the block being filled is charged to the budget: " + metrics);
        assertEquals(2, AioLoopTerminationTest.descriptors(file).size(), "the sink's file and its O_DIRECT twin");
        assertFalse(result.isDone(), "the sink waits for more of the body");

        terminateWithoutClosing(ch);

        assertLoopTerminationFailed(result, file);
        assertFreed(file, metrics, contexts);
        // The file is left as any failure leaves it, for the caller to delete: what was written is there.
        assertTrue(file.exists(), "the file is left for the caller");
        assertArrayEquals(Arrays.copyOf(data, 2 * BLOCK), TestFiles.read(file, 0, 2 * BLOCK), "the blocks written");
    }

    @Test
    void aSinkWithWritesUnderWayIsFailedAndFreedOnceWhenItsLoopTerminates() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        Channel ch = connect();
        AioMetrics metrics = AioMetrics.of(ch.eventLoop());
        File file = dir.resolve("in-flight.bin").toFile();
        long submittedBefore = metrics.writesSubmitted();
        long completedBefore = metrics.writesCompleted();
        CompletableFuture<Future<Long>> started = new CompletableFuture<>();
        ch.eventLoop().execute(() -> {
            try {
                // One operation in the kernel at a time: the sink's second write waits in the loop's queue.
                assertNotNull(AioLoop.get((IoEventLoop) ch.eventLoop(), ONE_IN_FLIGHT));
                AioFileSink sink = AioFileSink.builder(ch, file).blockSize(BLOCK).maxWritesInFlight(2).open();
                // At the end of this iteration one block goes to the kernel and one waits for a slot; three wait in
                // the sink, and one is partly filled.
                sink.write(Unpooled.wrappedBuffer(random(5 * BLOCK + 1000, 2)));
                assertFalse(ch.config().isAutoRead(), "reading paused: the sink is behind");
                started.complete(sink.result());
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
            // Queued after the task that submits the writes: the loop ends with one write in the kernel, never reaped.
            ch.eventLoop().execute(() -> group.shutdownGracefully(0, 0, TimeUnit.SECONDS));
        });
        Future<Long> result = started.get(10, TimeUnit.SECONDS);
        assertTrue(group.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ch.isOpen(), "the loop terminated without closing the channel");
        assertEquals(1, metrics.writesSubmitted() - submittedBefore, "writes that reached the kernel");

        assertLoopTerminationFailed(result, file);
        assertFreed(file, metrics, contexts);
        assertEquals(1, metrics.writesCompleted() - completedBefore, "the write in the kernel ended: " + metrics);
        assertTrue(file.exists(), "the file is left for the caller");
    }

    /**
     * Shuts the loop down from one of its tasks, with a zero quiet period: it terminates right after its tasks,
     * without closing its channels.
     */
    private void terminateWithoutClosing(Channel ch) throws InterruptedException {
        ch.eventLoop().execute(() -> group.shutdownGracefully(0, 0, TimeUnit.SECONDS));
        assertTrue(group.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ch.isOpen(), "the loop terminated without closing the channel");
    }

    /** The result failed, as the loop ended, saying why. */
    private static void assertLoopTerminationFailed(Future<Long> result, File file) throws InterruptedException {
        assertTrue(result.await(10, TimeUnit.SECONDS), "the sink's result completes");
        assertFalse(result.isSuccess(), "the sink's result failed");
        assertInstanceOf(IOException.class, result.cause());
        String message = result.cause().getMessage();
        assertTrue(message.contains("terminated") && message.contains(file.getName()), message);
    }

    /** Descriptors, memory and the loop's AIO context are given back, and nothing on the way logged a warning. */
    private void assertFreed(File file, AioMetrics metrics, int contexts) throws Exception {
        waitFor(() -> AioLoopTerminationTest.descriptors(file).isEmpty());
        assertEquals(List.of(), AioLoopTerminationTest.descriptors(file), "descriptors of the file still open");
        assertEquals(0, metrics.memoryUsed(), "memory budget in use: " + metrics);
        assertEquals(0, metrics.inFlight(), "writes in flight: " + metrics);
        assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed");
        List<String> said = new ArrayList<>();
        for (LogRecord r : warnings.records()) {
            said.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() != null ? " " + r.getThrown() : ""));
        }
        assertEquals(List.of(), said, "warnings while the sink was ended");
    }

    /** A channel accepted on a new one-thread loop, connected to a client that sends nothing. */
    private Channel connect() throws Exception {
        TestServer.Transport transport = transport();
        group = new MultiThreadIoEventLoopGroup(1, factory(transport));
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new Socket();
        client.connect(server.localAddress());
        return accepted.get(5, TimeUnit.SECONDS);
    }

    private static <T> T onLoop(Channel ch, Callable<T> task) throws Exception {
        return ch.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Waits up to 10 s for {@code condition}; the assertions after it say what did not happen. */
    private static void waitFor(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.call() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
