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
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.contrib.channel.aio.AioFileSink;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CONTINUE;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

/**
 * Takes {@code PUT} and {@code DELETE} requests (with {@code --uploads}) before they reach the
 * {@link FileServerHandler}; everything else passes through. A {@code PUT} body streams into a hidden temporary file
 * in the target's directory through an {@link AioFileSink} (O_DIRECT AIO on the connection's loop, reading paused
 * while the disk is behind), which is synced and then renamed over the target: a reader sees the old file or the
 * whole new one, never part of it, and an upload that fails or is cut off leaves nothing behind.
 *
 * <p>Responses stay in request order: a {@code PUT} or {@code DELETE} starts only when the file handler has answered
 * every request before it, and what arrives after it (pipelined) waits here, with reading paused, until it has been
 * answered.
 */
final class UploadHandler extends ChannelInboundHandlerAdapter {

    private static final String SERVER = "netty-transport-aio";

    private final UploadTargets targets;
    private final long maxUpload;
    private final boolean aio;
    private final BooleanSupplier stopping;
    private final BooleanSupplier filesIdle;
    private final RequestFlow flow;
    private final FailureLog log;
    /** Messages that arrived after a request this handler answers, or that wait for the file handler to finish. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** The request being answered here, from its head until its response has been written; or {@code null}. */
    private Exchange exchange;
    private boolean pausedFlow;
    private boolean idleCheckScheduled;
    private boolean replaying;
    private boolean closed;

