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

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the streams an HTTP/2 client resets, by what each reset cost the server, so that a rapid-reset flood
 * (CVE-2023-44487: open a stream, reset it at once, again and again) is cut off while a client that cancels downloads
 * it has begun to receive (a video player that seeks, a browser that navigates away) is not. Sits between the frame
 * codec and the stream multiplexer, where it sees the clients' resets and the response headers the streams send.
 *
 * <p>A reset of a stream whose response headers were not on the socket yet is <em>early</em>: the server started work
 * for nothing; at most
 * {@link #EARLY_RESETS} per {@link #WINDOW_SECONDS} seconds. A reset of a stream whose response has begun is
 * <em>late</em>: the client got what it cost, as it would have over HTTP/1.1 by closing a connection; at most
 * {@link #LATE_RESETS} per window, a bound only a client doing nothing else reaches. Past either, the connection gets
 * {@code GOAWAY} with {@code ENHANCE_YOUR_CALM} and closes.
 */
final class StreamResets extends ChannelDuplexHandler {

    static final int EARLY_RESETS = 200;
    static final int LATE_RESETS = 10_000;
    static final int WINDOW_SECONDS = 30;
    /** Streams remembered as answered: ids only grow, so the oldest go first (at most twice the streams open). */
    private static final int REMEMBERED = 2 * Http2ServerInitializer.MAX_CONCURRENT_STREAMS;

    /** The write of each recent stream's response headers: answered once it is done (on the socket). */
    private final Map<Integer, ChannelFuture> answered = new LinkedHashMap<Integer, ChannelFuture>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ChannelFuture> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long windowStart = System.nanoTime();
    private int early;
    private int late;
    private boolean cutOff;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Http2HeadersFrame && ((Http2HeadersFrame) msg).stream() != null) {
            promise = promise.unvoid();
            answered.putIfAbsent(((Http2HeadersFrame) msg).stream().id(), promise);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2ResetFrame && ((Http2ResetFrame) msg).stream() != null) {
            // Answered: the response headers went out before the reset was read. A reset read with the request,
            // or before the response could be written, is early however fast the server was.
            ChannelFuture headers = answered.remove(((Http2ResetFrame) msg).stream().id());
            boolean wasAnswered = headers != null && headers.isSuccess();
            if (exceeded(wasAnswered) && !cutOff) {
                cutOff = true;
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Counts a reset; {@code true} once the window has more of its kind than allowed. */
    private boolean exceeded(boolean wasAnswered) {
        long now = System.nanoTime();
        if (now - windowStart >= TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
            windowStart = now;
            early = 0;
            late = 0;
        }
        return wasAnswered ? ++late > LATE_RESETS : ++early > EARLY_RESETS;
    }
}
