package io.netty.contrib.channel.aio.example.file;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.METHOD_NOT_ALLOWED;
import static io.netty.handler.codec.http.HttpResponseStatus.MOVED_PERMANENTLY;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_MODIFIED;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.PARTIAL_CONTENT;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

/**
 * Answers GET and HEAD for files and directories under the root: Range (single, suffix, open and multiple ranges),
 * conditional requests, directory listings. File bodies are {@link DefaultFileRegion}s (aio and sendfile modes) or
 * {@link CheckedChunkedNioFile}s (chunked mode).
 */
final class FileServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(FileServerHandler.class);
    private static final String SERVER = "netty-transport-aio";

    private final Path root;
    private final FileServerOptions.Mode mode;
    private final BooleanSupplier stopping;
    private int responsesInFlight;
    private boolean failureLogged;

    FileServerHandler(Path root, FileServerOptions.Mode mode, BooleanSupplier stopping) {
        this.root = root;
        this.mode = mode;
        this.stopping = stopping;
    }

    /** {@code true} when no response is being written: the connection can be closed without cutting one. */
    boolean isIdle() {
        return responsesInFlight == 0;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
        responsesInFlight++;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !stopping.getAsBoolean();
        if (request.decoderResult().isFailure()) {
            sendError(ctx, request, BAD_REQUEST, false);
            return;
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse res = errorResponse(METHOD_NOT_ALLOWED);
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, request, res, keepAlive);
            return;
        }
        String path;
        try {
            path = decodePath(request.uri());
        } catch (IllegalArgumentException e) {
            sendError(ctx, request, BAD_REQUEST, false);
            return;
        }
        if (path == null) {
            sendError(ctx, request, FORBIDDEN, keepAlive);
            return;
        }
        Path target = root.resolve(path.substring(1)).normalize();
        if (!target.startsWith(root)) {
            sendError(ctx, request, FORBIDDEN, keepAlive);
            return;
        }
        Path real;
        BasicFileAttributes attrs;
        try {
            real = target.toRealPath();
            attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            sendError(ctx, request, NOT_FOUND, keepAlive);
            return;
        }
        if (!real.startsWith(root)) {
            // A symbolic link that leaves the root.
            sendError(ctx, request, FORBIDDEN, keepAlive);
            return;
        }
        if (attrs.isDirectory()) {
            if (!path.endsWith("/")) {
                FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, MOVED_PERMANENTLY, Unpooled.EMPTY_BUFFER);
                res.headers().set(HttpHeaderNames.LOCATION, encodePath(path) + '/');
                send(ctx, request, res, keepAlive);
                return;
            }
            sendListing(ctx, request, path, real, keepAlive);
            return;
        }
        if (!attrs.isRegularFile()) {
            sendError(ctx, request, FORBIDDEN, keepAlive);
            return;
        }
        sendFile(ctx, request, real, keepAlive);
    }

    /**
     * The decoded path of a request target: starts with '/', no NUL, no ".." segment (null for the last two: those
     * are refused, not looked up). Throws {@link IllegalArgumentException} when malformed.
     */
    static String decodePath(String uri) {
        String raw = uri;
        if (raw.startsWith("http://") || raw.startsWith("https://")) {
            raw = URI.create(raw).getRawPath();
        }
        String path = new QueryStringDecoder(raw).path();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + uri);
        }
        if (path.indexOf('\0') >= 0) {
            return null;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return null;
            }
        }
        return path;
    }

    private void sendFile(ChannelHandlerContext ctx, FullHttpRequest request, Path file, boolean keepAlive)
            throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            sendError(ctx, request, NOT_FOUND, keepAlive);
            return;
        } catch (IOException e) {
            sendError(ctx, request, FORBIDDEN, keepAlive);
            return;
        }
        boolean ownsChannel = true;
        try {
            long length = channel.size();
            long modified = Files.getLastModifiedTime(file).toMillis();
            String etag = '"' + Long.toHexString(length) + '-' + Long.toHexString(modified) + '"';
            String lastModified = DateFormatter.format(new Date(modified));
            HttpHeaders req = request.headers();

            if (notModified(req, etag, modified)) {
                FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
                res.headers().set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.LAST_MODIFIED, lastModified);
                send(ctx, request, res, keepAlive);
                return;
            }

            List<long[]> ranges = null;
            String range = req.get(HttpHeaderNames.RANGE);
            if (range != null && ifRangeMatches(req.get(HttpHeaderNames.IF_RANGE), etag, modified)) {
                ranges = ByteRanges.parse(range, length);
            }
            if (ranges != null && ranges.isEmpty()) {
                FullHttpResponse res = errorResponse(REQUESTED_RANGE_NOT_SATISFIABLE);
                res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
                send(ctx, request, res, keepAlive);
                return;
            }

            boolean head = HttpMethod.HEAD.equals(request.method());
            String contentType = MimeTypes.of(file.getFileName().toString());
            HttpResponse res;
            if (ranges == null || ranges.size() == 1) {
                long first = ranges == null ? 0 : ranges.get(0)[0];
                long count = ranges == null ? length : ranges.get(0)[1] - first + 1;
                res = new DefaultHttpResponse(HTTP_1_1, ranges == null ? OK : PARTIAL_CONTENT);
                if (ranges != null) {
                    res.headers().set(HttpHeaderNames.CONTENT_RANGE,
                            "bytes " + first + '-' + (first + count - 1) + '/' + length);
                }
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
                HttpUtil.setContentLength(res, count);
                headers(res, etag, lastModified, keepAlive);
                ctx.write(res);
                if (!head && count > 0) {
                    writeBody(ctx, channel, first, count);
                    ownsChannel = false;
                }
            } else {
                String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "aio";
                List<ByteBuf> partHeaders = new ArrayList<>();
                long total = 0;
                for (long[] r : ranges) {
                    ByteBuf h = Unpooled.copiedBuffer("\r\n--" + boundary + "\r\nContent-Type: " + contentType
                            + "\r\nContent-Range: bytes " + r[0] + '-' + r[1] + '/' + length + "\r\n\r\n",
                            StandardCharsets.US_ASCII);
                    partHeaders.add(h);
                    total += h.readableBytes() + r[1] - r[0] + 1;
                }
                ByteBuf end = Unpooled.copiedBuffer("\r\n--" + boundary + "--\r\n", StandardCharsets.US_ASCII);
                total += end.readableBytes();
                res = new DefaultHttpResponse(HTTP_1_1, PARTIAL_CONTENT);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
                HttpUtil.setContentLength(res, total);
                headers(res, etag, lastModified, keepAlive);
                ctx.write(res);
                if (head) {
                    partHeaders.forEach(ByteBuf::release);
                    end.release();
                } else {
                    for (int i = 0; i < ranges.size(); i++) {
                        ctx.write(partHeaders.get(i));
                        long[] r = ranges.get(i);
                        writeBody(ctx, FileChannel.open(file, StandardOpenOption.READ), r[0], r[1] - r[0] + 1);
                    }
                    ctx.write(end);
                }
            }
            ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            complete(ctx, request, last, keepAlive);
        } finally {
            if (ownsChannel) {
                channel.close();
            }
        }
    }

    /** The file's bytes, as the mode sends them; the channel is closed when they have been sent. */
    private void writeBody(ChannelHandlerContext ctx, FileChannel channel, long position, long count)
            throws IOException {
        ChannelFuture body;
        if (mode == FileServerOptions.Mode.CHUNKED) {
            body = ctx.write(new CheckedChunkedNioFile(channel, position, count, 64 * 1024));
        } else {
            // Unchanged application code: in aio mode the AioFileRegionHandler below the codec streams it.
            body = ctx.write(new DefaultFileRegion(channel, position, count));
        }
        // A body cut short (file truncated, read error) breaks the response's framing: the connection must go.
        body.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                logFailure(ctx, "body of " + count + " bytes at " + position, f.cause());
                ctx.close();
            }
        });
    }

    private static boolean notModified(HttpHeaders req, String etag, long modified) {
        String ifNoneMatch = req.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            for (String tag : ifNoneMatch.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || t.equals(etag) || t.startsWith("W/") && t.substring(2).equals(etag)) {
                    return true;
                }
            }
            return false;
        }
        String ifModifiedSince = req.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        Date since = ifModifiedSince == null ? null : DateFormatter.parseHttpDate(ifModifiedSince);
        return since != null && modified / 1000 <= since.getTime() / 1000;
    }

    private static boolean ifRangeMatches(String ifRange, String etag, long modified) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"")) {
            return v.equals(etag);
        }
        if (v.startsWith("W/")) {
            return false; // a weak validator never matches If-Range
        }
        Date date = DateFormatter.parseHttpDate(v);
        return date != null && date.getTime() / 1000 == modified / 1000;
    }

    private void sendListing(ChannelHandlerContext ctx, FullHttpRequest request, String path, Path dir,
                             boolean keepAlive) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString() + (Files.isDirectory(entry) ? "/" : ""));
            }
        } catch (IOException e) {
            sendError(ctx, request, FORBIDDEN, keepAlive);
            return;
        }
        Collections.sort(names);
        StringBuilder html = new StringBuilder(256 + names.size() * 64)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ")
                .append(escapeHtml(path)).append("</title></head><body>\n<h1>Index of ").append(escapeHtml(path))
                .append("</h1>\n<ul>\n");
        if (!path.equals("/")) {
            html.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (String name : names) {
            html.append("<li><a href=\"").append(escapeHtml(encodeSegment(name))).append("\">")
                    .append(escapeHtml(name)).append("</a></li>\n");
        }
        html.append("</ul>\n</body></html>\n");
        ByteBuf body = Unpooled.copiedBuffer(html, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, OK, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        send(ctx, request, res, keepAlive);
    }

    private static String encodeSegment(String name) {
        boolean dir = name.endsWith("/");
        String bare = dir ? name.substring(0, name.length() - 1) : name;
        return URLEncoder.encode(bare, StandardCharsets.UTF_8).replace("+", "%20") + (dir ? "/" : "");
    }

    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (sb.length() > 0 || path.startsWith("/")) {
                sb.append('/');
            }
            sb.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.substring(path.startsWith("/") ? 1 : 0);
    }

    static String escapeHtml(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }

    private static FullHttpResponse errorResponse(HttpResponseStatus status) {
        ByteBuf body = Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return res;
    }

    private void sendError(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                           boolean keepAlive) {
        send(ctx, request, errorResponse(status), keepAlive);
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse res, boolean keepAlive) {
        HttpUtil.setContentLength(res, res.content().readableBytes());
        headers(res, null, null, keepAlive);
        if (HttpMethod.HEAD.equals(request.method())) {
            // Same headers as GET, no body.
            FullHttpResponse head = res.replace(Unpooled.EMPTY_BUFFER);
            res.release();
            res = head;
        }
        complete(ctx, request, ctx.writeAndFlush(res), keepAlive);
    }

    private static void headers(HttpResponse res, String etag, String lastModified, boolean keepAlive) {
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.SERVER, SERVER).set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        if (etag != null) {
            h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES).set(HttpHeaderNames.ETAG, etag)
                    .set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    /** After the response's last byte: keep the connection, or close it (asked for, stopping, or an error). */
    private void complete(ChannelHandlerContext ctx, FullHttpRequest request, ChannelFuture last, boolean keepAlive) {
        String what = request.method() + " " + request.uri();
        last.addListener((ChannelFutureListener) f -> {
            responsesInFlight--;
            if (!f.isSuccess()) {
                logFailure(ctx, what, f.cause());
                ctx.close();
            } else if (!keepAlive || stopping.getAsBoolean() && responsesInFlight == 0) {
                ctx.close();
            }
        });
    }

    /** One line per failed connection: what failed first (later failures are its consequences). */
    private void logFailure(ChannelHandlerContext ctx, String what, Throwable cause) {
        if (!failureLogged) {
            failureLogged = true;
            logger.info("{} {}: {}", ctx.channel().remoteAddress(), what, cause.toString());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (responsesInFlight > 0) {
                // IdleStateHandler fires its first event whatever the output did; with observeOutput a later one
                // comes only if no byte was consumed since. A response in flight is stalled only then.
                if (((IdleStateEvent) evt).isFirst()) {
                    return;
                }
                logFailure(ctx, "stalled", new IOException("no progress for the idle timeout; closing"));
            }
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logFailure(ctx, "connection", cause);
        ctx.close();
    }
}
