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

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one connection; the mode decides only how file bodies travel. HTTP/2 or HTTP/1.1 is chosen by
 * {@link ProtocolNegotiation}, which then calls {@link #http1} or {@link #http2}.
 */
final class FileServerInitializer extends ChannelInitializer<SocketChannel> implements ProtocolNegotiation.Protocols {

    private final FileServer server;
    private final SslContext ssl;

    FileServerInitializer(FileServer server, SslContext ssl) {
        this.server = server;
        this.ssl = ssl;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        server.track(ch);
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            SslHandler tls = ssl.newHandler(ch.alloc());
            TlsHandshakeLog handshakeLog = new TlsHandshakeLog(tls.handshakeFuture(), server.failureLog());
            p.addLast(handshakeLog); // sees what the client sent
            p.addLast(new PlainHttpOnTlsPort(handshakeLog));
            p.addLast(tls);
        }
        FileServerOptions.Mode mode = server.options().mode;
        if (mode == FileServerOptions.Mode.AIO) {
            p.addLast(new AioFileRegionHandler(server.options().aio)); // below the codec that emits the FileRegions
        }
        // Nothing read and no byte of output consumed for that long: a stalled client or an idle keep-alive
        // connection. observeOutput: a slow client that still takes bytes is not idle, even mid-chunk.
        p.addLast(new IdleStateHandler(true, 0, 0, server.options().idleTimeoutSeconds, TimeUnit.SECONDS));
        ChannelHandler negotiation = ssl != null ? ProtocolNegotiation.alpn(this, server.failureLog())
                : ProtocolNegotiation.priorKnowledge(this);
        p.addLast(negotiation);
        // No request without a protocol: a cleartext client that sends nothing (or only part of the HTTP/2 preface)
        // is closed at the header timeout from accept. Under TLS the SslHandler bounds the handshake (10 s). Then the
        // HTTP/1.1 flow times the first request head from the moment the protocol is known.
        if (ssl == null) {
            ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
                if (p.context(negotiation) != null) {
                    ch.close();
                }
            }, server.options().headerTimeoutSeconds, TimeUnit.SECONDS);
            ch.closeFuture().addListener(f -> deadline.cancel(false));
        }
    }

    @Override
    public void http1(ChannelPipeline p) {
        // Below the codec: what is read, when, and how long a request head may take to arrive.
        RequestFlow flow = new RequestFlow(server.options().headerTimeoutSeconds, TimeUnit.SECONDS, System.nanoTime());
        p.addLast(flow);
        p.addLast(new HttpServerCodec());
        if (server.options().gzip) {
            p.addLast(new Compression()); // above the codec, below the ChunkedWriteHandler that feeds it
        }
        if (server.options().mode == FileServerOptions.Mode.CHUNKED || server.options().gzip) {
            p.addLast(new ChunkedWriteHandler());
        }
        handlers(p, flow);
    }

    @Override
    public void http2(ChannelPipeline p) {
        new Http2ServerInitializer(server.options(), this::handlers).configure(p, server.failureLog());
    }

    /** Adds the request handlers (uploads when enabled, then files) at the end of a connection or stream pipeline. */
    private void handlers(ChannelPipeline p, RequestFlow flow) {
        FileServerHandler files = new FileServerHandler(server.options(), server::isStopping, flow,
                server.failureLog(), server.accessLog(), server.metadataLookup(), server.sharedFiles());
        if (server.options().uploads) {
            p.addLast(new UploadHandler(server.options(), server::isStopping, files, flow, server.failureLog(),
                    server.metadataLookup()));
        }
        p.addLast(files);
    }
}
