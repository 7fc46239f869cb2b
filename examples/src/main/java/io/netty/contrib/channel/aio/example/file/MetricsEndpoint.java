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

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.contrib.channel.aio.micrometer.AioMetricsBinder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code --metrics HOST:PORT}: the server's meters for a Prometheus scrape, {@code GET /metrics} in the text format
 * (through Micrometer's Prometheus registry), on a listener of its own so that it can stay on a private address
 * while files are served to the world. The meters: the AIO transport's ({@code netty_aio_*}, see
 * {@link AioMetricsBinder}) for the server's event loops, and the JVM's memory, GC, threads and CPU. The scrape runs
 * on one of the server's loops: it reads counters and takes about a millisecond.
 */
final class MetricsEndpoint implements AutoCloseable {

    /** The exposition format's content type (Prometheus text format 0.0.4). */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Channel channel;

    MetricsEndpoint(EventLoopGroup group, Class<? extends ServerChannel> channelClass, InetSocketAddress address)
            throws IOException {
        new AioMetricsBinder(group).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        try {
            channel = new ServerBootstrap().group(group).channel(channelClass)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ReadTimeoutHandler(60), new HttpServerCodec(4096, 8192, 8192),
                                    new HttpObjectAggregator(0), new Scrape());
                        }
                    })
                    .bind(address).sync().channel();
        } catch (Exception e) {
            gc.close();
            registry.close();
            throw new IOException("--metrics: cannot listen on " + address.getAddress().getHostAddress() + ':'
                    + address.getPort() + ": " + e.getMessage(), e);
        }
    }

    /** The URL to scrape. */
    String url(String host) {
        return "http://" + host + ':' + ((InetSocketAddress) channel.localAddress()).getPort() + "/metrics";
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        gc.close();
        registry.close();
    }

    /** {@code GET /metrics} (or {@code HEAD}); else 404 or 405. */
    private final class Scrape extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response;
            if (!request.decoderResult().isSuccess()) {
                response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
                HttpUtil.setKeepAlive(response, false);
            } else if (!path(request).equals("/metrics")) {
                response = text(HttpResponseStatus.NOT_FOUND, "not found: the meters are at /metrics\n");
            } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or HEAD\n");
                response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else {
                response = text(HttpResponseStatus.OK, registry.scrape());
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            }
            if (request.method().equals(HttpMethod.HEAD)) {
                response.content().clear();
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request) && HttpUtil.isKeepAlive(response);
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                    : ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static String path(HttpRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }
}
