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

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioMetrics#measured}: the iterations of real epoll, io_uring and NIO loops, split into I/O event handling
 * and tasks; and AIO still works on a measured loop.
 */
class LoopMeterTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private MultiThreadIoEventLoopGroup group;

    @AfterEach
    void stop() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 5000, TimeUnit.MILLISECONDS).sync();
        }
    }

    private IoEventLoop start(TestServer.Transport transport) {
        if (transport == TestServer.Transport.IO_URING) {
            Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring: " + IoUring.unavailabilityCause());
        }
        group = new MultiThreadIoEventLoopGroup(1, AioMetrics.measured(transport.factory()));
        return (IoEventLoop) group.next();
    }

    @ParameterizedTest
    @EnumSource(TestServer.Transport.class)
    void aLongTaskIsOneLongIterationOfTaskTime(TestServer.Transport transport) throws Exception {
        IoEventLoop loop = start(transport);
        AioMetrics metrics = AioMetrics.of(loop);
        loop.submit(() -> { }).sync();
        awaitTrue(() -> metrics.loopIterations().count() > 0, "the loop's first iteration");
        DurationHistogram before = metrics.loopIterations();
        long tasksBefore = metrics.loopTaskNanos();
        long ioBefore = metrics.loopIoNanos();
        loop.submit(() -> spin(30 * MS)).sync();
        // The iteration is counted when the loop next asks for events: right after its tasks.
        awaitTrue(() -> metrics.loopIterations().since(before).maxNanos() >= 30 * MS, "a 30 ms iteration");
        DurationHistogram window = metrics.loopIterations().since(before);
        assertTrue(window.countAtLeast(30 * MS) >= 1, window.toString());
        assertTrue(metrics.loopTaskNanos() - tasksBefore >= 30 * MS, "task time");
        assertTrue(metrics.loopIoNanos() - ioBefore < 30 * MS, "no event took long: " + metrics.loopIoNanos());
        assertTrue(metrics.toString().contains("loop iterations: "), metrics.toString());
    }

    @ParameterizedTest
    @EnumSource(TestServer.Transport.class)
    void slowEventHandlingIsIoTime(TestServer.Transport transport) throws Exception {
        IoEventLoop loop = start(transport);
        AioMetrics metrics = AioMetrics.of(loop);
        Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        // Handling the read event takes 25 ms: the loop serves nothing else meanwhile.
                        spin(25 * MS);
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        BlockingQueue<Byte> echoed = new ArrayBlockingQueue<>(1);
        Channel client = new Bootstrap().group(group).channel(socketChannel(transport))
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        echoed.add(msg.readByte());
                    }
                }).connect(server.localAddress()).sync().channel();
        try {
            awaitTrue(() -> metrics.loopIterations().count() > 0, "the loop's first iteration");
            long ioBefore = metrics.loopIoNanos();
            long tasksBefore = metrics.loopTaskNanos();
            DurationHistogram before = metrics.loopIterations();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})).sync();
            assertEquals((byte) 42, echoed.poll(10, TimeUnit.SECONDS));
            awaitTrue(() -> metrics.loopIoNanos() - ioBefore >= 25 * MS, "25 ms of event handling");
            awaitTrue(() -> metrics.loopIterations().since(before).maxNanos() >= 25 * MS, "a 25 ms iteration");
            assertTrue(metrics.loopTaskNanos() - tasksBefore < 25 * MS, "no task took long");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void aLoopNotMadeMeasuredCountsNoIterations() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, TestServer.Transport.EPOLL.factory());
        IoEventLoop loop = (IoEventLoop) group.next();
        for (int i = 0; i < 3; i++) {
            loop.submit(() -> spin(MS)).sync();
        }
        AioMetrics metrics = AioMetrics.of(loop);
        assertEquals(0, metrics.loopIterations().count());
        assertEquals(0, metrics.loopTaskNanos());
        assertFalse(metrics.toString().contains("loop iterations"), metrics.toString());
    }

    @ParameterizedTest
    @EnumSource(value = TestServer.Transport.class, names = {"EPOLL", "IO_URING"})
    void aioWorksOnAMeasuredLoop(TestServer.Transport transport) throws Exception {
        IoEventLoop loop = start(transport);
        assertTrue(CompletionSource.supports(loop), "the AIO eventfd can be registered with " + loop);
        loop.submit(() -> assertNotNull(AioLoop.get(loop, AioLoopConfig.DEFAULT))).sync();
        // The loop's AIO samples its lag on the measured loop too.
        awaitTrue(() -> AioMetrics.of(loop).loopLag().count() > 0, "a lag sample");
        assertEquals(0, AioMetrics.of(loop).fallbacks(), AioMetrics.of(loop).toString());
    }

    @Test
    void aGroupViewSumsItsLoopsIterations() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, AioMetrics.measured(TestServer.Transport.EPOLL.factory()));
        AioMetrics view = AioMetrics.of(group);
        for (EventExecutor loop : group) {
            loop.submit(() -> spin(12 * MS)).sync();
            loop.submit(() -> { }).sync();
        }
        awaitTrue(() -> view.loopIterations().countAtLeast(12 * MS) >= 2, "one long iteration on each loop");
        long sum = 0;
        for (EventExecutor loop : group) {
            sum += AioMetrics.of(loop).loopTaskNanos();
        }
        assertTrue(view.loopTaskNanos() >= 24 * MS && view.loopTaskNanos() >= sum, view.toString());
    }

    @Test
    void aShutdownsQuietPeriodIsNoIteration() throws Exception {
        MultiThreadIoEventLoopGroup g = new MultiThreadIoEventLoopGroup(1,
                AioMetrics.measured(TestServer.Transport.EPOLL.factory()));
        // A view made while the loop runs keeps its counts after it terminated.
        AioMetrics view = AioMetrics.of(g);
        g.next().submit(() -> spin(MS)).sync();
        g.next().submit(() -> { }).sync();
        awaitTrue(() -> view.loopIterations().count() > 0, "iterations before the shutdown");
        // The loop sleeps 100 ms between the iterations of a graceful shutdown's quiet period.
        g.shutdownGracefully(500, 5000, TimeUnit.MILLISECONDS).sync();
        assertEquals(0, view.loopIterations().countAtLeast(80 * MS), view.loopIterations().toString());
    }

    private static Class<? extends Channel> socketChannel(TestServer.Transport transport) {
        switch (transport) {
            case EPOLL:
                return EpollSocketChannel.class;
            case IO_URING:
                return IoUringSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            Thread.sleep(5);
        }
    }
}
