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
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Paces a connection's request bytes into the HTTP decoder; it sits between the socket (or TLS) and the codec.
 *
 * <p>Flow control: while {@link #pause() paused} (the connection has as many requests waiting as it may), the channel
 * reads nothing more (auto-read off, and the decoders' own {@code read()} calls are held back) and the bytes already
 * read wait here undecoded. They reach the decoder in small slices, so that one read of many pipelined requests
 * decodes only a few of them past the bound. What a paused connection costs is one read's worth of bytes.
 *
 * <p>Header timeout: a request head (request line and headers) must be complete within the timeout once its first
 * byte has reached the decoder, or the connection is closed; a connection's first head, within the timeout from the
 * instant given (when its protocol became known: its first byte, or the end of its TLS handshake), so that a client
 * that sends no request is closed too. Paused time does not count: the client cannot finish a
 * head the server does not read. A body is not timed here (GET and HEAD have none; the idle timeout still applies).
 */
final class RequestFlow extends ChannelDuplexHandler {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RequestFlow.class);

    /** Bytes given to the decoder at a time: bounds what one step can decode beyond the point of pausing. */
    static final int SLICE = 1024;
    /**
     * Bytes given at a time inside a body of known length (an upload): larger slices cost less per byte, and the body
     * still ahead bounds how far past its end one can reach (at most one {@link #SLICE}, read with the head).
     */
    static final int BODY_SLICE = 64 * 1024;

    private final long headerTimeoutNanos;
    private ChannelHandlerContext ctx;
    private ByteBuf held;
    private boolean paused;
    private boolean inBody;
    /** Body bytes still to come, as far as known (0: unknown, or none). */
    private long bodyLeft;
    /** When the head being received got its first byte to the decoder; 0 while none is. */
    private long headStart;
    private ScheduledFuture<?> headerTimer;

    /**
     * @param firstHeadSince when ({@link System#nanoTime()}) the first head's time starts, or 0: from its first byte
     */
    RequestFlow(long headerTimeout, TimeUnit unit, long firstHeadSince) {
        headerTimeoutNanos = unit.toNanos(headerTimeout);
        headStart = firstHeadSince == 0 ? 0 : firstHeadSince | 1;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (headStart != 0) {
            checkHeaderTime();
        }
    }

    /** Stops reading: nothing more is read or decoded until {@link #resume()}. */
    void pause() {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            headStart = 0;
        }
    }

    /** Decodes what is held, then reads again (unless that paused it again). */
    void resume() {
        if (paused) {
            paused = false;
            deliver();
            if (!paused) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    /** A request head is complete: its timer stops, and what follows is its body until {@link #requestEnded()}. */
    void headReceived() {
        headStart = 0;
        inBody = true;
    }

    /**
     * The request whose head was just received has a body of {@code length} bytes (its {@code Content-Length}): it
     * is given to the decoder in larger slices.
     */
    void bodyExpected(long length) {
        bodyLeft = Math.max(0, length);
    }

    /** A request (head and body) is complete: the next byte starts the next head. */
    void requestEnded() {
        inBody = false;
        bodyLeft = 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf bytes = (ByteBuf) msg;
        if (held == null) {
            held = bytes;
        } else {
            CompositeByteBuf all;
            if (held instanceof CompositeByteBuf) {
                all = (CompositeByteBuf) held;
            } else {
                all = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
                all.addComponent(true, held);
                held = all;
            }
            all.addComponent(true, bytes);
        }
        deliver();
    }

    private void deliver() {
        while (!paused && held != null && !ctx.isRemoved() && ctx.channel().isActive()) {
            ByteBuf slice;
            int size = bodyLeft > SLICE ? (int) Math.min(BODY_SLICE, bodyLeft) : SLICE;
            if (held.readableBytes() <= size) {
                slice = held;
                held = null;
            } else {
                slice = held.readRetainedSlice(size);
            }
            bodyLeft = Math.max(0, bodyLeft - slice.readableBytes());
            if (!inBody && headStart == 0 && slice.isReadable()) {
                headStart = System.nanoTime() | 1;
                if (headerTimer == null) {
                    headerTimer = ctx.executor().schedule(this::checkHeaderTime, headerTimeoutNanos,
                            TimeUnit.NANOSECONDS);
                }
            }
            ctx.fireChannelRead(slice);
        }
        if (held instanceof CompositeByteBuf) {
            ((CompositeByteBuf) held).discardReadComponents();
        }
    }

    /**
     * One timer per connection, not one per request: it is armed by the first head and, when it fires, re-armed for
     * what is left of the head being received (if any), as IdleStateHandler does.
     */
    private void checkHeaderTime() {
        headerTimer = null;
        if (headStart == 0) {
            return;
        }
        long left = headerTimeoutNanos - (System.nanoTime() - headStart);
        if (left > 0) {
            headerTimer = ctx.executor().schedule(this::checkHeaderTime, left, TimeUnit.NANOSECONDS);
            return;
        }
        logger.debug("{}: request head not complete within {} ms; closing", ctx.channel().remoteAddress(),
                TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos));
        ctx.close();
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!paused) {
            ctx.read(); // while paused, a decoder's read() for a partial message waits for resume()
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discard();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }

    private void discard() {
        cancelHeaderTimer();
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
