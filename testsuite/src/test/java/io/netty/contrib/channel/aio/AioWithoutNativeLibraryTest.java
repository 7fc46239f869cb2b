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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Without the native library (the surefire execution {@code no-native} removes its jar from the class path), an
 * {@link AioFileSink} on an epoll loop writes through its {@code FileChannel}, as its Javadoc promises, and counts the
 * fallback; a directory sync is a blocking one. Nothing is left open.
 */
class AioWithoutNativeLibraryTest {

    @Test
    void aSinkWritesBlockingAndADirectoryIsSynced() throws Exception {
        assumeTrue(Boolean.getBoolean("io.netty.contrib.aio.test.noNative"),
                "runs in the surefire execution no-native, whose class path lacks the native library");
        assertFalse(Aio.isAvailable(), "this test runs without the native library");
        assertThrows(UnsatisfiedLinkError.class, Aio::ensureAvailability);
        Path dir = TestFiles.directory("no-native");
        File file = dir.resolve("upload.bin").toFile();
        byte[] data = new byte[3_000_017];
        new Random(5).nextBytes(data);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try (Socket client = new Socket()) {
            client.connect(server.localAddress());
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            long descriptors = openFds();
            Future<Long> written = ch.eventLoop().submit(() -> {
                AioFileSink sink = AioFileSink.builder(ch, file).expectedLength(data.length).open();
                assertFalse(sink.isAio(), sink.toString());
                sink.write(Unpooled.wrappedBuffer(data, 0, 1_000_000));
                sink.write(Unpooled.wrappedBuffer(data, 1_000_000, data.length - 1_000_000));
                return sink.close();
            }).get(10, TimeUnit.SECONDS);
            assertEquals(data.length, written.get(30, TimeUnit.SECONDS));
            assertArrayEquals(data, Files.readAllBytes(file.toPath()));
            Future<Void> synced = ch.eventLoop().submit(() -> AioFileSink.syncDirectory(ch, dir.toFile()))
                    .get(10, TimeUnit.SECONDS);
            synced.get(10, TimeUnit.SECONDS);
            AioMetrics metrics = AioMetrics.of(ch.eventLoop());
            assertEquals(1, metrics.fallbacks(AioMetrics.Fallback.AIO_UNAVAILABLE), metrics.toString());
            assertTrue(openFds() <= descriptors, "descriptors left open");
        } finally {
            server.close().sync();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
