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

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The HTTP/2 side of the file server (h2 through ALPN, h2c with prior knowledge). Each stream is a child channel
 * ({@link Http2MultiplexHandler}) whose pipeline turns frames into HTTP/1.1 objects and back
 * ({@link Http2StreamFrameToHttpObjectCodec}), so the same {@link FileServerHandler} answers it as it answers an
 * HTTP/1.1 connection: ranges, conditional requests, HEAD, listings, refusals and errors alike. File bodies go
 * through the stream's {@link ChunkedWriteHandler} as chunks (see {@link BodyWriter}): a DATA frame cannot carry a
 * file region, and the stream's flow-control window, seen as the stream channel's writability, paces them.
 *
 * <p>Stream pipeline: idle timeout (a stalled stream is reset), {@link RequestFlow}, the codec (and
 * {@link SplitFullRequests}, so that requests arrive as {@code HttpServerCodec} hands them on), {@link Compression}
 * with {@code --gzip}, {@link ChunkedWriteHandler}, {@link FileServerHandler}. The connection closes after the idle
 * timeout once no stream is open, and on {@link FileServer#close()} it sends GOAWAY and lets the open streams finish
 * (for at most {@code --stop-timeout}).
 */
final class Http2ServerInitializer extends ChannelInitializer<Http2StreamChannel> {

    /** Streams a client may have open at once (nginx's default is 128): each may hold an open file. */
    static final int MAX_CONCURRENT_STREAMS = 128;

    private final FileServerOptions options;
    private final BiConsumer<ChannelPipeline, RequestFlow> handlers;

    /**
     * @param handlers adds the request handlers of a stream at the end of its pipeline, given its {@link RequestFlow}
     */
    Http2ServerInitializer(FileServerOptions options, BiConsumer<ChannelPipeline, RequestFlow> handlers) {
        this.options = options;
        this.handlers = handlers;
    }

    /** Adds the HTTP/2 connection handlers at the end of a connection's pipeline. */
    void configure(ChannelPipeline connection, FailureLog log) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
                .gracefulShutdownTimeoutMillis(TimeUnit.SECONDS.toMillis(options.stopTimeoutSeconds))
                // A request without :method, :scheme or :path is malformed: RST_STREAM PROTOCOL_ERROR answers it.
                .validateRequiredPseudoHeaders(true)
                // Resets the client sends are bounded by StreamResets, by what they cost; those the server sends
                // (a stream refused past MAX_CONCURRENT_STREAMS, a malformed request) answer streams and cost little:
                // bounded only against a client that makes nothing else happen.
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxRstFramesPerWindow(StreamResets.LATE_RESETS, StreamResets.WINDOW_SECONDS)
                .build();
        connection.addLast(codec, new StreamResets(), new Http2MultiplexHandler(this), new Connection(codec, log));
    }

    @Override
    protected void initChannel(Http2StreamChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(new IdleStateHandler(true, 0, 0, options.idleTimeoutSeconds, TimeUnit.SECONDS));
        RequestFlow flow = new RequestFlow(options.headerTimeoutSeconds, TimeUnit.SECONDS, 0);
        p.addLast(flow);
        p.addLast(new Http2StreamFrameToHttpObjectCodec(true));
        p.addLast(new SplitFullRequests());
        if (options.gzip) {
            p.addLast(new Compression());
        }
        p.addLast(new ChunkedWriteHandler());
        handlers.accept(p, flow);
    }

    /**
     * Hands a request on as {@code HttpServerCodec} does: its head, then its body, never a {@link FullHttpRequest}
     * (which the codec makes of a HEADERS frame that ends the stream). The request handlers, written for HTTP/1.1,
     * release the contents they are given, not a head.
     */
    static final class SplitFullRequests extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest)) {
                ctx.fireChannelRead(msg);
                return;
            }
            FullHttpRequest full = (FullHttpRequest) msg;
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers());
            head.setDecoderResult(full.decoderResult());
            ctx.fireChannelRead(head);
            // The body, with the request's reference to its buffer.
            ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        }
    }

    /** The end of an HTTP/2 connection's pipeline: its idle timeout and the failures no stream handled. */
    private static final class Connection extends ChannelInboundHandlerAdapter {

        private final Http2FrameCodec codec;
        private final FailureLog log;

        Connection(Http2FrameCodec codec, FailureLog log) {
            this.codec = codec;
            this.log = log;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                // Streams in progress time out on their own; the connection goes when none is left.
                if (codec.connection().numActiveStreams() == 0) {
                    ctx.close(); // through the codec: GOAWAY, then close
                }
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                // The socket failed (a reset, a hang-up): the client's doing. File errors belong to streams.
                log.debug(ctx.channel().remoteAddress() + " HTTP/2 connection: " + cause);
            } else {
                log.failed(ctx.channel(), "HTTP/2 connection", cause);
            }
            ctx.close();
        }
    }
}
