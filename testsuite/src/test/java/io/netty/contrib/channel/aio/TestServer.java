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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A line-protocol file server for the tests. Requests, one per line, paths relative to the root:
 * <ul>
 *   <li>{@code REGION path position count}: a {@link DefaultFileRegion}, as unchanged application code writes it</li>
 *   <li>{@code AIOREGION path position count}: an {@link AioFileRegion}</li>
 *   <li>{@code MIX p1 pos1 count1 p2 pos2 count2}: the bytes {@code <A>}, region 1, {@code <B>}, region 2,
 *       {@code <C>}, written back to back</li>
 *   <li>{@code QUEUE path position count n}: a region, then {@code n} bytes 'x'; whether the channel was writable
 *       right after both writes lands in {@link #writable}</li>
 * </ul>
 * Each region's outcome (null for success, else the cause) lands in {@link #results}; a failed region closes the
 * connection, as an HTTP server would.
 */
final class TestServer implements AutoCloseable {

    /** The Netty transport the server runs on (one event loop). */
    enum Transport {
        EPOLL, IO_URING, NIO;

        IoHandlerFactory factory() {
            switch (this) {
                case EPOLL:
                    return EpollIoHandler.newFactory();
                case IO_URING:
                    return IoUringIoHandler.newFactory();
                default:
                    return NioIoHandler.newFactory();
            }
        }

        Class<? extends ServerChannel> serverChannel() {
            switch (this) {
                case EPOLL:
                    return EpollServerSocketChannel.class;
                case IO_URING:
                    return IoUringServerSocketChannel.class;
                default:
                    return NioServerSocketChannel.class;
            }
        }
    }

    static final X509Bundle CERT;

    static {
        try {
            CERT = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true).ecp256()
                    .buildSelfSigned();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Transport transport;
    final EventLoopGroup group;
    final Channel server;
    final BlockingQueue<Object> results = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> progress = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> writable = new LinkedBlockingQueue<>();
    private final Path root;

    TestServer(Path root, boolean epoll, boolean tls, AioFileRegionConfig config) throws Exception {
        this(root, epoll ? Transport.EPOLL : Transport.NIO, tls, config);
    }

    TestServer(Path root, Transport transport, boolean tls, AioFileRegionConfig config) throws Exception {
        this(root, transport, transport.factory(), tls, config);
    }

    /** A server whose loop is made with {@code factory} (the transport's, wrapped), not the transport's own. */
    TestServer(Path root, Transport transport, IoHandlerFactory factory, boolean tls, AioFileRegionConfig config)
            throws Exception {
        this.root = root;
        this.transport = transport;
        group = new MultiThreadIoEventLoopGroup(1, factory);
        SslContext ssl = tls ? SslContextBuilder.forServer(CERT.toKeyManagerFactory()).build() : null;
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc()));
                        }
                        p.addLast(new AioFileRegionHandler(config));
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

    /** The outcome of the next region: {@code null} on success, else the cause. */
    Throwable nextResult() throws InterruptedException {
        Object r = results.poll(60, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no region outcome within 60 s");
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
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "REGION":
                case "AIOREGION":
                    writeRegion(ctx, w[0].equals("AIOREGION"), w[1], Long.parseLong(w[2]), Long.parseLong(w[3]));
                    ctx.flush();
                    break;
                case "PIECES": {
                    // The whole file as regions of w[2] bytes, one after the other (as Vert.x writes a file).
                    long length = root.resolve(w[1]).toFile().length();
                    long piece = Long.parseLong(w[2]);
                    for (long at = 0; at < length; at += piece) {
                        writeRegion(ctx, false, w[1], at, Math.min(piece, length - at));
                    }
                    ctx.flush();
                    break;
                }
                case "MIX":
                    ctx.write(Unpooled.copiedBuffer("<A>", StandardCharsets.US_ASCII));
                    writeRegion(ctx, false, w[1], Long.parseLong(w[2]), Long.parseLong(w[3]));
                    ctx.write(Unpooled.copiedBuffer("<B>", StandardCharsets.US_ASCII));
                    writeRegion(ctx, true, w[4], Long.parseLong(w[5]), Long.parseLong(w[6]));
                    ctx.writeAndFlush(Unpooled.copiedBuffer("<C>", StandardCharsets.US_ASCII));
                    break;
                case "QUEUE":
                    writeRegion(ctx, false, w[1], Long.parseLong(w[2]), Long.parseLong(w[3]));
                    byte[] tail = new byte[Integer.parseInt(w[4])];
                    java.util.Arrays.fill(tail, (byte) 'x');
                    ctx.write(Unpooled.wrappedBuffer(tail));
                    writable.add(ctx.channel().isWritable());
                    ctx.flush();
                    break;
                default:
                    ctx.close();
            }
        }

        private void writeRegion(ChannelHandlerContext ctx, boolean aio, String name, long position, long count) {
            File file = root.resolve(name).toFile();
            DefaultFileRegion region = aio ? new AioFileRegion(file, position, count)
                    : new DefaultFileRegion(file, position, count);
            ChannelProgressivePromise promise = ctx.newProgressivePromise();
            promise.addListener(f -> {
                results.add(f.isSuccess() ? "ok" : f.cause());
                if (!f.isSuccess()) {
                    ctx.close();
                }
            });
            promise.addListener(new io.netty.channel.ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(io.netty.channel.ChannelProgressiveFuture future, long p, long t) {
                    progress.add(p);
                }

                @Override
                public void operationComplete(io.netty.channel.ChannelProgressiveFuture future) {
                }
            });
            ChannelFuture f = ctx.write(region, promise);
            f.addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
