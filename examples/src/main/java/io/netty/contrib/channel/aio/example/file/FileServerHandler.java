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

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

import static io.netty.handler.codec.http.HttpResponseStatus.EXPECTATION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

/**
 * Answers GET and HEAD for files and directories under the root: Range (single, suffix, open and multiple ranges),
 * conditional requests, directory listings. File bodies are file regions or chunks, as {@link BodyWriter} decides
 * for the mode, the protocol (an HTTP/2 stream takes chunks) and {@code --gzip}. The same handler serves HTTP/1.1
 * connections and HTTP/2 streams (one request per stream; see {@link Http2ServerInitializer}). The handler takes
 * requests in and keeps them in order; {@link FileResponse} plans a file's response (validators, ranges, gzip),
 * {@link ResponseWriter} writes it, and {@link AccessRecord} keeps its access-log line.
 *
 * <p>Pipelined requests are answered one at a time, in order: a response starts (and opens its file) when the one
 * before it has been written. At most {@code --max-pipelined} requests wait behind it; then {@link RequestFlow}
 * stops reading until half of them have been answered. So a connection holds at most one open file and a bounded
 * number of waiting requests, whatever its client sends without reading.
 */
final class FileServerHandler extends ChannelInboundHandlerAdapter implements UploadHandler.Responses {

    private final Path root;
    private final BodyWriter bodies;
    private final int maxPipelined;
    private final int maxRanges;
    private final String allow;
    private final BooleanSupplier stopping;
    private final RequestFlow flow;
    private final boolean dotfiles;
    private final FailureLog log;
    private final AccessLog accessLog;
    private final MetadataLookup metadata;
    private final Deque<HttpRequest> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean responding;
    private boolean serving;
    private boolean closing;
    /** The response being sent, for the access log: its request, status and body size; null between responses. */
    private AccessRecord record;
    /** Writes the responses; made with {@link #record} when the handler is added. */
    private ResponseWriter writer;
    /** Told when the responses are all written and none waits ({@link #onIdle}); or {@code null}. */
    private Runnable idleListener;

    /**
     * @param accessLog where a line per response goes, or {@code null}
     * @param files the server's files open for regions
     */
    FileServerHandler(FileServerOptions options, BooleanSupplier stopping, RequestFlow flow, FailureLog log,
                      AccessLog accessLog, MetadataLookup metadata, SharedFiles files) {
        root = options.root;
        bodies = new BodyWriter(options.mode, options.aio, files);
        maxPipelined = options.maxPipelined;
        maxRanges = options.maxRanges;
        dotfiles = options.dotfiles;
        allow = options.uploads ? "GET, HEAD, PUT, DELETE" : "GET, HEAD";
        this.stopping = stopping;
        this.flow = flow;
        this.log = log;
        this.accessLog = accessLog;
        this.metadata = metadata;
    }

    /** {@code true} when no response is being written or waits: the connection can be closed without cutting one. */
    @Override
    public boolean isIdle() {
        return !responding && waiting.isEmpty();
    }

    /** Sets what runs each time the last response under way has been written and no request waits. */
    @Override
    public void onIdle(Runnable listener) {
        idleListener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        record = new AccessRecord(accessLog, ctx.channel().remoteAddress(),
                ctx.channel() instanceof Http2StreamChannel);
        writer = new ResponseWriter(ctx, bodies, log, record, maxRanges, this::complete);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                flow.headReceived();
                enqueue(head((HttpRequest) msg));
            } else if (msg instanceof HttpContent && ((HttpContent) msg).decoderResult().isFailure()) {
                // A body that cannot be framed (a bad chunk): after the responses before it, a 400 and the end.
                HttpRequest bad = new DefaultHttpRequest(HTTP_1_1, HttpMethod.GET, "/");
                bad.setDecoderResult(((HttpContent) msg).decoderResult());
                enqueue(bad);
            }
            // Bodies are not needed for GET and HEAD; the decoder frames them, the bytes are dropped here.
            if (msg instanceof LastHttpContent) {
                flow.requestEnded();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The head of a request, without a reference-counted body to keep while it waits. */
    private static HttpRequest head(HttpRequest request) {
        if (!(request instanceof FullHttpRequest)) {
            return request;
        }
        HttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.headers());
        head.setDecoderResult(request.decoderResult());
        return head;
    }

