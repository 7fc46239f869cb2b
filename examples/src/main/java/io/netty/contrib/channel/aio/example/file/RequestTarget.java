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

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;

/**
 * Where a request target leads under the root: a file to send, a directory to list, a redirect, or a refusal.
 *
 * <p>Refused: a malformed target ({@code 400}); a NUL byte, a {@code ..} segment (also percent-encoded) or a path
 * that leaves the root, through a symbolic link too ({@code 403}); a hidden name, unless dotfiles are allowed, and
 * anything missing ({@code 404}). A name is hidden if it starts with {@code .}, in any segment of the path asked for
 * or of the real path it leads to (a link into {@code .git} is hidden too): {@code 404}, not {@code 403}, so that a
 * client cannot tell whether it exists. A directory asked for without its final {@code /} is redirected to it
 * ({@code 301}); with it, its {@value #INDEX} is sent if that is a regular file, else it is listed.
 */
final class RequestTarget {

    /** The file sent for a directory, when it has one. */
    static final String INDEX = "index.html";

    /** What to do for the request. */
    enum Kind {
        /** Send {@link #file()}. */
        FILE,
        /** List the directory {@link #file()}, whose decoded request path is {@link #path()}. */
        LISTING,
        /** Redirect to {@link #location()}. */
        REDIRECT,
        /** Answer with {@link #status()}. */
        REFUSED
    }

    private final Kind kind;
    private final Path file;
    private final String path;
    private final HttpResponseStatus status;

    private RequestTarget(Kind kind, Path file, String path, HttpResponseStatus status) {
        this.kind = kind;
        this.file = file;
        this.path = path;
        this.status = status;
    }

    private static RequestTarget refused(HttpResponseStatus status) {
        return new RequestTarget(Kind.REFUSED, null, null, status);
    }

    Kind kind() {
        return kind;
    }

    /** The real path of the file to send or the directory to list. */
    Path file() {
        return file;
    }

    /** The decoded request path of a listing. */
    String path() {
        return path;
    }

    /** The status of a refusal. */
    HttpResponseStatus status() {
        return status;
    }

    /** The percent-encoded location of a redirect. */
    String location() {
        return encodePath(path);
    }

    /**
     * Resolves {@code uri} under {@code root} (a real path). Blocking: it looks at the file system.
     *
     * @param dotfiles {@code true} to serve and list names that start with {@code .}
     */
    static RequestTarget resolve(Path root, String uri, boolean dotfiles) {
        String path;
        try {
            path = decodePath(uri);
        } catch (IllegalArgumentException e) {
            return refused(BAD_REQUEST);
        }
        if (path == null) {
            return refused(FORBIDDEN);
        }
        Path target;
        try {
            target = root.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            // A name this JVM cannot represent (see FileServer's UTF-8 relaunch): no such file can be served.
            return refused(NOT_FOUND);
        }
        if (!target.startsWith(root)) {
            return refused(FORBIDDEN);
        }
        if (!dotfiles && isHidden(root, target)) {
            return refused(NOT_FOUND);
        }
        Path real;
        BasicFileAttributes attrs;
        try {
            real = target.toRealPath();
            attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            return refused(FORBIDDEN);
        } catch (IOException e) {
            return refused(NOT_FOUND);
        }
        if (!real.startsWith(root)) {
            return refused(FORBIDDEN); // a symbolic link that leaves the root
        }
        if (!dotfiles && isHidden(root, real)) {
            return refused(NOT_FOUND); // a link to a hidden name
        }
        if (attrs.isDirectory()) {
            if (!path.endsWith("/")) {
                return new RequestTarget(Kind.REDIRECT, null, path + '/', null);
            }
            Path index = index(root, real, dotfiles);
            return index != null ? new RequestTarget(Kind.FILE, index, path, null)
                    : new RequestTarget(Kind.LISTING, real, path, null);
        }
        if (!attrs.isRegularFile()) {
            return refused(FORBIDDEN);
        }
        return new RequestTarget(Kind.FILE, real, path, null);
    }

    /** The real path of the directory's index file, if it has one that may be served; else {@code null}. */
    private static Path index(Path root, Path dir, boolean dotfiles) {
        try {
            Path index = dir.resolve(INDEX).toRealPath();
            if (index.startsWith(root) && (dotfiles || !isHidden(root, index)) && Files.isRegularFile(index)) {
                return index;
            }
        } catch (IOException e) {
            // none, or not readable: the directory is listed
        }
        return null;
    }

    /** {@code true} if a name of {@code path} below {@code root} starts with {@code .}. */
    static boolean isHidden(Path root, Path path) {
        for (Path name : root.relativize(path)) {
            if (isHiddenName(name.toString())) {
                return true;
            }
        }
        return false;
    }

    /** {@code true} for a file name that starts with {@code .}. */
    static boolean isHiddenName(String name) {
        return name.startsWith(".");
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

    /** A path with each segment percent-encoded as a URL needs it (UTF-8; a space is {@code %20}). */
    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 16);
        int start = 0;
        while (true) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            sb.append(encodeSegment(path.substring(start, end)));
            if (slash < 0) {
                return sb.toString();
            }
            sb.append('/');
            start = slash + 1;
        }
    }

    /** One path segment, percent-encoded: every character but letters, digits and {@code - _ . *}. */
    static String encodeSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
