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
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines tested with {@link EmbeddedChannel}, whose loop has no AIO and no termination future: the handler, the
 * chunked input, the sink and the metrics fall back (counted) and work, and no loop entry is left behind per channel.
 * And the thread rule of a chunked input that reads through AIO on a real loop.
 */
class AioEmbeddedChannelTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    @Test
    void theHandlerPassesRegionsOnAndCountsTheFallback() throws Exception {
        File file = TestFiles.create(TestFiles.directory("embedded"), "region.bin", 100_000, 3);
        int registered = LoopRecorders.registeredLoops();
        for (int i = 0; i < 1000; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(new AioFileRegionHandler());
            AioMetrics metrics = AioMetrics.of(ch.eventLoop());
            assertSame(metrics, AioMetrics.of(ch.eventLoop()), "one loop, one set of metrics");
            FileRegion region = new DefaultFileRegion(file, 0, file.length());
            assertTrue(ch.writeOutbound(region));
            FileRegion out = ch.readOutbound();
            assertSame(region, out, "passed on, for the channel to send as it would without the handler");
            out.release();
            assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP), metrics.toString());
            assertFalse(ch.finish());
        }
        assertEquals(registered, LoopRecorders.registeredLoops(), "no registry entry per embedded channel");
    }

    @Test
    void aChunkedInputReadsTheFileThroughChunkedWriteHandler() throws Exception {
        File file = TestFiles.create(TestFiles.directory("embedded"), "chunked.bin", 300_001, 4);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        assertTrue(ch.writeOutbound(new AioChunkedInput(ch, file)));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            got.write(bytes);
            b.release();
        }
        assertArrayEquals(Files.readAllBytes(file.toPath()), got.toByteArray());
        assertTrue(AioMetrics.of(ch.eventLoop()).fallbacks() > 0);
        assertFalse(ch.finish());
    }

    @Test
    void aSinkWritesBlocking() throws Exception {
        Path dir = TestFiles.directory("embedded");
        File file = dir.resolve("sink.bin").toFile();
        byte[] data = new byte[200_003];
        new java.util.Random(9).nextBytes(data);
        EmbeddedChannel ch = new EmbeddedChannel();
        AioFileSink sink = AioFileSink.builder(ch, file).open();
        assertFalse(sink.isAio());
        sink.write(Unpooled.wrappedBuffer(data));
        Future<Long> done = sink.close();
        ch.runPendingTasks();
        assertTrue(done.isDone());
        assertEquals(data.length, done.getNow());
        assertArrayEquals(data, Files.readAllBytes(file.toPath()));
        Future<Void> synced = AioFileSink.syncDirectory(ch, dir.toFile());
        ch.runPendingTasks();
        assertTrue(synced.isSuccess(), String.valueOf(synced.cause()));
        assertInstanceOf(AioMetrics.class, AioMetrics.of(ch.eventLoop()));
        assertFalse(ch.finish());
    }

    @Test
    void anInputReadingThroughAioRefusesAnotherThread() throws Exception {
        File file = TestFiles.create(TestFiles.directory("embedded"), "threads.bin", 1 << 20, 5);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel ch = new EpollSocketChannel();
            group.register(ch).sync();
            AioChunkedInput input = ch.eventLoop().submit(() -> {
                AioChunkedInput in = new AioChunkedInput(ch, file);
                ByteBuf first = in.readChunk(ch.alloc()); // on the loop: reads through AIO from now on
                if (first != null) {
                    first.release();
                }
                return in;
            }).get(10, TimeUnit.SECONDS);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> input.readChunk(ch.alloc()));
            assertTrue(e.getMessage().contains("event loop"), e.getMessage());
            ch.eventLoop().submit(() -> {
                input.close();
                return ch.close();
            }).get(10, TimeUnit.SECONDS).sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
