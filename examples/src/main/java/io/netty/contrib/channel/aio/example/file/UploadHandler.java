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
import io.netty.channel.socket.DuplexChannel;
import io.netty.contrib.channel.aio.AioFileSink;
import io.netty.contrib.channel.aio.AioLoopConfig;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CONTINUE;
import static io.netty.handler.codec.http.HttpResponseStatus.PRECONDITION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

/**
 * Takes {@code PUT} and {@code DELETE} requests (with {@code --uploads}) before they reach the
 * {@link FileServerHandler}; everything else passes through. A {@code PUT} body streams into a hidden temporary file
 * in the target's directory through an {@link AioFileSink} (O_DIRECT AIO on the connection's loop, reading paused
 * while the disk is behind), which is synced and then renamed over the target: a reader sees the old file or the
 * whole new one, never part of it, and an upload that fails or is cut off leaves nothing behind.
 *
 * <p>The blocking file-system steps (resolving the target and its directory, creating the temporary file, the
 * rename, the directory sync, a delete) run where {@link MetadataLookup} puts them, as a {@code GET}'s lookup does;
 * while one is out, the body that arrives waits here, with reading paused. When too many steps wait for the metadata
 * threads, a new upload or delete is answered {@code 503} (its body read and dropped) and nothing is created.
 *
 * <p>Responses stay in request order: a {@code PUT} or {@code DELETE} starts only when the file handler has answered
 * every request before it (it signals that, {@link Responses#onIdle}), and what arrives after it (pipelined) waits
 * here, with reading paused, until it has been answered.
 */
final class UploadHandler extends ChannelInboundHandlerAdapter {

    /** How long a connection answered in the middle of its request body keeps dropping what still arrives. */
    static final long LINGER_MILLIS = 2000;

    /** The handler that answers the connection's other requests, as this one needs it. */
    interface Responses {
        /** {@code true} when no response is being written or waits. */
        boolean isIdle();

        /** Sets what runs, on the loop, each time the responses under way are all written and none waits. */
        void onIdle(Runnable listener);
    }

    private final UploadTargets targets;
    private final long maxUpload;
    /** The loops' AIO settings for the sinks, or {@code null} for blocking writes ({@code --upload-io}). */
    private final AioLoopConfig aio;
    private final BooleanSupplier stopping;
    private final Responses files;
    private final RequestFlow flow;
    private final FailureLog log;
    private final MetadataLookup metadata;
    /** Messages that arrived after a request this handler answers, or that wait for the file handler to finish. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** The request being answered here, from its head until its response has been written; or {@code null}. */
    private Exchange exchange;
    private boolean pausedFlow;
    private boolean replaying;
    private boolean closed;

