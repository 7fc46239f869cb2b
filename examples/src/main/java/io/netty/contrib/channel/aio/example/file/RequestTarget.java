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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
    /** A redirect's query ({@code ?} and what follows, as received), or {@code null}. */
    private final String query;

    private RequestTarget(Kind kind, Path file, String path, HttpResponseStatus status) {
        this(kind, file, path, status, null);
    }

    private RequestTarget(Kind kind, Path file, String path, HttpResponseStatus status, String query) {
        this.kind = kind;
        this.file = file;
        this.path = path;
        this.status = status;
        this.query = query;
    }

    private static RequestTarget refused(HttpResponseStatus status) {
        return new RequestTarget(Kind.REFUSED, null, null, status);
    }

    /** A target answered with {@code status}: a refusal, or a lookup that failed unexpectedly. */
    static RequestTarget refusal(HttpResponseStatus status) {
        return refused(status);
    }

    /** The file {@code file} (its real path), sent for the decoded request path {@code path}. */
    static RequestTarget file(Path file, String path) {
        return new RequestTarget(Kind.FILE, file, path, null);
    }

    /**
     * A redirect of the directory asked for as {@code path}, without its final {@code /}, to {@code path + "/"} and
     * the request's {@code query} ({@code ?} and what follows, as received; or {@code null}).
     */
    static RequestTarget redirect(String path, String query) {
        return new RequestTarget(Kind.REDIRECT, null, path + '/', null, query);
    }

    /**
     * A request target checked without the file system: its decoded path and the path it names under the root, or
     * the refusal that needs no look at the file system (malformed, {@code ..}, outside the root, hidden).
     */
    static final class Parsed {
        /** The decoded request path, or {@code null} when refused. */
        final String path;
        /** The normalized path under the root, or {@code null} when refused. */
        final Path target;
        /** The refusal, or {@code null}. */
        final RequestTarget refusal;
        /** The query ({@code ?} and what follows, as received), or {@code null}. */
        final String query;

        private Parsed(String path, Path target, RequestTarget refusal) {
            this(path, target, refusal, null);
        }

        private Parsed(String path, Path target, RequestTarget refusal, String query) {
            this.path = path;
            this.target = target;
            this.refusal = refusal;
            this.query = query;
        }

        /** {@code true} for a path that ends with {@code /}: a directory's index or listing is asked for. */
        boolean directory() {
            return path.endsWith("/");
        }
    }

    /** Checks {@code uri} under {@code root} (a real path) without looking at the file system. */
    static Parsed parse(Path root, String uri, boolean dotfiles) {
        String path;
        try {
            path = decodePath(uri);
        } catch (IllegalArgumentException e) {
            return new Parsed(null, null, refused(BAD_REQUEST));
        }
        if (path == null) {
            return new Parsed(null, null, refused(FORBIDDEN));
        }
        Path target;
        try {
            target = root.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            // A name this JVM cannot represent (see FileServer's UTF-8 relaunch): no such file can be served.
            return new Parsed(null, null, refused(NOT_FOUND));
        }
        if (!target.startsWith(root)) {
            return new Parsed(null, null, refused(FORBIDDEN));
        }
        if (!dotfiles && isHidden(root, target)) {
            return new Parsed(null, null, refused(NOT_FOUND));
        }
        int query = uri.indexOf('?');
        return new Parsed(path, target, null, query < 0 ? null : uri.substring(query));
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

    /** The percent-encoded location of a redirect, with the request's query. */
    String location() {
        return query == null ? encodePath(path) : encodePath(path) + query;
    }

    /**
     * Resolves {@code uri} under {@code root} (a real path). Blocking: it looks at the file system.
     *
     * @param dotfiles {@code true} to serve and list names that start with {@code .}
     */
    static RequestTarget resolve(Path root, String uri, boolean dotfiles) {
        Parsed parsed = parse(root, uri, dotfiles);
        if (parsed.refusal != null) {
            return parsed.refusal;
        }
        String path = parsed.path;
        Path target = parsed.target;
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
                return redirect(path, parsed.query);
            }
            Path index = index(root, real, dotfiles);
            return index != null ? new RequestTarget(Kind.FILE, index, path, null)
                    : new RequestTarget(Kind.LISTING, real, path, null);
        }
        if (!attrs.isRegularFile()) {
            return refused(FORBIDDEN);
        }
        if (path.endsWith("/")) {
            return refused(NOT_FOUND); // a file is not a directory: "/file.txt/" names nothing
        }
        return new RequestTarget(Kind.FILE, real, path, null);
    }

    /**
     * The path that {@link #resolve} would look up for {@code uri}, found without the file system; {@code null} when
     * {@code resolve} refuses the target before it looks at the file system (malformed, {@code ..}, outside the root,
     * hidden). For a target that ends with {@code /}, the path of its {@value #INDEX}: what decides between sending a
     * file and listing the directory. Used to ask whether the lookup can be answered from the kernel's caches.
     */
    static Path lookupPath(Path root, String uri, boolean dotfiles) {
        return lookupPath(parse(root, uri, dotfiles));
    }

    /** {@link #lookupPath(Path, String, boolean)} of a target already parsed. */
    static Path lookupPath(Parsed parsed) {
        if (parsed.refusal != null) {
            return null;
        }
        return parsed.directory() ? parsed.target.resolve(INDEX) : parsed.target;
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
     * are refused, not looked up), its "." segments removed ({@code /dir/.} is {@code /dir/}, RFC 3986, section
     * 5.2.4) and its slashes merged. Throws {@link IllegalArgumentException} when malformed, and when its bytes,
     * percent-decoded, are not UTF-8: names are UTF-8 both ways, so that two targets never name the same file (a
     * listing does not link a name that is not UTF-8).
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
        if (path.indexOf('\uFFFD') >= 0) {
            requireUtf8(raw); // the decoder replaces what is not UTF-8 with U+FFFD, as a real U+FFFD would be
        }
        if (path.indexOf('\0') >= 0) {
            return null;
        }
        if (path.contains("/./") || path.endsWith("/.") || path.contains("//")) {
            path = withoutDotSegments(path);
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return null;
            }
        }
        return path;
    }

    /**
     * {@code path} without its "." and empty segments (slashes merged, as nginx does); one that ends with either
     * keeps its final "/" (so "/dir/." is "/dir/").
     */
    private static String withoutDotSegments(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        sb.append('/');
        for (int start = 1; start <= path.length(); ) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String segment = path.substring(start, end);
            if (!segment.isEmpty() && !segment.equals(".")) {
                sb.append(segment);
                if (slash >= 0) {
                    sb.append('/');
                }
            }
            start = end + 1;
        }
        return sb.toString();
    }

    /** Throws {@link IllegalArgumentException} unless the bytes of {@code raw}, percent-decoded, are UTF-8. */
    private static void requireUtf8(String raw) {
        int end = raw.indexOf('?');
        end = end < 0 ? raw.length() : end;
        ByteBuffer bytes = ByteBuffer.allocate(end * 3);
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < end) {
                bytes.put((byte) Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a request path that is not UTF-8: " + raw.substring(0, end), e);
        }
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
