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
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.EventExecutorGroup;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A line-protocol server that streams files through {@link AioChunkedInput} and a {@link ChunkedWriteHandler}. A
 * request {@code CHUNKED path position count} (path relative to the root) is answered with exactly those bytes of the
 * file; the write's outcome (null for success, else the cause) lands in {@link #nextResult()}, and its progress in
 * {@link #progress}. A failed write closes the connection, as an HTTP server would.
 */
final class ChunkedTestServer implements AutoCloseable {

    final EventLoopGroup group;
    final Channel server;
    final BlockingQueue<Object> results = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> progress = new LinkedBlockingQueue<>();
    private final Path root;
    private final AioFileRegionConfig config;

    ChunkedTestServer(Path root, TestServer.Transport transport, boolean tls, AioFileRegionConfig config)
            throws Exception {
        this(root, transport, tls, config, null);
    }

    /** @param chunkedExecutor where the {@link ChunkedWriteHandler} runs, or {@code null} for the channel's loop */
    ChunkedTestServer(Path root, TestServer.Transport transport, boolean tls, AioFileRegionConfig config,
                      EventExecutorGroup chunkedExecutor) throws Exception {
        this.root = root;
        this.config = config;
        group = new MultiThreadIoEventLoopGroup(1, transport.factory());
        SslContext ssl = tls ? SslContextBuilder.forServer(TestServer.CERT.toKeyManagerFactory()).build() : null;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc()));
                        }
                        p.addLast(chunkedExecutor, "chunked", new ChunkedWriteHandler());
                        p.addLast(new LineBasedFrameDecoder(4096), new StringDecoder(StandardCharsets.US_ASCII),
                                new RequestHandler());
                    }
                });
        server = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    AioMetrics metrics() {
        return AioMetrics.of(group.next());
    }

    /** The outcome of the next write: {@code null} on success, else the cause. */
    Throwable nextResult() throws InterruptedException {
        Object r = results.poll(60, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no write outcome within 60 s");
        }
        return r instanceof Throwable ? (Throwable) r : null;
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully(50, 10_000, TimeUnit.MILLISECONDS).sync();
    }

    private final class RequestHandler extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) throws Exception {
            String[] w = line.trim().split(" ");
            if (!"CHUNKED".equals(w[0])) {
                ctx.close();
                return;
            }
            File file = root.resolve(w[1]).toFile();
            AioChunkedInput input = new AioChunkedInput(ctx.channel(), file, Long.parseLong(w[2]),
                    Long.parseLong(w[3]), config);
            ChannelProgressivePromise promise = ctx.newProgressivePromise();
            promise.addListener(new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(ChannelProgressiveFuture future, long p, long total) {
                    progress.add(p);
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture future) {
                    results.add(future.isSuccess() ? "ok" : future.cause());
                    if (!future.isSuccess()) {
                        ctx.close();
                    }
                }
            });
            ctx.writeAndFlush(input, promise);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
