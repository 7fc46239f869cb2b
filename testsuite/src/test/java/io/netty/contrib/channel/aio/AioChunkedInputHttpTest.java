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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataChunkedInput;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AioChunkedInput} inside Netty's HTTP inputs, fetched with curl: {@link HttpChunkedInput} over HTTP/1.1 (plain
 * and TLS) and {@link Http2DataChunkedInput} over HTTP/2 (h2c). Requests are {@code GET /name/position/count}.
 */
class AioChunkedInputHttpTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final int MIB = 1 << 20;

    private static Path dir;
    private static File[] files;

    @BeforeAll
    static void setUp() throws Exception {
        Aio.ensureAvailability();
        dir = TestFiles.directory("chunked-http");
        long[] sizes = {0, 1, 4097, MIB - 1, 3 * MIB + 5};
        files = new File[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            files[i] = TestFiles.create(dir, "h-" + sizes[i], sizes[i], 900 + i);
        }
    }

    private static boolean hasCurl(boolean http2) {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), "US-ASCII");
            return p.waitFor() == 0 && (!http2 || out.contains("HTTP2"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Fetches every file whole and in the middle, cold, with curl, and checks each byte for byte. */
    private static void fetchAll(Server server, String... curlOptions) throws Exception {
        for (File file : files) {
            fetch(server, file, 0, file.length(), curlOptions);
            if (file.length() > 2) {
                fetch(server, file, 1, file.length() - 2, curlOptions);
            }
        }
        assertEquals(0, server.metrics().memoryUsed(), server.metrics().toString());
    }

    private static void fetch(Server server, File file, long position, long count, String... curlOptions)
            throws Exception {
        PageCache.evict(file);
        Path out = dir.resolve("curl.out");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail", "--max-time", "120", "-o",
                out.toString()));
        cmd.addAll(List.of(curlOptions));
        cmd.add(server.url() + '/' + file.getName() + '/' + position + '/' + count);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile())
                .start();
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), () -> cmd + ": " + read(dir.resolve("curl.log")));
        assertNull(server.nextResult());
        // curl writes no file for an empty body.
        assertEquals(count, Files.exists(out) ? Files.size(out) : 0, cmd.toString());
        if (count > 0) {
            assertEquals(TestFiles.sha256(file, position, count), TestFiles.sha256(out.toFile(), 0, count),
                    cmd.toString());
        }
    }

    private static String read(Path path) {
        try {
            return new String(Files.readAllBytes(path), "UTF-8");
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void assertThroughAio(Server server) {
        AioMetrics metrics = server.metrics();
        assertTrue(metrics.readsCompleted() > 0, metrics.toString());
        assertEquals(0, metrics.fallbacks(), metrics.toString());
        assertEquals(0, metrics.errors(), metrics.toString());
    }

    @Test
    void httpChunkedInputOverHttp1() throws Exception {
        assumeTrue(hasCurl(false), "needs curl");
        try (Server server = new Server(Protocol.HTTP1, false)) {
            fetchAll(server);
            assertThroughAio(server);
        }
    }

    @Test
    void httpChunkedInputOverHttp1WithTls() throws Exception {
        assumeTrue(hasCurl(false), "needs curl");
        try (Server server = new Server(Protocol.HTTP1, true)) {
            fetchAll(server, "-k");
            assertThroughAio(server);
        }
    }

    @Test
    void http2DataChunkedInputOverH2c() throws Exception {
        assumeTrue(hasCurl(true), "needs curl with HTTP/2");
        try (Server server = new Server(Protocol.H2C, false)) {
            fetchAll(server, "--http2-prior-knowledge");
            assertThroughAio(server);
        }
    }

    private enum Protocol {
        HTTP1, H2C
    }

    /** An HTTP server on an epoll loop that answers {@code GET /name/position/count} with those bytes. */
    private static final class Server implements AutoCloseable {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        final BlockingQueue<Object> results = new LinkedBlockingQueue<>();
        final Channel channel;
        final boolean tls;

        Server(Protocol protocol, boolean tls) throws Exception {
            this.tls = tls;
            SslContext ssl = tls ? SslContextBuilder.forServer(TestServer.CERT.toKeyManagerFactory()).build() : null;
            channel = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (ssl != null) {
                                p.addLast(ssl.newHandler(ch.alloc()));
                            }
                            if (protocol == Protocol.H2C) {
                                p.addLast(Http2FrameCodecBuilder.forServer().build(),
                                        new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                            @Override
                                            protected void initChannel(Http2StreamChannel stream) {
                                                stream.pipeline().addLast(new ChunkedWriteHandler(), new H2Handler());
                                            }
                                        }));
                                return;
                            }
                            p.addLast(new HttpServerCodec(), new ChunkedWriteHandler(), new Http1Handler());
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        String url() {
            return (tls ? "https" : "http") + "://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
        }

        AioMetrics metrics() {
            return AioMetrics.of(group.next());
        }

        Throwable nextResult() throws InterruptedException {
            Object r = results.poll(60, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no write outcome within 60 s");
            }
            return r instanceof Throwable ? (Throwable) r : null;
        }

        /** {@code [name, position, count]} of a request path. */
        private String[] parse(String path) {
            String[] parts = path.split("/");
            return new String[] {parts[1], parts[2], parts[3]};
        }

        private AioChunkedInput input(Channel ch, String[] request) throws IOException {
            return new AioChunkedInput(ch, dir.resolve(request[0]).toFile(), Long.parseLong(request[1]),
                    Long.parseLong(request[2]), AioDeliveryTest.SERVE_RESIDENT);
        }

        private void record(ChannelFuture f) {
            f.addListener(r -> results.add(r.isSuccess() ? "ok" : r.cause()));
        }

        @Override
        public void close() throws InterruptedException {
            channel.close().sync();
            group.shutdownGracefully(50, 10_000, TimeUnit.MILLISECONDS).sync();
        }

        private final class Http1Handler extends SimpleChannelInboundHandler<HttpRequest> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) throws Exception {
                HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                HttpUtil.setTransferEncodingChunked(response, true);
                ctx.write(response);
                ChunkedInput<?> body = new HttpChunkedInput(input(ctx.channel(), parse(request.uri())));
                record(ctx.writeAndFlush(body));
            }
        }

        private final class H2Handler extends SimpleChannelInboundHandler<Http2HeadersFrame> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Http2HeadersFrame frame) throws Exception {
                String[] request = parse(frame.headers().path().toString());
                Http2Headers headers = new DefaultHttp2Headers().status("200");
                headers.setLong(HttpHeaderNames.CONTENT_LENGTH, Long.parseLong(request[2]));
                ctx.write(new DefaultHttp2HeadersFrame(headers));
                Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
                record(ctx.writeAndFlush(new Http2DataChunkedInput(input(stream, request), stream.stream())));
            }
        }
    }
}
