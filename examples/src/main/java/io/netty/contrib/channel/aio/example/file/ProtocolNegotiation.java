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

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which HTTP a connection speaks: HTTP/2 or HTTP/1.1, chosen by ALPN in the TLS handshake ({@code --tls}) or, in
 * cleartext, by the first bytes the client sends (HTTP/2 with prior knowledge starts with the connection preface,
 * RFC 9113, section 3.3). The handler sits last in the connection's pipeline and, once it knows, asks
 * {@link Protocols} to add the handlers of that protocol after it, then removes itself; bytes it has already read go
 * on to them.
 */
final class ProtocolNegotiation {

    /** What the server offers in ALPN: HTTP/2 first, HTTP/1.1 for the clients that do not speak it. */
    static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    /** The client connection preface of HTTP/2 (RFC 9113, section 3.4). */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Sets up a connection's pipeline for the protocol chosen. */
    interface Protocols {
        /** Adds the HTTP/1.1 handlers at the end of {@code p}. */
        void http1(ChannelPipeline p);

        /** Adds the HTTP/2 handlers at the end of {@code p}. */
        void http2(ChannelPipeline p);
    }

    private ProtocolNegotiation() {
    }

    /** For a TLS connection: after the handshake, the protocol that ALPN agreed on (HTTP/1.1 without ALPN). */
    static ChannelHandler alpn(Protocols protocols, FailureLog log) {
        return new Alpn(protocols, log);
    }

    /** For a cleartext connection: HTTP/2 if the client starts with the HTTP/2 preface, else HTTP/1.1. */
    static ChannelHandler priorKnowledge(Protocols protocols) {
        return new PriorKnowledge(protocols);
    }

    private static final class Alpn extends ApplicationProtocolNegotiationHandler {

        private final Protocols protocols;
        private final FailureLog log;

        Alpn(Protocols protocols, FailureLog log) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.protocols = protocols;
            this.log = log;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                protocols.http2(ctx.pipeline());
            } else {
                protocols.http1(ctx.pipeline());
            }
        }

        /** A failed handshake or a connection lost during it: the client's doing, logged as other client failures. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.failed(ctx.channel(), "TLS handshake", cause);
            ctx.close();
        }
    }

    private static final class PriorKnowledge extends ByteToMessageDecoder {

        private final Protocols protocols;

        PriorKnowledge(Protocols protocols) {
            this.protocols = protocols;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.length);
            for (int i = 0; i < n; i++) {
                if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                    choose(ctx, false);
                    return;
                }
            }
            if (n == PREFACE.length) {
                choose(ctx, true);
            }
            // else: a prefix of the preface so far; wait for more
        }

        private void choose(ChannelHandlerContext ctx, boolean http2) {
            if (http2) {
                protocols.http2(ctx.pipeline());
            } else {
                protocols.http1(ctx.pipeline());
            }
            // What was read goes on to the handlers just added.
            ctx.pipeline().remove(this);
        }
    }
}