    /**
     * @param filesIdle {@code true} when the file handler has no response under way or waiting
     */
    UploadHandler(FileServerOptions options, BooleanSupplier stopping, BooleanSupplier filesIdle, RequestFlow flow,
                  FailureLog log) {
        targets = new UploadTargets(options.root);
        maxUpload = options.maxUpload;
        aio = options.uploadIo == FileServerOptions.UploadIo.AIO;
        this.stopping = stopping;
        this.filesIdle = filesIdle;
        this.flow = flow;
        this.log = log;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && exchange.inBody && msg instanceof HttpContent) {
            exchange.content((HttpContent) msg);
            return;
        }
        if (exchange != null || !held.isEmpty() || closed) {
            hold(msg);
            return;
        }
        if (msg instanceof HttpRequest && isUpload((HttpRequest) msg)) {
            if (!filesIdle.getAsBoolean()) {
                // Responses go out in order: this one waits for those the file handler is writing.
                hold(msg);
                scheduleIdleCheck();
                return;
            }
            start((HttpRequest) msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isUpload(HttpRequest request) {
        return HttpMethod.PUT.equals(request.method()) || HttpMethod.DELETE.equals(request.method());
    }

    private void hold(Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        held.add(msg);
        // Every time: the file handler resumes the flow as it answers what it has, and what is held must stay
        // bounded by a few decoded messages per resume.
        pausedFlow = true;
        flow.pause();
    }

    private void scheduleIdleCheck() {
        if (!idleCheckScheduled) {
            idleCheckScheduled = true;
            ctx.executor().schedule(() -> {
                idleCheckScheduled = false;
                replay();
            }, 1, TimeUnit.MILLISECONDS);
        }
    }

    /** Hands what was held on, in order, until a request that this handler answers starts (or must wait). */
    private void replay() {
        if (replaying || closed) {
            return;
        }
        replaying = true;
        try {
            while (exchange == null && !held.isEmpty() && !closed) {
                Object msg = held.peek();
                if (msg instanceof HttpRequest && isUpload((HttpRequest) msg)) {
                    if (!filesIdle.getAsBoolean()) {
                        scheduleIdleCheck();
                        return;
                    }
                    held.poll();
                    start((HttpRequest) msg);
                    // Its body may be held behind it.
                    while (exchange != null && exchange.inBody && held.peek() instanceof HttpContent) {
                        exchange.content((HttpContent) held.poll());
                    }
                } else {
                    ctx.fireChannelRead(held.poll());
                }
            }
        } finally {
            replaying = false;
        }
        if (held.isEmpty() && exchange == null && pausedFlow) {
            pausedFlow = false;
            flow.resume();
        }
    }

    private void start(HttpRequest request) {
        flow.headReceived();
        exchange = new Exchange(request);
        exchange.begin();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (exchange != null) {
            exchange.abort(new IOException("the connection closed during the upload"));
        }
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
        ctx.fireChannelInactive();
    }

    /** One {@code PUT} or {@code DELETE}: its checks, its body, its response. */
    private final class Exchange {
        private final HttpRequest request;
        private final boolean keepAlive;
        /** The body is read into this exchange (streamed into the file, or discarded after an early answer). */
        boolean inBody;
        private Upload upload;
        /** The answer, given before the body has been read: sent once it has. */
        private FullHttpResponse early;
        private long received;
        private boolean responded;

        Exchange(HttpRequest request) {
            this.request = request;
            keepAlive = HttpUtil.isKeepAlive(request) && !stopping.getAsBoolean();
            inBody = !(request instanceof LastHttpContent);
        }

        void begin() {
            HttpResponseStatus refusal = RequestChecks.refusal(request);
            if (refusal != null) {
                answerEarly(response(refusal));
                return;
            }
            if (HttpMethod.DELETE.equals(request.method())) {
                answerEarly(response(targets.delete(request.uri(), log, ctx.channel())));
                return;
            }
            long length = HttpUtil.getContentLength(request, -1L);
            if (length > maxUpload) {
                answerEarly(response(REQUEST_ENTITY_TOO_LARGE));
                return;
            }
            UploadTargets.Target target = targets.resolve(request.uri());
            if (target.refusal != null) {
                answerEarly(response(target.refusal));
                return;
            }
            try {
                upload = Upload.start(ctx.channel(), target.path, length, aio);
            } catch (IOException | RuntimeException e) {
                log.failed(ctx.channel(), "upload to " + target.path, e);
                answerEarly(response(UploadTargets.statusOf(e)));
                return;
            }
            if (length > 0) {
                flow.bodyExpected(length);
            }
            if (HttpUtil.is100ContinueExpected(request)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HTTP_1_1, CONTINUE, Unpooled.EMPTY_BUFFER));
            }
            if (!inBody) {
                finishUpload();
            }
        }

        /**
         * The answer is known before the body: with {@code Expect: 100-continue} the client has not sent it and the
         * connection closes after the answer; otherwise the body is read and dropped first, then the answer goes.
         */
        private void answerEarly(FullHttpResponse res) {
            if (!inBody) {
                respond(res, keepAlive);
            } else if (HttpUtil.is100ContinueExpected(request)) {
                respond(res, false);
            } else {
                early = res;
            }
        }

        void content(HttpContent content) {
            try {
                boolean last = content instanceof LastHttpContent;
                if (last) {
                    inBody = false;
                    flow.requestEnded();
                }
                if (content.decoderResult().isFailure()) {
                    abort(new IOException("malformed request body", content.decoderResult().cause()));
                    releaseEarly();
                    respond(response(BAD_REQUEST), false);
                    return;
                }
                if (upload != null) {
                    received += content.content().readableBytes();
                    if (received > maxUpload) {
                        abort(new IOException("upload larger than --max-upload " + maxUpload));
                        // The client is still sending: answer now and close, rather than read what is refused.
                        respond(response(REQUEST_ENTITY_TOO_LARGE), false);
                        return;
                    }
                    upload.write(content.content().retain());
                    if (last) {
                        finishUpload();
                    }
                } else if (last && early != null) {
                    FullHttpResponse res = early;
                    early = null;
                    respond(res, keepAlive);
                }
            } finally {
                content.release();
            }
        }

        private void finishUpload() {
            Upload u = upload;
            u.finish().addListener(f -> {
                upload = null;
                if (f.isSuccess()) {
                    respond(response((Boolean) f.getNow() ? HttpResponseStatus.NO_CONTENT
                            : HttpResponseStatus.CREATED), keepAlive);
                } else {
                    log.failed(ctx.channel(), "upload to " + u.target(), f.cause());
                    respond(response(UploadTargets.statusOf(f.cause())), keepAlive);
                }
            });
        }

        void abort(Throwable cause) {
            if (upload != null) {
                upload.abort(cause);
                upload = null;
            }
        }

        private void releaseEarly() {
            if (early != null) {
                early.release();
                early = null;
            }
        }

        private FullHttpResponse response(HttpResponseStatus status) {
            ByteBuf body = status.code() == 201 || status.code() == 204 ? Unpooled.EMPTY_BUFFER
                    : Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, status, body);
            if (body.isReadable()) {
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            }
            if (status.code() != 204) {
                HttpUtil.setContentLength(res, body.readableBytes());
            }
            if (status.code() == 201) {
                res.headers().set(HttpHeaderNames.LOCATION, RequestTarget.decodePath(request.uri()));
            }
            res.headers().set(HttpHeaderNames.SERVER, SERVER).set(HttpHeaderNames.DATE,
                    DateFormatter.format(new Date()));
            return res;
        }

        private void respond(FullHttpResponse res, boolean keep) {
            if (responded || closed) {
                res.release();
                return;
            }
            responded = true;
            boolean keepOpen = keep && !stopping.getAsBoolean();
            if (!keepOpen) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(res).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess() || !keepOpen) {
                    closed = true;
                    abort(new IOException("the connection closed"));
                    ctx.close();
                    return;
                }
                if (inBody) {
                    // Answered before its body ended (never with keep-alive): nothing more to do.
                    return;
                }
                exchange = null;
                replay();
            });
        }
    }

    /** A failure of the connection gives up the upload under way (its temporary file is deleted). */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            exchange.abort(cause);
        }
        ctx.fireExceptionCaught(cause);
    }
}
