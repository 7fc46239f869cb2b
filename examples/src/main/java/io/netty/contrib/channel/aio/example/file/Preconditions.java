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

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;

/**
 * Conditional requests (RFC 9110, section 13): {@code If-Match}, {@code If-Unmodified-Since}, {@code If-None-Match}
 * and {@code If-Modified-Since}, evaluated in the order of section 13.2.2 against a file's validators: its strong
 * entity tag (size and modification time) and its modification time, to the second. {@code If-Range} is the range
 * code's. A {@code GET} or {@code HEAD} may get {@code 304} or {@code 412}; a {@code PUT} or {@code DELETE} gets
 * {@code 412} when its condition is false, the protection a client has against overwriting a change it has not seen.
 */
final class Preconditions {

    /**
     * The lock under which a change's conditions are evaluated and the change is made (a rename over the target, a
     * delete): no other upload or delete can come between the check and the change. Every change takes it.
     */
    static final Object CHANGES = new Object();

    /** A {@code PUT}'s or {@code DELETE}'s condition was false when the change was to be made: answered {@code 412}. */
    static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;

        Failed(Path path) {
            super("precondition failed for " + path);
        }
    }

    /** What the conditions say. */
    enum Outcome {
        /** Serve or perform the request. */
        PROCEED,
        /** {@code 304}: the client's copy is current ({@code GET} and {@code HEAD} only). */
        NOT_MODIFIED,
        /** {@code 412}: a condition is false. */
        FAILED
    }

    private Preconditions() {
    }

    /** The strong entity tag of a file of {@code length} bytes modified at {@code modified} (ms). */
    static String etag(long length, long modified) {
        return '"' + Long.toHexString(length) + '-' + Long.toHexString(modified) + '"';
    }

    /** {@code true} if the request has a condition that a {@code PUT} or {@code DELETE} must meet. */
    static boolean conditional(HttpHeaders req) {
        return req.contains(HttpHeaderNames.IF_MATCH) || req.contains(HttpHeaderNames.IF_UNMODIFIED_SINCE)
                || req.contains(HttpHeaderNames.IF_NONE_MATCH);
    }

    /**
     * Evaluates the request's conditions.
     *
     * @param etag the current file's strong entity tag, or {@code null} when there is no file
     * @param modified its modification time (ms); ignored without a file
     * @param safe {@code true} for {@code GET} and {@code HEAD}: a true {@code If-None-Match} or a false
     *             {@code If-Modified-Since} means {@code 304}; for other methods {@code If-None-Match} fails
     *             instead and {@code If-Modified-Since} is ignored
     */
    static Outcome evaluate(HttpHeaders req, String etag, long modified, boolean safe) {
        String ifMatch = req.get(HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, false)) {
                return Outcome.FAILED;
            }
        } else if (etag != null) {
            Date date = date(req.get(HttpHeaderNames.IF_UNMODIFIED_SINCE));
            if (date != null && modified / 1000 > date.getTime() / 1000) {
                return Outcome.FAILED;
            }
        }
        String ifNoneMatch = req.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, etag, true)) {
                return safe ? Outcome.NOT_MODIFIED : Outcome.FAILED;
            }
        } else if (safe && etag != null) {
            Date since = date(req.get(HttpHeaderNames.IF_MODIFIED_SINCE));
            if (since != null && modified / 1000 <= since.getTime() / 1000) {
                return Outcome.NOT_MODIFIED;
            }
        }
        return Outcome.PROCEED;
    }

    /**
     * Evaluates the conditions of a {@code PUT} or {@code DELETE} against the file at {@code path} as it is now.
     * Blocking: it reads the file's attributes.
     */
    static Outcome evaluate(HttpHeaders req, Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return evaluate(req, null, 0, false);
        }
        long modified = attrs.lastModifiedTime().toMillis();
        return evaluate(req, etag(attrs.size(), modified), modified, false);
    }

    /**
     * {@code true} if a list of entity tags (or {@code *}) names {@code etag}; {@code *} names any current file. The
     * comparison is weak for {@code If-None-Match}, strong for {@code If-Match} (a weak tag then never matches).
     */
    private static boolean matches(String list, String etag, boolean weak) {
        if (etag == null) {
            return false;
        }
        for (String tag : list.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || weak && t.startsWith("W/") && t.substring(2).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP date, or {@code null} when absent or not one (an invalid date is ignored, RFC 9110, 13.1.3). */
    private static Date date(String value) {
        return value == null ? null : DateFormatter.parseHttpDate(value);
    }
}