    private void enqueue(HttpRequest request) {
        if (closing) {
            return; // the connection ends after the response being written: later requests are not answered
        }
        waiting.add(request);
        if (waiting.size() >= maxPipelined) {
            flow.pause();
        }
        serveNext();
    }

    /**
     * Starts the next waiting response if none is being written. A response that completes at once calls back into
     * here; the outer call's loop serves the next one, so the stack does not grow with the number of requests.
     */
    private void serveNext() {
        if (serving) {
            return;
        }
        serving = true;
        try {
            while (!responding && !closing && !waiting.isEmpty() && ctx.channel().isActive()) {
                HttpRequest request = waiting.poll();
                if (waiting.size() <= maxPipelined / 2) {
                    flow.resume();
                }
                responding = true;
                try {
                    respond(request);
                } catch (RuntimeException e) {
                    log.failed(ctx.channel(), request.method() + " " + request.uri(), e);
                    closing = true;
                    ctx.close();
                }
            }
        } finally {
            serving = false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        waiting.clear();
        record.ended(false);
        ctx.fireChannelInactive();
    }

    private void respond(HttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !stopping.getAsBoolean();
        HttpResponseStatus refusal = RequestChecks.refusal(request);
        if (refusal != null) {
            // After a 417 the client may or may not send the body it announced: only a request without one leaves
            // the connection's framing known.
            boolean keep = refusal == EXPECTATION_FAILED && keepAlive && !RequestChecks.hasBody(request);
            writer.sendError(request, refusal, keep);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request) && RequestChecks.hasBody(request)) {
            keepAlive = false; // no 100 (Continue) is sent: the final answer comes first, and the body is not read
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse res = ResponseWriter.errorResponse(METHOD_NOT_ALLOWED);
            res.headers().set(HttpHeaderNames.ALLOW, allow);
            writer.send(request, res, keepAlive);
            return;
        }
        boolean keep = keepAlive;
        // The lookup runs here when the kernel's caches hold it, else on a metadata thread: then this response (and
        // the requests behind it) waits, and the answer continues on this loop.
        if (!metadata.open(root, request.uri(), dotfiles, ctx.executor(), opened -> answer(request, opened, keep))) {
            writer.sendError(request, SERVICE_UNAVAILABLE, keepAlive); // the metadata threads' queue is full
        }
    }

    /** Sends the response for a target whose file-system calls are done; on the loop, at once or after a lookup. */
    private void answer(HttpRequest request, OpenedTarget opened, boolean keepAlive) {
        if (closing || !ctx.channel().isActive()) {
            opened.close(); // the client went away while the lookup was out
            return;
        }
        try {
            writer.answer(request, opened, keepAlive);
        } catch (RuntimeException e) {
            opened.close();
            if (serving) {
                throw e; // serveNext's loop logs it and closes
            }
            log.failed(ctx.channel(), request.method() + " " + request.uri(), e);
            closing = true;
            ctx.close();
        }
    }

    /**
     * After the response's last byte: serve the next request, or close (asked for, stopping, or an error). The
     * listener may run at once, inside {@link #serveNext()}: its loop then starts the next response.
     */
    private void complete(HttpRequest request, ChannelFuture last, boolean keepAlive) {
        if (!keepAlive) {
            closing = true; // requests read after this one are not answered: no need to read them
            flow.pause();
        }
        last.addListener((ChannelFutureListener) f -> {
            responding = false;
            record.ended(f.isSuccess());
            if (!f.isSuccess()) {
                closing = true;
                log.failed(ctx.channel(), request.method() + " " + request.uri(), f.cause());
                ctx.close();
            } else if (closing || stopping.getAsBoolean()) {
                closing = true;
                ctx.close();
            } else {
                serveNext();
                if (isIdle() && idleListener != null) {
                    idleListener.run(); // a request held elsewhere (an upload) may go now
                }
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (responding) {
                // IdleStateHandler fires its first event whatever the output did; with observeOutput a later one
                // comes only if no byte was consumed since. A response in flight is stalled only then.
                if (((IdleStateEvent) evt).isFirst()) {
                    return;
                }
                log.failed(ctx.channel(), "stalled", new IOException("no progress for the idle timeout; closing"));
            }
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() instanceof Http2StreamChannel && Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // A malformed request on an HTTP/2 stream: the codec resets the stream with the error's code (closed
            // here, the reset would say CANCEL).
            log.debug(ctx.channel() + " HTTP/2 stream: " + cause);
            return;
        }
        log.failed(ctx.channel(), "connection", cause);
        ctx.close();
    }
}
