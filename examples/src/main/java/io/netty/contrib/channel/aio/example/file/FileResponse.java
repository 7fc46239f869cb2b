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

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.netty.handler.codec.http.HttpResponseStatus.NOT_MODIFIED;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static io.netty.handler.codec.http.HttpResponseStatus.PARTIAL_CONTENT;
import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

/**
 * What to answer for a file, decided from the request and the file's size and modification time alone (no I/O):
 * the validators (a strong ETag, or a weak one for the gzip representation), the conditional headers, the ranges
 * asked for and whether the body is compressed; and the response head that goes with it. {@link FileServerHandler}
 * sends it.
 */
final class FileResponse {

    /** The answer. */
    enum Kind {
        /** A precondition failed: 412. */
        PRECONDITION_FAILED,
        /** The client's copy is current: 304, no body. */
        NOT_MODIFIED,
        /** No range asked for is in the file: 416. */
        RANGE_NOT_SATISFIABLE,
        /** The whole file (200), or one range of it (206): {@link #first} and {@link #count}. */
        BODY,
        /** Several ranges: a {@code multipart/byteranges} body of {@link #parts}. */
        MULTIPART
    }

    static final String SERVER = "netty-transport-aio";

    final Kind kind;
    final long length;
    /** The strong validator of the identity representation. */
    final String etag;
    final String lastModified;
    final String contentType;
    /** The file has a gzip representation too: responses carry {@code Vary: Accept-Encoding}. */
    final boolean varies;
    /** The body goes out gzip-encoded (whole files only). */
    final boolean compressed;
    /** {@link Kind#BODY}: the first byte and the count; a range when {@link #partial}. */
    final long first;
    final long count;
    final boolean partial;
    /** {@link Kind#MULTIPART}: the parts; else {@code null}. */
    final Multipart parts;

    private FileResponse(Kind kind, long length, String etag, String lastModified, String contentType,
                         boolean varies, boolean compressed, long first, long count, boolean partial,
                         Multipart parts) {
        this.kind = kind;
        this.length = length;
        this.etag = etag;
        this.lastModified = lastModified;
        this.contentType = contentType;
        this.varies = varies;
        this.compressed = compressed;
        this.first = first;
        this.count = count;
        this.partial = partial;
        this.parts = parts;
    }

    /**
     * Decides the answer for {@code file} of {@code length} bytes last modified at {@code modified} (ms).
     *
     * @param gzip the connection's compressor ({@code --gzip}), or {@code null}
     * @param maxRanges the most ranges one request may ask for
     */
    static FileResponse plan(HttpRequest request, Path file, long length, long modified, Compression gzip,
                             int maxRanges) {
        String etag = Preconditions.etag(length, modified);
        String lastModified = DateFormatter.format(new Date(modified));
        HttpHeaders req = request.headers();
        String contentType = MimeTypes.of(file.getFileName().toString());
        // --gzip: a compressible file has two representations; the gzip one has a weak validator.
        boolean varies = gzip != null && Compression.compressible(contentType, length);
        boolean compressed = varies && gzip.compresses(request, contentType, length);

        Kind kind;
        long first = 0;
        long count = length;
        boolean partial = false;
        Multipart parts = null;
        Preconditions.Outcome condition = Preconditions.evaluate(req, etag, modified, true);
        if (condition == Preconditions.Outcome.FAILED) {
            kind = Kind.PRECONDITION_FAILED;
        } else if (condition == Preconditions.Outcome.NOT_MODIFIED) {
            kind = Kind.NOT_MODIFIED;
        } else {
            List<long[]> ranges = null;
            String range = req.get(HttpHeaderNames.RANGE);
            if (range != null && ifRangeMatches(req.get(HttpHeaderNames.IF_RANGE), etag, modified)) {
                ranges = ByteRanges.parse(range, length, maxRanges);
            }
            if (ranges != null && ranges.isEmpty()) {
                kind = Kind.RANGE_NOT_SATISFIABLE;
            } else if (ranges == null || ranges.size() == 1) {
                kind = Kind.BODY;
                if (ranges != null) {
                    partial = true;
                    first = ranges.get(0)[0];
                    count = ranges.get(0)[1] - first + 1;
                    compressed = false; // ranges are served on the identity representation only
                }
            } else {
                kind = Kind.MULTIPART;
                parts = new Multipart(file, ranges, contentType, length);
                compressed = false;
            }
        }
        return new FileResponse(kind, length, etag, lastModified, contentType, varies, compressed, first, count,
                partial, parts);
    }

    /** The 304 (no {@code Content-Length}: a 304's would have to be the 200's, RFC 9110, section 8.6). */
    FullHttpResponse notModified() {
        FullHttpResponse res = new DefaultFullHttpResponse(HTTP_1_1, NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        res.headers().set(HttpHeaderNames.ETAG, compressed ? "W/" + etag : etag)
                .set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        vary(res);
        return res;
    }

    /** The head of a {@link Kind#BODY} or {@link Kind#MULTIPART} response. */
    HttpResponse head(HttpRequest request, boolean keepAlive) {
        HttpResponse res;
        if (kind == Kind.MULTIPART) {
            res = new DefaultHttpResponse(HTTP_1_1, PARTIAL_CONTENT);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + parts.boundary);
            HttpUtil.setContentLength(res, parts.contentLength());
            headers(res, etag, lastModified, keepAlive);
            vary(res);
            return res;
        }
        res = new DefaultHttpResponse(HTTP_1_1, partial ? PARTIAL_CONTENT : OK);
        if (partial) {
            res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + '-' + (first + count - 1) + '/'
                    + length);
        }
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(res, count);
        headers(res, compressed ? "W/" + etag : etag, lastModified, keepAlive);
        vary(res);
        if (compressed && HttpMethod.HEAD.equals(request.method())) {
            Compression.asCompressedHead(res); // the compressor passes HEAD through
        }
        return res;
    }

    private void vary(HttpResponse res) {
        if (varies) {
            res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
    }

    /** The headers every response has ({@code Server}, {@code Date}), the validators if any, and the framing. */
    static void headers(HttpResponse res, String etag, String lastModified, boolean keepAlive) {
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

    /** The ranges of a {@code multipart/byteranges} body and their part headers. */
    static final class Multipart {
        final Path file;
        final List<long[]> ranges;
        final String contentType;
        final long length;
        final String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "aio";

        Multipart(Path file, List<long[]> ranges, String contentType, long length) {
            this.file = file;
            this.ranges = ranges;
            this.contentType = contentType;
            this.length = length;
        }

        String partHeader(int i) {
            long[] r = ranges.get(i);
            return "\r\n--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Range: bytes " + r[0] + '-'
                    + r[1] + '/' + length + "\r\n\r\n";
        }

        String end() {
            return "\r\n--" + boundary + "--\r\n";
        }

        long contentLength() {
            long total = end().length();
            for (int i = 0; i < ranges.size(); i++) {
                total += partHeader(i).length() + ranges.get(i)[1] - ranges.get(i)[0] + 1;
            }
            return total;
        }
    }
}
