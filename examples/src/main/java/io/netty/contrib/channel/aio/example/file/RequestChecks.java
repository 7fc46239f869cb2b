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

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.util.List;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.EXPECTATION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;

/** What HTTP/1.1 (RFC 9110, RFC 9112) requires of a request before it is looked at. */
final class RequestChecks {

    private RequestChecks() {
    }

    /**
     * The error status a request gets before anything else is looked at, or {@code null} if it may be served:
     * {@code 400} for a malformed request or a missing, repeated or invalid {@code Host} (RFC 9112, section 3.2),
     * {@code 505} for a major version other than 1 (a higher 1.x is served as 1.1, RFC 9110, section 2.5),
     * {@code 417} for an expectation other than {@code 100-continue} (RFC 9110, section 10.1.1).
     */
    static HttpResponseStatus refusal(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return BAD_REQUEST;
        }
        if (request.protocolVersion().majorVersion() != 1
                || !"HTTP".equals(request.protocolVersion().protocolName())) {
            return HTTP_VERSION_NOT_SUPPORTED;
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || hosts.isEmpty() && request.protocolVersion().minorVersion() >= 1
                || hosts.size() == 1 && !isValidHost(hosts.get(0))) {
            return BAD_REQUEST;
        }
        for (String expect : request.headers().getAll(HttpHeaderNames.EXPECT)) {
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
                return EXPECTATION_FAILED;
            }
        }
        return null;
    }

    /** {@code true} if the request announces a body ({@code Content-Length} above 0, or a transfer coding). */
    static boolean hasBody(HttpRequest request) {
        return HttpUtil.getContentLength(request, 0L) > 0
                || request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    /**
     * {@code Host = uri-host [ ":" port ]} (RFC 9110, section 7.2): an IP literal in brackets, or a reg-name / IPv4
     * address (unreserved characters, percent-encodings and sub-delims), then optional decimal port. Empty is valid.
     */
    static boolean isValidHost(String host) {
        int i = 0;
        int n = host.length();
        if (n > 0 && host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int j = 1; j < close; j++) {
                char c = host.charAt(j);
                if (!(isAlphaNum(c) || c == ':' || c == '.' || c == '-' || c == '_' || c == '~' || c == '%')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < n && host.charAt(i) != ':'; i++) {
                char c = host.charAt(i);
                if (!(isAlphaNum(c) || "-._~%!$&'()*+,;=".indexOf(c) >= 0)) {
                    return false;
                }
            }
        }
        if (i == n) {
            return true;
        }
        if (host.charAt(i) != ':') {
            return false;
        }
        for (i++; i < n; i++) {
            if (host.charAt(i) < '0' || host.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphaNum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
