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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileDescriptor;
import io.netty.contrib.channel.aio.AioFiles;
import io.netty.contrib.channel.aio.FileLookups;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.MOVED_PERMANENTLY;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_MODIFIED;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.PARTIAL_CONTENT;
import static io.netty.handler.codec.http.HttpResponseStatus.PRECONDITION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;
import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

/**
 * Writes the responses of one connection (or HTTP/2 stream) for {@link FileServerHandler}, one at a time: a file's
 * body as {@link FileResponse} plans it (whole, one range, or the parts of a {@code multipart/byteranges} body with
 * one open file at a time), a directory listing, a redirect, an error. Each response's end goes to the handler's
 * {@link Completion}, which serves the next request or closes the connection; the access-log record is filled as
 * responses begin.
 */
final class ResponseWriter {

    /** What follows a response's last write: the next request, or the connection's end. */
    interface Completion {
        void complete(HttpRequest request, ChannelFuture last, boolean keepAlive);
    }

    private final ChannelHandlerContext ctx;
    private final BodyWriter bodies;
    private final FailureLog log;
    private final AccessRecord record;
    private final int maxRanges;
    private final Completion completion;

    ResponseWriter(ChannelHandlerContext ctx, BodyWriter bodies, FailureLog log, AccessRecord record, int maxRanges,
                   Completion completion) {
        this.ctx = ctx;
        this.bodies = bodies;
        this.log = log;
        this.record = record;
        this.maxRanges = maxRanges;
        this.completion = completion;
    }

