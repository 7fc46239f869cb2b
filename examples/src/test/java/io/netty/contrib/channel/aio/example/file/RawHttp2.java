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
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Map;

/**
 * An HTTP/2 client that writes whatever frames a test asks for, valid or not, beyond the server's limits too, on a
 * plain socket (h2c with prior knowledge), and records what the server answers per stream: response headers, DATA
 * bytes, RST_STREAM codes, and GOAWAY. Netty's frame writer and reader do the encoding.
 */
final class RawHttp2 implements AutoCloseable {

    /** What one stream got. */
    static final class Stream {
        Http2Headers headers;
        long data;
        boolean ended;
        /** The RST_STREAM error code, or -1. */
        long reset = -1;
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final EmbeddedChannel codec = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = codec.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);
    private final ByteBuf pending = Unpooled.buffer();
    final Map<Integer, Stream> streams = new HashMap<>();
    /** The GOAWAY's last stream id and error code, or -1. */
    int goAwayLastStream = -1;
    long goAwayError = -1;
    private boolean closed;

    RawHttp2(int port) throws IOException {
        this(port, new Http2Settings());
    }

    /** Connects with these settings (for example an initial window of 0: the server can send no DATA). */
    RawHttp2(int port, Http2Settings settings) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(16 << 10); // a client that stops reading is felt soon
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(200);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        out.write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
        writer.writeSettings(ctx, settings, ctx.newPromise());
        flush();
    }

    /** A request's HEADERS frame on {@code streamId}, ending the stream unless a body follows. */
    RawHttp2 headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        writer.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
        return this;
    }

    /** A GET of {@code path}, ending the stream. */
    RawHttp2 get(int streamId, String path) throws IOException {
        return headers(streamId, request("GET", path), true);
    }

    static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("localhost");
    }

    RawHttp2 data(int streamId, byte[] bytes, boolean endStream) {
        writer.writeData(ctx, streamId, Unpooled.wrappedBuffer(bytes), 0, endStream, ctx.newPromise());
        return this;
    }

    RawHttp2 ping(long data) {
        writer.writePing(ctx, false, data, ctx.newPromise());
        return this;
    }

    RawHttp2 reset(int streamId, Http2Error error) {
        writer.writeRstStream(ctx, streamId, error.code(), ctx.newPromise());
        return this;
    }

    /** The bytes of what was written so far, taken out instead of sent (to send many times with {@link #send}). */
    byte[] encoded() {
        codec.flushOutbound();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (ByteBuf b; (b = codec.readOutbound()) != null; ) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            all.write(bytes, 0, bytes.length);
        }
        return all.toByteArray();
    }

    /** Sends {@code bytes} as they are. */
    void send(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** Sends what was written so far. */
    RawHttp2 flush() throws IOException {
        out.write(encoded());
        out.flush();
        return this;
    }

    /** Reads what the server sent until {@code done} holds, the connection closes, or {@code millis} pass. */
    boolean readUntil(java.util.function.BooleanSupplier done, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        byte[] buf = new byte[1 << 16];
        while (!done.getAsBoolean()) {
            if (closed || System.nanoTime() > deadline) {
                return done.getAsBoolean();
            }
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                n = -1; // reset
            }
            if (n < 0) {
                closed = true;
                continue;
            }
            pending.writeBytes(buf, 0, n);
            try {
                reader.readFrame(ctx, pending, new Listener());
            } catch (Exception e) {
                throw new IOException(e);
            }
            pending.discardReadBytes();
            try {
                flush(); // SETTINGS and PING acknowledgements, window updates
            } catch (IOException e) {
                closed = true; // the server closed meanwhile: what it sent before is read above
            }
        }
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    /** {@code true} if the stream got an answer: a whole response, a reset, or a GOAWAY that does not cover it. */
    boolean answered(int streamId) {
        Stream s = streams.get(streamId);
        if (s != null && (s.ended || s.reset >= 0)) {
            return true;
        }
        return goAwayLastStream >= 0 && streamId > goAwayLastStream;
    }

    private Stream stream(int id) {
        return streams.computeIfAbsent(id, k -> new Stream());
    }

    private final class Listener extends Http2FrameAdapter {
        @Override
        public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean end) {
            Stream s = stream(streamId);
            s.data += data.readableBytes();
            s.ended |= end;
            int consumed = data.readableBytes() + padding;
            if (consumed > 0) {
                // Keep the windows open: the connection's and the stream's.
                writer.writeWindowUpdate(ctx, 0, consumed, ctx.newPromise());
                if (!end) {
                    writer.writeWindowUpdate(ctx, streamId, consumed, ctx.newPromise());
                }
            }
            return consumed;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                                  boolean end) {
            Stream s = stream(streamId);
            if (s.headers == null) {
                s.headers = headers;
            }
            s.ended |= end;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int dependency,
                                  short weight, boolean exclusive, int padding, boolean end) {
            onHeadersRead(c, streamId, headers, padding, end);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
            stream(streamId).reset = errorCode;
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
            writer.writeSettingsAck(ctx, ctx.newPromise());
        }

        @Override
        public void onPingRead(ChannelHandlerContext c, long data) {
            writer.writePing(ctx, true, data, ctx.newPromise());
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
            goAwayLastStream = lastStreamId;
            goAwayError = errorCode;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        pending.release();
        codec.finishAndReleaseAll();
        reader.close();
        writer.close();
    }
}