    /**
     * @param files the handler that answers the other requests: an upload waits until it is idle
     * @param metadata where the file-system steps run
     */
    UploadHandler(FileServerOptions options, BooleanSupplier stopping, Responses files, RequestFlow flow,
                  FailureLog log, MetadataLookup metadata) {
        targets = new UploadTargets(options.root);
        maxUpload = options.maxUpload;
        aio = options.uploadIo == FileServerOptions.UploadIo.AIO ? options.aio.loopConfig() : null;
        this.stopping = stopping;
        this.files = files;
        this.flow = flow;
        this.log = log;
        this.metadata = metadata;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Responses go out in order: an upload held behind the file handler's responses starts when they are done.
        files.onIdle(this::replay);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && exchange.takesBody() && msg instanceof HttpContent) {
            exchange.content((HttpContent) msg);
            return;
        }
        if (exchange != null || !held.isEmpty() || closed) {
            hold(msg);
            return;
        }
        if (msg instanceof HttpRequest && isUpload((HttpRequest) msg)) {
            if (!files.isIdle()) {
                hold(msg); // until the file handler signals that it is idle
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

    /**
     * Hands what was held on, in order: the body of the exchange under way once it takes it, then the requests after
     * it, until a request that this handler answers starts (or must wait for the file handler). Reading resumes when
     * nothing is held and nothing waits for a step.
     */
    private void replay() {
        if (replaying || closed) {
            return;
        }
        replaying = true;
        try {
            while (!held.isEmpty() && !closed) {
                Object msg = held.peek();
                if (exchange != null) {
                    if (!exchange.takesBody() || !(msg instanceof HttpContent)) {
                        break;
                    }
                    exchange.content((HttpContent) held.poll());
                } else if (msg instanceof HttpRequest && isUpload((HttpRequest) msg)) {
                    if (!files.isIdle()) {
                        break; // the file handler's idle signal calls back
                    }
                    held.poll();
                    start((HttpRequest) msg);
                } else {
                    ctx.fireChannelRead(held.poll());
                }
            }
        } finally {
            replaying = false;
        }
        if (pausedFlow && !closed && held.isEmpty() && (exchange == null || exchange.takesBody())) {
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

    /** What the step that makes an upload's temporary file found: where to write, or why not. */
    private static final class Prepared {
        final Path target;
        final Path temp;
        final HttpResponseStatus refusal;
        final IOException failure;

        Prepared(Path target, Path temp, HttpResponseStatus refusal, IOException failure) {
            this.target = target;
            this.temp = temp;
            this.refusal = refusal;
            this.failure = failure;
        }
    }

    /**
     * Resolves and checks a parsed target and the request's {@code conditions} (or {@code null}), then creates its
     * temporary file. Blocking; never throws.
     */
    private Prepared prepare(Path parsed, HttpHeaders conditions) {
        UploadTargets.Target target = targets.check(parsed);
        if (target.refusal != null) {
            return new Prepared(null, null, target.refusal, null);
        }
        try {
            if (conditions != null
                    && Preconditions.evaluate(conditions, target.path) == Preconditions.Outcome.FAILED) {
                return new Prepared(null, null, PRECONDITION_FAILED, null); // refused before the body is read
            }
            return new Prepared(target.path, Upload.createTemp(target.path), null, null);
        } catch (IOException e) {
            return new Prepared(target.path, null, null, e);
        }
    }

    /** Bytes of the body contents at the head of what is held. */
    private long heldBodyBytes() {
        long bytes = 0;
        for (Object msg : held) {
            if (!(msg instanceof HttpContent)) {
                break;
            }
            bytes += ((HttpContent) msg).content().readableBytes();
        }
        return bytes;
    }

    /** One {@code PUT} or {@code DELETE}: its checks, its body, its response. */
    private final class Exchange {
        private final HttpRequest request;
        private final boolean keepAlive;
        private final long length;
        /** The request's headers when it has conditions to meet ({@link Preconditions}), else {@code null}. */
        private final HttpHeaders conditions;
        /** The body is read into this exchange (streamed into the file, or discarded after an early answer). */
        boolean inBody;
        /** A file-system step is out: the body waits (held) until its outcome is back. */
        private boolean stepOut;
        private Upload upload;
        /** The answer, given before the body has been read: sent once it has. */
        private FullHttpResponse early;
        private long received;
        private boolean responded;

        Exchange(HttpRequest request) {
            this.request = request;
            keepAlive = HttpUtil.isKeepAlive(request) && !stopping.getAsBoolean();
            // A head the decoder refused may carry a Content-Length that is not a number (or too large for one).
            length = request.decoderResult().isFailure() ? -1 : HttpUtil.getContentLength(request, -1L);
            inBody = !(request instanceof LastHttpContent);
            conditions = Preconditions.conditional(request.headers()) ? request.headers() : null;
        }

        /** {@code true} while the body is being read and no step is out. */
        boolean takesBody() {
            return inBody && !stepOut;
        }

        void begin() {
            HttpResponseStatus refusal = RequestChecks.refusal(request);
            if (refusal != null) {
                if (request.decoderResult().isFailure()) {
                    // The decoder reads nothing more of this connection (a bad Content-Length, or one beside a
                    // Transfer-Encoding): no body will end. Answer at once and close.
                    respond(response(refusal), false);
                } else {
                    answerEarly(response(refusal));
                }
                return;
            }
            boolean delete = HttpMethod.DELETE.equals(request.method());
            if (!delete && length > maxUpload) {
                respond(response(REQUEST_ENTITY_TOO_LARGE), false); // at once: what is refused is not read first
                return;
            }
            if (!delete && request.headers().contains(HttpHeaderNames.CONTENT_RANGE)) {
                // A partial PUT is not supported: the fragment must not replace the file (RFC 9110, section 14.5).
                answerEarly(response(BAD_REQUEST));
                return;
            }
            UploadTargets.Target parsed = targets.parse(request.uri());
            if (parsed.refusal != null) {
                answerEarly(response(parsed.refusal));
                return;
            }
            stepOut = true;
            boolean admitted = delete
                    ? metadata.change(new MetadataLookup.Step<>("delete",
                            () -> targets.delete(parsed.path, request.headers()), this::deleted), ctx.executor())
                    : metadata.change(new MetadataLookup.Step<>("create", () -> prepare(parsed.path, conditions),
                            this::prepared).dropped(p -> Upload.deleteNow(p.temp)), ctx.executor());
            if (!admitted) {
                stepOut = false;
                FullHttpResponse busy = response(SERVICE_UNAVAILABLE);
                busy.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
                answerEarly(busy);
            }
        }

        /** The outcome of a {@code DELETE}, on the loop. */
        private void deleted(UploadTargets.Deletion deletion) {
            stepOut = false;
            if (deletion.failure != null) {
                log.failed(ctx.channel(), "delete " + deletion.path, deletion.failure);
            }
            answerEarly(response(deletion.status));
            replay();
        }

        /** The temporary file is made (or refused), on the loop: the body may now stream into it. */
        private void prepared(Prepared p) {
            stepOut = false;
            if (closed || exchange != this) {
                if (p.temp != null) {
                    Upload.deleteTemp(metadata, ctx.executor(), p.temp); // the client went away meanwhile
                }
                return;
            }
            if (p.refusal != null) {
                answerEarly(response(p.refusal));
            } else if (p.failure != null) {
                log.failed(ctx.channel(), "upload to " + p.target, p.failure);
                answerEarly(response(UploadTargets.statusOf(p.failure)));
            } else {
                startUpload(p);
            }
            replay();
        }

        private void startUpload(Prepared p) {
            try {
                upload = Upload.open(ctx.channel(), metadata, p.target, p.temp, conditions, length, aio);
            } catch (IOException | RuntimeException e) {
                log.failed(ctx.channel(), "upload to " + p.target, e);
                answerEarly(response(UploadTargets.statusOf(e)));
                return;
            }
            if (length > 0) {
                flow.bodyExpected(length - heldBodyBytes()); // what was decoded while the step was out is held
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
                    releaseEarly();
                    abortThenRespond(new IOException("malformed request body", content.decoderResult().cause()),
                            BAD_REQUEST);
                    return;
                }
                if (upload != null) {
                    received += content.content().readableBytes();
                    if (received > maxUpload) {
                        // The client is still sending: answer now and close, rather than read what is refused.
                        abortThenRespond(new IOException("upload larger than --max-upload " + maxUpload),
                                REQUEST_ENTITY_TOO_LARGE);
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

        /** Gives up the upload (if any) and, once its temporary file is gone, answers {@code status} and closes. */
        private void abortThenRespond(Throwable cause, HttpResponseStatus status) {
            if (upload == null) {
                respond(response(status), false);
                return;
            }
            Upload u = upload;
            upload = null;
            u.abort(cause).addListener(f -> respond(response(status), false));
        }

        private void finishUpload() {
            Upload u = upload;
            u.finish().addListener(f -> {
                upload = null;
                if (f.isSuccess()) {
                    respond(response((Boolean) f.getNow() ? HttpResponseStatus.NO_CONTENT
                            : HttpResponseStatus.CREATED), keepAlive);
                } else {
                    if (!(f.cause() instanceof Preconditions.Failed)) {
                        log.failed(ctx.channel(), "upload to " + u.target(), f.cause());
                    }
                    respond(response(UploadTargets.statusOf(f.cause())), keepAlive);
                }
            });
        }

        void abort(Throwable cause) {
            if (upload != null) {
                upload.abort(cause);
                upload = null;
            }
            releaseEarly();
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
                res.headers().set(HttpHeaderNames.LOCATION,
                        RequestTarget.encodePath(RequestTarget.decodePath(request.uri())));
            }
            res.headers().set(HttpHeaderNames.SERVER, FileResponse.SERVER).set(HttpHeaderNames.DATE,
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
                    if (f.isSuccess() && inBody && ctx.channel() instanceof DuplexChannel) {
                        lingeringClose();
                    } else {
                        ctx.close();
                    }
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

    /**
     * Closes a connection answered while its client may still be sending the body: what arrives meanwhile is read
     * and dropped for up to {@link #LINGER_MILLIS}, or until the client closes. Closed at once, a socket with unread
     * bytes sends a reset, which can reach the client before it has read the answer.
     */
    private void lingeringClose() {
        ctx.executor().schedule((Runnable) ctx::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
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
