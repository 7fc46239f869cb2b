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
package io.netty.contrib.channel.aio.example.file;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/2 client on Netty's frame codec, for what the JDK client and curl do not do on demand: h2c with prior
 * knowledge from Java, and resetting one stream mid-body while others go on. Each request is a stream of its own on
 * the one connection; the client's stream windows are Netty's defaults (64 KiB), so a large body is paced by it.
 */
final class Http2TestClient implements AutoCloseable {

    /** One response: status, headers, body, and whether the client reset the stream before its end. */
    static final class Response {
        Http2Headers headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean reset;

        int status() {
            return headers.status() == null ? -1 : Integer.parseInt(headers.status().toString());
        }

        String header(String name) {
            CharSequence v = headers.get(name);
            return v == null ? null : v.toString();
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;
    private final String authority;
    private final boolean tls;

    private Http2TestClient(FileServer server, boolean tls, Http2Settings settings) throws Exception {
        this.tls = tls;
        authority = "127.0.0.1:" + server.port();
        SslContext ssl = tls ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2)).build() : null;
        try {
            connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", server.port()));
                            }
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().initialSettings(settings).build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    }).connect("127.0.0.1", server.port()).sync().channel();
            if (tls) {
                SslHandler handler = connection.pipeline().get(SslHandler.class);
                handler.handshakeFuture().sync();
                if (!ApplicationProtocolNames.HTTP_2.equals(handler.applicationProtocol())) {
                    throw new IOException("ALPN did not choose h2: " + handler.applicationProtocol());
                }
            }
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects to {@code server} (over TLS with ALPN if {@code tls}, else h2c with prior knowledge). */
    static Http2TestClient connect(FileServer server, boolean tls) throws Exception {
        return new Http2TestClient(server, tls, Http2Settings.defaultSettings());
    }

    /**
     * Connects with h2c, announcing {@code initialWindowSize} as every stream's flow-control window: 0 makes a client
     * that never takes a byte of a body (it sends no {@code WINDOW_UPDATE}).
     */
    static Http2TestClient connect(FileServer server, int initialWindowSize) throws Exception {
        return new Http2TestClient(server, false, Http2Settings.defaultSettings().initialWindowSize(initialWindowSize));
    }

    /** The connection: open while the server keeps it. */
    Channel connection() {
        return connection;
    }

    /** Sends a request and waits for its response. */
    Response send(String method, String path, String... headers) throws Exception {
        return request(method, path, -1, headers).get(30, TimeUnit.SECONDS);
    }

    /**
     * Sends a request on a stream of its own; with {@code resetAfter} ≥ 0 the stream is reset (CANCEL) once that many
     * body bytes have arrived. Headers are given as name, value, name, value…
     */
    CompletableFuture<Response> request(String method, String path, long resetAfter, String... headers)
            throws Exception {
        Response response = new Response();
        CompletableFuture<Response> done = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (msg instanceof Http2HeadersFrame) {
                                Http2HeadersFrame frame = (Http2HeadersFrame) msg;
                                if (response.headers == null) {
                                    response.headers = frame.headers();
                                }
                                if (frame.isEndStream()) {
                                    done.complete(response);
                                }
                            } else if (msg instanceof Http2DataFrame) {
                                Http2DataFrame frame = (Http2DataFrame) msg;
                                ByteBuf data = frame.content();
                                data.readBytes(response.body, data.readableBytes());
                                if (frame.isEndStream()) {
                                    done.complete(response);
                                } else if (resetAfter >= 0 && response.body.size() >= resetAfter && !response.reset) {
                                    response.reset = true;
                                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
                                    done.complete(response);
                                }
                            } else if (msg instanceof Http2ResetFrame) {
                                done.completeExceptionally(new IOException("stream reset by the server: "
                                        + ((Http2ResetFrame) msg).errorCode()));
                            }
                        } catch (IOException e) {
                            done.completeExceptionally(e);
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        done.completeExceptionally(new IOException("stream closed before its end"));
                    }
                }).open().sync().getNow();
        Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme(tls ? "https" : "http")
                .authority(authority);
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
        return done;
    }

    @Override
    public void close() throws InterruptedException {
        connection.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
