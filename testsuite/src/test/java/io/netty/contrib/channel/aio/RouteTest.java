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

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.contrib.channel.aio.AioMetrics.Fallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The router's typed decisions: each {@link Route.Kind}, with its reader and its fallback reason, for the situations
 * that lead to it, and every fallback counted once under that reason.
 */
class RouteTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static MultiThreadIoEventLoopGroup epoll;
    private static MultiThreadIoEventLoopGroup nio;
    private static File file;

    @BeforeAll
    static void start() throws Exception {
        Aio.ensureAvailability();
        assumeTrue(Epoll.isAvailable(), "the epoll transport");
        epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        file = TestFiles.create(TestFiles.directory("route"), "file", (2 << 20) + 77, 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (epoll != null) {
            epoll.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** The route the handler would take for the whole file on {@code loop}'s thread. */
    private static Route route(EventLoop loop, AioFileRegionConfig config, boolean needsBytes) throws Exception {
        return loop.submit(() -> {
            try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
                DefaultFileRegion region = new DefaultFileRegion(channel, 0, file.length());
                LoopRecorder recorder = LoopRecorders.of(loop);
                ChunkReader copy = needsBytes ? new RegionChunkReader(region, ByteBufAllocator.DEFAULT, recorder)
                        : null;
                Route route = ReaderFactory.route(loop, true, region, config, recorder, needsBytes, copy,
                        new RegionSequence());
                if (route.reader() != null) {
                    route.reader().close();
                }
                return route;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aColdFileIsReadDirectAndWhenAskedForAgainAdmitted() throws Exception {
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        EventLoop loop = epoll.next();
        PageCache.evict(file);
        Route first = route(loop, AioFileRegionConfig.DEFAULT, false);
        assertEquals(Route.Kind.DIRECT, first.kind());
        assertTrue(first.reader() instanceof DirectChunkReader, first.reader().toString());
        assertNull(first.reason());
        Route again = route(loop, AioFileRegionConfig.DEFAULT, false);
        assertEquals(Route.Kind.ADMITTED, again.kind(), "a file asked for twice is admitted to the page cache");
        assertTrue(again.reader() instanceof PageCacheChunkReader, again.reader().toString());
    }

    @Test
    void aResidentFileGoesOnAsItIsUnlessBytesAreNeededOrEverythingIsDirect() throws Exception {
        assumeTrue(PageCache.isResidencySupported(), "cachestat(2) needs Linux 6.5+");
        EventLoop loop = epoll.next();
        TestFiles.sha256(file, 0, file.length());
        AioFileRegionConfig serveResident = AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT).build();
        Route resident = route(loop, serveResident, false);
        assertEquals(Route.Kind.RESIDENT, resident.kind());
        assertNull(resident.reader());
        assertEquals(Route.Kind.DIRECT, route(loop, serveResident, true).kind(),
                "TLS below: the bytes are read, from the page cache where resident");
        AioFileRegionConfig direct = AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();
        assertEquals(Route.Kind.DIRECT, route(loop, direct, false).kind());
    }

    @Test
    void directIoSwitchedOffPassesTheRegionOnOrCopiesItWithTheReason() throws Exception {
        EventLoop loop = epoll.next();
        AioMetrics metrics = AioMetrics.of(loop);
        AioFileRegionConfig disabled = AioFileRegionConfig.builder()
                .directIo(AioFileRegionConfig.DirectIo.DISABLED).build();
        long before = metrics.fallbacks(Fallback.DISABLED);
        Route pass = route(loop, disabled, false);
        assertEquals(Route.Kind.PASS_THROUGH, pass.kind());
        assertEquals(Fallback.DISABLED, pass.reason());
        assertNull(pass.reader());
        Route copy = route(loop, disabled, true);
        assertEquals(Route.Kind.COPY, copy.kind());
        assertEquals(Fallback.DISABLED, copy.reason());
        assertTrue(copy.reader() instanceof RegionChunkReader, String.valueOf(copy.reader()));
        assertEquals(2, metrics.fallbacks(Fallback.DISABLED) - before, "each fallback counted once: " + metrics);
    }

    @Test
    void aLoopWithoutAioOrAnotherThreadPassesTheRegionOnAndAChunkedInputCopiesItself() throws Exception {
        EventLoop loop = nio.next();
        AioMetrics metrics = AioMetrics.of(loop);
        long before = metrics.fallbacks(Fallback.UNSUPPORTED_LOOP);
        Route pass = route(loop, AioFileRegionConfig.DEFAULT, false);
        assertEquals(Route.Kind.PASS_THROUGH, pass.kind());
        assertEquals(Fallback.UNSUPPORTED_LOOP, pass.reason());
        assertEquals("PASS_THROUGH (UNSUPPORTED_LOOP)", pass.toString());
        assertEquals(Fallback.UNSUPPORTED_LOOP, ReaderFactory.loopFallback(epoll.next(), false),
                "AIO on a loop other than the caller's");
        assertNull(ReaderFactory.loopFallback(epoll.next(), true));
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            DefaultFileRegion region = new DefaultFileRegion(channel, 0, file.length());
            Route chunked = ReaderFactory.bytesRoute(loop, true, region, AioFileRegionConfig.DEFAULT,
                    LoopRecorders.of(loop));
            assertEquals(Route.Kind.COPY, chunked.kind());
            assertEquals(Fallback.UNSUPPORTED_LOOP, chunked.reason());
            assertNull(chunked.reader(), "the chunked input reads itself");
        }
        assertEquals(2, metrics.fallbacks(Fallback.UNSUPPORTED_LOOP) - before, metrics.toString());
    }
}
