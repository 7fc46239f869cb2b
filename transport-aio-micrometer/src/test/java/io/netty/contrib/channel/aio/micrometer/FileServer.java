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
package io.netty.contrib.channel.aio.micrometer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.contrib.channel.aio.AioFileRegionConfig;
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A file server for the tests on a given event loop group: each request line names a file under the root, and the
 * whole file comes back as a {@link DefaultFileRegion} through {@link AioFileRegionHandler}, as unchanged
 * application code writes it. A failed region closes the connection.
 */
final class FileServer implements AutoCloseable {

    private final Channel server;
    private final Path root;

    FileServer(EventLoopGroup group, Class<? extends ServerChannel> channelClass, Path root,
               AioFileRegionConfig config) throws InterruptedException {
        this.root = root;
        server = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AioFileRegionHandler(config), new LineBasedFrameDecoder(1024),
                                new StringDecoder(StandardCharsets.US_ASCII), new FileRequestHandler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
    }

    /** Fetches each file in turn over one new connection and checks that every byte came back. */
    void download(File... files) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(60_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (File file : files) {
                out.write((file.getName() + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String expected = TestFiles.sha256(file, 0, file.length());
                String got = sha256(in, file.length());
                if (!expected.equals(got)) {
                    throw new AssertionError(file + ": the bytes that came back differ");
                }
            }
        }
    }

    private static String sha256(DataInputStream in, long count) throws IOException {
        MessageDigest digest = TestFiles.sha256();
        byte[] buf = new byte[1 << 16];
        long left = count;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException((count - left) + " of " + count + " bytes arrived");
            }
            digest.update(buf, 0, n);
            left -= n;
        }
        return TestFiles.hex(digest.digest());
    }

    private final class FileRequestHandler extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String name) {
            File file = root.resolve(name.trim()).toFile();
            ctx.writeAndFlush(new DefaultFileRegion(file, 0, file.length()))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
