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
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First on a TLS connection: a client that speaks plain HTTP to the HTTPS port (the {@code http://} URL of an
 * {@code https://} server) gets a {@code 400} that says so, as nginx answers, instead of a connection closed without a
 * word. A TLS record goes on to the {@code SslHandler}, and this handler leaves the pipeline.
 */
final class PlainHttpOnTlsPort extends ByteToMessageDecoder {

    private final TlsHandshakeLog log;

    PlainHttpOnTlsPort(TlsHandshakeLog log) {
        this.log = log;
    }

    /** The bytes of a TLS record header. */
    private static final int RECORD_HEADER = 5;

    private static final String BODY = "This port speaks HTTPS: use an https:// URL here.\r\n";
    private static final byte[] ANSWER = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + BODY.length() + "\r\n"
            + "Connection: close\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < RECORD_HEADER) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().remove(this); // what was read goes on to the SslHandler
            return;
        }
        in.skipBytes(in.readableBytes());
        log.plainHttpAnswered();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
    }
}
