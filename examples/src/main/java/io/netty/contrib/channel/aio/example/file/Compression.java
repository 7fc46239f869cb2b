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

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
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
    /** zlib's defaults, as {@link StandardCompressionOptions#gzip()} has them. */
    private static final int LEVEL = 6;
    private static final int WINDOW_BITS = 15;
    private static final int MEM_LEVEL = 8;

    private ChannelHandlerContext ctx;
    /** Body bytes of the response being encoded, as they leave: compressed when it is. */
    private long encodedBytes;

    Compression() {
        super(0, StandardCompressionOptions.gzip(LEVEL, WINDOW_BITS, MEM_LEVEL));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        this.ctx = ctx;
    }

    /**
     * Counts the body bytes that leave for each response (what the access log reports for a compressed one).
     */
    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
        if (msg instanceof HttpResponse) {
            encodedBytes = 0;
        }
        int first = out.size();
        super.encode(ctx, msg, out);
        for (int i = first; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof HttpContent) {
                encodedBytes += ((HttpContent) o).content().readableBytes();
            }
        }
    }

    /** The body bytes sent for the last response that passed, as they left this handler. */
    long encodedBytes() {
        return encodedBytes;
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
            return false; // see decode
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

    /**
     * Notes the request's {@code Accept-Encoding} for its response. An HTTP/1.0 request is answered in identity: a
     * compressed body has no length and HTTP/1.0 has no chunked framing (the compressor looks at the response's
     * version only, and the server answers HTTP/1.1).
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, HttpRequest msg, List<Object> out) throws Exception {
        if (HttpVersion.HTTP_1_0.equals(msg.protocolVersion())) {
            msg.headers().remove(HttpHeaderNames.ACCEPT_ENCODING);
        }
        super.decode(ctx, msg, out);
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
        if (!HttpResponseStatus.OK.equals(res.status()) || !GZIP.equals(determineEncoding(acceptEncoding))) {
            return null;
        }
        return new Result(GZIP, encoder());
    }

    /**
     * {@code "gzip"} if {@code acceptEncoding} accepts gzip, else {@code null}. Codings are case-insensitive tokens,
     * each with an optional weight (RFC 9110 §12.5.3): gzip is accepted when it is listed with a weight above 0, or,
     * when it is not listed, when {@code *} is. A token that merely contains "gzip" ({@code gzipfoo}) is another
     * coding; {@code x-gzip} is gzip's old name.
     */
    @Override
    protected String determineEncoding(String acceptEncoding) {
        float gzip = -1;
        float any = -1;
        for (String element : acceptEncoding.split(",")) {
            String[] parts = element.split(";");
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            float q = 1;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim().toLowerCase(Locale.ROOT);
                if (param.startsWith("q=")) {
                    q = weight(param.substring(2).trim());
                }
            }
            if ("gzip".equals(coding) || "x-gzip".equals(coding)) {
                gzip = Math.max(gzip, q);
            } else if ("*".equals(coding)) {
                any = Math.max(any, q);
            }
        }
        float accepted = gzip >= 0 ? gzip : any;
        return accepted > 0 ? GZIP : null;
    }

    /** A weight: 0 to 1 with at most three decimals; anything else counts as 0 (not acceptable). */
    private static float weight(String value) {
        if (!value.matches("(0(\\.[0-9]{0,3})?|1(\\.0{0,3})?)")) {
            return 0;
        }
        return Float.parseFloat(value);
    }

    /**
     * The gzip encoder of one response, as {@code HttpContentCompressor} makes it, but with buffers of their own.
     * {@code JdkZlibEncoder} passes heap arrays to {@code Deflater}; pooled heap buffers are slices of one shared
     * array, and a JVM that copies arrays for native code ({@code -Xcheck:jni} does) writes the copy of the input back
     * over output in the same array: the gzip stream comes out corrupt.
     */
    private EmbeddedChannel encoder() {
        EmbeddedChannel encoder = EmbeddedChannel.builder().channelId(ctx.channel().id())
                .handlers(ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, LEVEL, WINDOW_BITS, MEM_LEVEL)).build();
        encoder.config().setAllocator(UnpooledByteBufAllocator.DEFAULT);
        return encoder;
    }
}
