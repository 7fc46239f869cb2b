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
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An {@link AioFileSink} whose blocks cannot be had because the JVM's direct memory is used up (the surefire execution
 * {@code small-direct-memory} runs it with a small {@code -XX:MaxDirectMemorySize}, then this test takes the rest):
 * the sink fails with a clear error instead of reporting a short file complete or waiting for memory that no buffer
 * of its loop can give back; the loop goes on running tasks.
 */
class AioFileSinkOutOfMemoryTest {

    @Test
    void aSinkWithoutDirectMemoryFailsAndNothingShortIsReportedComplete() throws Exception {
        assumeTrue(Boolean.getBoolean("io.netty.contrib.aio.test.smallDirectMemory"),
                "runs in the surefire execution small-direct-memory");
        Aio.ensureAvailability();
        File file = TestFiles.directory("sink-oom").resolve("upload.bin").toFile();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        List<ByteBuffer> hog = new ArrayList<>();
        try (Socket client = new Socket()) {
            client.connect(server.localAddress());
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            try {
                while (hog.size() < 4096) {
                    hog.add(ByteBuffer.allocateDirect(256 << 10));
                }
            } catch (OutOfMemoryError expected) {
                // the JVM's direct memory is all taken
            }
            Future<Long> result = ch.eventLoop().submit(() -> {
                AioFileSink sink = AioFileSink.builder(ch, file).open();
                sink.write(Unpooled.wrappedBuffer(new byte[3 << 20]));
                return sink.close();
            }).get(10, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("no direct memory"), e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains(file.getPath()), e.getCause().getMessage());
            assertEquals(0, file.length(), "nothing written, nothing kept");
            assertEquals("ran", ch.eventLoop().submit(() -> "ran").get(10, TimeUnit.SECONDS));
        } finally {
            hog.clear();
            server.close().sync();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
