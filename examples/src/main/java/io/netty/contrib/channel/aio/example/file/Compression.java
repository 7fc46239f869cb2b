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

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Locale;

/**
 * {@code --gzip}: Netty's {@link HttpContentCompressor}, restricted to gzip and to what is worth compressing.
 *
 * <p>A response is compressed when it is a {@code 200} of a compressible type ({@code text/*}, JSON, JavaScript,
 * XML, SVG and a few more; not images, archives or video, which are compressed already) of at least
 * {@value #MIN_LENGTH} bytes, and the request accepts gzip ({@code Accept-Encoding}, where {@code q=0} refuses it).
 * A {@code 206} is never compressed: ranges are served on the identity representation. The compressed body has no
 * {@code Content-Length} (HTTP/1.1 sends it chunked, HTTP/2 ends the stream) and needs {@code HttpContent}s, not a
 * {@code FileRegion}: the handler sends it as a chunked input (see {@link BodyWriter}).
 *
 * <p>The handler asks {@link #compresses} before it writes the response head, so that it can pick the body and the
 * headers that the compressor cannot set: {@code Vary: Accept-Encoding} on every response of a compressible resource,
 * a weak {@code ETag} on the gzip representation (as nginx does: the two representations are equivalent, not
 * byte-identical), and, for {@code HEAD} (which the compressor passes through), the {@code Content-Encoding} a
 * {@code GET} would get.
 */
final class Compression extends HttpContentCompressor {

    /** Smaller bodies are sent as they are: gzip's header and trailer would eat most of the gain. */
    static final int MIN_LENGTH = 1024;

    private static final String GZIP = "gzip";

    Compression() {
        super(0, StandardCompressionOptions.gzip());
    }

    /** {@code true} if a resource of this type and length is compressed for clients that accept gzip. */
    static boolean compressible(String contentType, long length) {
        if (length < MIN_LENGTH || contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        if (semicolon >= 0) {
            type = type.substring(0, semicolon);
        }
        type = type.trim();
        if (type.startsWith("text/")) {
            return true;
        }
        switch (type) {
            case "application/json":
            case "application/javascript":
            case "application/xml":
            case "application/xhtml+xml":
            case "application/wasm":
            case "application/x-tar":
            case "image/svg+xml":
            case "image/x-icon":
                return true;
            default:
                return type.endsWith("+json") || type.endsWith("+xml");
        }
    }

    /**
     * {@code true} if a {@code 200} to {@code request} with this type and length is sent gzip-compressed: the type is
     * compressible and the request accepts gzip. The compressor makes the same decision when the response passes.
     */
    boolean compresses(HttpRequest request, String contentType, long length) {
        if (!compressible(contentType, length) || request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            return false; // HttpContentEncoder passes HTTP/1.0 responses through: no chunked framing there
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT_ENCODING);
        return accept != null && GZIP.equals(determineEncoding(accept));
    }

    /**
     * Sets the headers of a {@code HEAD} response to those of the compressed {@code GET}: the compressor does not
     * encode {@code HEAD} responses, so it does not set them.
     */
    static void asCompressedHead(HttpResponse res) {
        res.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP)
                .remove(HttpHeaderNames.CONTENT_LENGTH);
    }

    /** The compressor's own decision, for every response that is not passed through (HEAD, 304, HTTP/1.0, …). */
    @Override
    protected Result beginEncode(HttpResponse res, String acceptEncoding) throws Exception {
        String contentType = res.headers().get(HttpHeaderNames.CONTENT_TYPE);
        long length = HttpUtil.getContentLength(res, -1L);
        if (!compressible(contentType, length)) {
            return null;
        }
        res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        if (!HttpResponseStatus.OK.equals(res.status())) {
            return null;
        }
        return super.beginEncode(res, acceptEncoding);
    }
}