    /** The response for a target whose file-system calls are done: a file, a listing, a redirect or an error. */
    void answer(HttpRequest request, OpenedTarget opened, boolean keepAlive) {
        RequestTarget target = opened.target;
        switch (target.kind()) {
            case FILE:
                sendFile(request, opened, keepAlive);
                break;
            case LISTING:
                sendListing(request, target.path(), opened, keepAlive);
                break;
            case REDIRECT:
                FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, MOVED_PERMANENTLY, Unpooled.EMPTY_BUFFER);
                res.headers().set(HttpHeaderNames.LOCATION, target.location());
                send(request, res, keepAlive);
                break;
            default:
                // After a malformed target the connection's framing is not trusted: it is closed.
                sendError(request, target.status(), keepAlive && target.status() != BAD_REQUEST);
        }
    }

    private void sendFile(HttpRequest request, OpenedTarget opened, boolean keepAlive) {
        if (opened.failure != null) {
            sendError(request, failedOpen(opened.failedStep, opened.failure), keepAlive);
            return;
        }
        FileChannel channel = opened.takeChannel();
        boolean ownsChannel = true;
        try {
            Compression gzip = ctx.pipeline().get(Compression.class);
            FileResponse plan = FileResponse.plan(request, opened.target.file(), opened.length, opened.modified,
                    gzip, maxRanges);
            boolean head = HttpMethod.HEAD.equals(request.method());
            switch (plan.kind) {
                case PRECONDITION_FAILED:
                    sendError(request, PRECONDITION_FAILED, keepAlive);
                    break;
                case NOT_MODIFIED:
                    send(request, plan.notModified(), keepAlive);
                    break;
                case RANGE_NOT_SATISFIABLE:
                    FullHttpResponse res = errorResponse(REQUESTED_RANGE_NOT_SATISFIABLE);
                    res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + plan.length);
                    send(request, res, keepAlive);
                    break;
                case BODY:
                    HttpResponse bodyHead = plan.head(request, keepAlive);
                    record.began(request, bodyHead.status(), head ? 0 : plan.count);
                    if (plan.compressed && !head) {
                        record.compressedBy(gzip);
                    }
                    ctx.write(bodyHead);
                    if (!head && plan.count > 0) {
                        ownsChannel = false;
                        writeBody(channel, opened.fileKey, plan.first, plan.count, plan.compressed);
                    }
                    completion.complete(request, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
                    break;
                default:
                    record.began(request, PARTIAL_CONTENT, head ? 0 : plan.parts.contentLength());
                    ctx.write(plan.head(request, keepAlive));
                    if (head) {
                        completion.complete(request, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
                    } else {
                        ownsChannel = false;
                        writePart(request, plan.parts, 0, channel, opened.fileKey, keepAlive);
                    }
            }
        } finally {
            if (ownsChannel) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Writes part {@code i} with {@code channel} (then closed), and the next part, with a file opened again, only
     * once this one has been sent: a response holds one open file at a time.
     */
    private void writePart(HttpRequest request, FileResponse.Multipart parts, int i, FileChannel channel,
                           Object fileKey, boolean keepAlive) {
        long[] r = parts.ranges.get(i);
        boolean last = i + 1 == parts.ranges.size();
        FileChannel next = null;
        if (!last) {
            // The body's message owns (and closes) this channel: the next part gets its own, on the same open file.
            try {
                next = sameFile(channel, parts.file);
            } catch (IOException e) {
                closeQuietly(channel);
                failedOpen("open", e); // the response has begun: its framing cannot be kept, the connection goes
                ctx.close();
                return;
            }
        }
        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(parts.partHeader(i), StandardCharsets.US_ASCII)));
        ChannelFuture body = writeBody(channel, fileKey, r[0], r[1] - r[0] + 1, false);
        if (last) {
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(parts.end(), StandardCharsets.US_ASCII)));
            completion.complete(request, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
            return;
        }
        ctx.flush();
        FileChannel nextChannel = next;
        body.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !ctx.channel().isActive()) {
                closeQuietly(nextChannel);
                return; // writeBody's listener has closed the connection
            }
            writePart(request, parts, i + 1, nextChannel, fileKey, keepAlive);
        });
    }

    /**
     * A second channel on the file that {@code channel} has open (through {@code /proc/self/fd}: no path lookup, no
     * disk wait), so that every part of a response comes from the file that was checked and opened, even if its path
     * names another file by now. Without the native library, the path is opened again.
     */
    private static FileChannel sameFile(FileChannel channel, Path path) throws IOException {
        if (Aio.isAvailable()) {
            AioFileDescriptor again = AioFiles.reopen(channel, AioFiles.O_RDONLY | AioFiles.O_CLOEXEC);
            try {
                return FileLookups.readChannel(again);
            } catch (UnsupportedOperationException e) {
                again.close(); // this JDK's FileDescriptor cannot take a descriptor: the path, then
            } catch (IOException | RuntimeException e) {
                again.close();
                throw e;
            }
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    /**
     * The status of a request whose file could not be opened or read: 404 and 403 for what the client asked, 503 (and
     * a log line) when the server is out of file descriptors, 500 (and a log line) for other errors.
     */
    private HttpResponseStatus failedOpen(String what, IOException e) {
        if (e instanceof NoSuchFileException) {
            return NOT_FOUND;
        }
        if (e instanceof AccessDeniedException) {
            return FORBIDDEN;
        }
        log.failed(ctx.channel(), what + " " + e.getMessage(), e);
        if (e instanceof FileSystemException && String.valueOf(((FileSystemException) e).getReason())
                .startsWith("Too many open files")) {
            return SERVICE_UNAVAILABLE; // EMFILE or ENFILE: a moment later it may work
        }
        return INTERNAL_SERVER_ERROR;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignore) {
            // nothing was written through it
        }
    }

    /**
     * The file's bytes, as a region or as chunks (see {@link BodyWriter}); the channel is closed when they have been
     * sent. {@code compressed}: the compressor encodes them, so they must be chunks.
     */
    private ChannelFuture writeBody(FileChannel channel, Object fileKey, long position, long count,
                                    boolean compressed) {
        ChannelFuture body;
        try {
            body = ctx.write(bodies.body(ctx, channel, fileKey, position, count, compressed));
        } catch (IOException e) {
            ctx.close(); // the response has begun: its framing cannot be kept
            return ctx.newFailedFuture(e);
        }
        // A body cut short (file truncated, read error) breaks the response's framing: the connection must go.
        body.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.failed(ctx.channel(), "body of " + count + " bytes at " + position, f.cause());
                ctx.close();
            }
        });
        return body;
    }

    private void sendListing(HttpRequest request, String path, OpenedTarget opened, boolean keepAlive) {
        if (opened.failure != null) {
            sendError(request, failedOpen(opened.failedStep, opened.failure), keepAlive);
            return;
        }
        ByteBuf body = Unpooled.copiedBuffer(DirectoryListing.html(path, opened.entries), StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, OK, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        send(request, res, keepAlive);
    }

    static FullHttpResponse errorResponse(HttpResponseStatus status) {
        ByteBuf body = Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return res;
    }

    void sendError(HttpRequest request, HttpResponseStatus status, boolean keepAlive) {
        FullHttpResponse res = errorResponse(status);
        if (status == SERVICE_UNAVAILABLE) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        }
        send(request, res, keepAlive);
    }

    void send(HttpRequest request, FullHttpResponse res, boolean keepAlive) {
        if (res.status().code() != NOT_MODIFIED.code()) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        }
        FileResponse.headers(res, null, null, keepAlive);
        if (HttpMethod.HEAD.equals(request.method())) {
            // Same headers as GET, no body.
            FullHttpResponse head = res.replace(Unpooled.EMPTY_BUFFER);
            res.release();
            res = head;
        }
        record.began(request, res.status(), res.content().readableBytes());
        completion.complete(request, ctx.writeAndFlush(res), keepAlive);
    }
}
