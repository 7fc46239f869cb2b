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
package com.example.aio;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileRegionConfig;
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.contrib.channel.aio.AioMetrics;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves one file with {@link AioFileRegionHandler} to a plain socket on 127.0.0.1 and checks that every byte
 * arrived and that AIO read it. Arguments: a directory for the file, and {@code class-path} or {@code module-path},
 * the way this JVM was started. Exits with an exception if anything is not as expected.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the check.
     *
     * @param args the directory and the launch mode
     * @throws Exception if the check fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        String mode = args[1];
        checkLaunchMode(mode);
        if (!Aio.isAvailable()) {
            throw new AssertionError("AIO is not available", Aio.unavailabilityCause());
        }

        // An odd length: the last chunk ends between two 512-byte blocks.
        byte[] content = new byte[(4 << 20) + 4097];
        new SplittableRandom(mode.hashCode()).nextBytes(content);
        Path file = dir.resolve("served-" + mode + ".bin");
        Files.write(file, content);

        // Every chunk from the disk, even though the file was just written and is in the page cache.
        AioFileRegionConfig config = AioFileRegionConfig.builder()
                .pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT)
                .build();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new AioFileRegionHandler(config));
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(new DefaultFileRegion(file.toFile(), 0, content.length))
                                            .addListener(f -> failure.compareAndSet(null, f.cause()))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            });
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            byte[] received;
            try (Socket socket = new Socket("127.0.0.1", port); InputStream in = socket.getInputStream()) {
                received = in.readAllBytes();
            }
            server.close().sync();
            if (!Arrays.equals(content, received)) {
                throw new AssertionError("received " + received.length + " bytes that differ from the "
                        + content.length + " bytes of " + file, failure.get());
            }
            AioMetrics metrics = AioMetrics.of(group.next());
            if (metrics.readsCompleted() == 0 || metrics.bytesRead() < content.length || metrics.fallbacks() != 0) {
                throw new AssertionError("the file was not read through AIO: " + metrics);
            }
            System.out.println("consumer OK: " + mode + ", " + content.length + " bytes byte-exact, module "
                    + AioFileRegionHandler.class.getModule().getName() + ", Java " + Runtime.version() + ", "
                    + metrics);
        } finally {
            group.shutdownGracefully().sync();
            Files.deleteIfExists(file);
        }
    }

    private static void checkLaunchMode(String mode) {
        Module aio = AioFileRegionHandler.class.getModule();
        if ("module-path".equals(mode)) {
            if (!Main.class.getModule().isNamed() || !"io.netty.contrib.transport.aio".equals(aio.getName())) {
                throw new AssertionError("expected named modules, got " + Main.class.getModule() + " and " + aio);
            }
            String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
            String nativeModule = "io.netty.contrib.transport.aio.linux." + arch;
            if (ModuleLayer.boot().findModule(nativeModule).isEmpty()) {
                throw new AssertionError("no module " + nativeModule + " in " + ModuleLayer.boot().modules());
            }
        } else if ("class-path".equals(mode)) {
            if (aio.isNamed()) {
                throw new AssertionError("expected the class path, got " + aio);
            }
        } else {
            throw new IllegalArgumentException("mode: " + mode);
        }
    }
}
