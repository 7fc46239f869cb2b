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

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AioIoHandler}: a loop made with it has the configuration given there, whatever its handlers ask for, and ends
 * its AIO state on its own thread after its I/O handler is destroyed.
 */
class AioIoHandlerTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final AioLoopConfig LOOP = AioLoopConfig.builder().maxInFlight(3).memoryBudgetBytes(8 << 20)
            .build();

    private Path dir;
    private TransportWarnings warnings;

    @BeforeEach
    void setUp() throws Exception {
        Aio.ensureAvailability();
        dir = TestFiles.directory("io-handler");
        warnings = TransportWarnings.collect();
    }

    @AfterEach
    void tearDown() {
        warnings.close();
    }

    @ParameterizedTest
    @EnumSource(value = TestServer.Transport.class, names = {"EPOLL", "IO_URING"})
    void aLoopMadeWithTheFactoryUsesItsConfigurationWhateverItsHandlersAskFor(TestServer.Transport transport)
            throws Exception {
        assumeTrue(transport != TestServer.Transport.IO_URING || IoUring.isAvailable(), "io_uring is not available");
        AioFileRegionConfig asking = AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT)
                .loopConfig(AioLoopConfig.builder().maxInFlight(5).build()).build();
        File file = TestFiles.create(dir, "configured.bin", 3 << 20, 11);
        // Measured too: the two wrappers combine.
        try (TestServer server = new TestServer(dir, transport,
                AioMetrics.measured(AioIoHandler.newFactory(transport.factory(), LOOP)), false, asking)) {
            IoEventLoop loop = (IoEventLoop) server.group.next();
            AioMetrics metrics = AioMetrics.of(loop);
            try (TestClient client = new TestClient(server.port(), false)) {
                for (int i = 0; i < 2; i++) {
                    AioDeliveryTest.download(server, client, "REGION", file, 0, file.length());
                }
            }
            assertTrue(metrics.readsCompleted() > 0, "read through AIO: " + metrics);
            assertTrue(metrics.loopIterations().count() > 0, "the loop's iterations are measured: " + metrics);
            assertEquals(LOOP.memoryBudgetBytes(), metrics.memoryBudget(), "the factory's budget: " + metrics);
            AioLoopConfig used = loop.submit(() -> AioLoop.get(loop, null).config()).get(10, TimeUnit.SECONDS);
            assertSame(LOOP, used, "the factory's configuration");
        }
        List<String> said = new ArrayList<>();
        for (LogRecord r : warnings.records()) {
            said.add(r.getMessage() + ' ' + Arrays.toString(r.getParameters()));
        }
        assertEquals(1, said.size(), "one warning, about the configuration asked for: " + said);
        assertTrue(said.get(0).contains("asked for is not used") && said.get(0).contains("AioIoHandler"),
                said.toString());
    }

    @Test
    void theAioStateEndsOnTheLoopsThreadAfterItsIoHandlerIsDestroyed() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                AioIoHandler.newFactory(EpollIoHandler.newFactory()));
        IoEventLoop loop = (IoEventLoop) group.next();
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        CompletableFuture<String> ended = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                loopThread.complete(Thread.currentThread());
                AioLoop aio = AioLoop.get(loop, null);
                assertNotNull(aio);
                assertFalse(LoopSlot.hasEnded(loop), "a running loop has not ended");
                aio.attach(reason -> ended.complete(reason + " on " + Thread.currentThread().getName()
                        + ", ended: " + LoopSlot.hasEnded(loop) + ", terminated: " + loop.isTerminated()));
            });
            assertEquals(contexts + 1, waitForContexts(contexts + 1), "the loop's AIO context exists");
        } finally {
            // Shut down from outside, the loop closes its registrations first; the owner stays attached.
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertEquals("LOOP_CLOSED on " + loopThread.get().getName() + ", ended: true, terminated: false",
                ended.get(10, TimeUnit.SECONDS), "ended on the loop's thread, before it terminated");
        assertTrue(LoopSlot.hasEnded(loop), "a terminated loop has ended, seen from any thread");
        assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed");
        assertEquals(List.of(), warnings.records(), "nothing logged at WARNING");
    }

    @Test
    void aManualLoopHasAioOnlyWhenMadeWithTheFactoryAndEndsItWhenDestroyed() throws Exception {
        int contexts = LeakAndContextCheck.aioContexts();
        // This thread owns both loops and runs them by hand.
        ManualIoEventLoop plain = new ManualIoEventLoop(Thread.currentThread(), EpollIoHandler.newFactory());
        try {
            plain.runNow();
            assertNull(AioLoop.get(plain, null), "nothing would end a plain manual loop's AIO state");
            assertEquals(1, AioMetrics.of(plain).fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP));
        } finally {
            terminate(plain);
        }
        ManualIoEventLoop made = new ManualIoEventLoop(Thread.currentThread(),
                AioIoHandler.newFactory(EpollIoHandler.newFactory()));
        List<String> ended = new ArrayList<>();
        try {
            made.runNow();
            AioLoop aio = AioLoop.get(made, null);
            assertNotNull(aio, "a manual loop made with the factory has AIO");
            aio.attach(reason -> ended.add(reason + ", ended: " + LoopSlot.hasEnded(made)));
            assertEquals(contexts + 1, LeakAndContextCheck.aioContexts(), "the loop's AIO context exists");
        } finally {
            terminate(made);
        }
        assertEquals(List.of("LOOP_CLOSED, ended: true"), ended, "ended once, as the loop's handler was destroyed");
        assertEquals(contexts, LeakAndContextCheck.aioContexts(), "the loop's AIO context is destroyed");
        assertEquals(List.of(), warnings.records(), "nothing logged at WARNING");
    }

    /** Shuts a manual loop down and runs it, on this thread, until it has terminated (10 s at most). */
    private static void terminate(ManualIoEventLoop loop) {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!loop.isTerminated() && System.nanoTime() < deadline) {
            loop.runNow();
        }
        assertTrue(loop.isTerminated(), "the manual loop terminated");
    }

    @Test
    void missingArgumentsAreNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> AioIoHandler.newFactory(null));
        assertTrue(e.getMessage().contains("factory"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> AioIoHandler.newFactory(EpollIoHandler.newFactory(), null));
        assertTrue(e.getMessage().contains("config"), e.getMessage());
    }

    /** The number of AIO contexts of this process once it is {@code expected}, or after 10 s. */
    private static int waitForContexts(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int n;
        while ((n = LeakAndContextCheck.aioContexts()) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return n;
    }
}
