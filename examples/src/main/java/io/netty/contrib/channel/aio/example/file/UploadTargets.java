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

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CONFLICT;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.INSUFFICIENT_STORAGE;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.NO_CONTENT;
import static io.netty.handler.codec.http.HttpResponseStatus.PRECONDITION_FAILED;

/**
 * Where a {@code PUT} or {@code DELETE} may write under the root, with the same refusals as {@code GET} and a few of
 * its own: {@code ..} and NUL (403), a name or directory starting with a dot (403: hidden files, and the uploads'
 * own temporary files, are not for clients), a directory that is a symbolic link leaving the root (403), a target
 * that is a symbolic link (403: it is not replaced, nor is what it points to), a missing parent directory or a target
 * that is a directory (409).
 *
 * <p>In two parts: {@link #parse} reads the request target only and runs on the event loop; {@link #check} and
 * {@link #delete} call the file system, may wait for the disk, and run where {@link MetadataLookup} puts them.
 */
final class UploadTargets {

    private final Path root;

    UploadTargets(Path root) {
        this.root = root;
    }

    /** A place to write, or why not. */
    static final class Target {
        final Path path;
        final HttpResponseStatus refusal;

        private Target(Path path, HttpResponseStatus refusal) {
            this.path = path;
            this.refusal = refusal;
        }
    }

    /** What a {@code DELETE} did: its status, and the error to log when it failed. */
    static final class Deletion {
        final HttpResponseStatus status;
        final Path path;
        final IOException failure;

        private Deletion(HttpResponseStatus status, Path path, IOException failure) {
            this.status = status;
            this.path = path;
            this.failure = failure;
        }
    }

    private static Target refused(HttpResponseStatus status) {
        return new Target(null, status);
    }

    /**
     * The path under the root that a request target names (normalized, not yet resolved on disk), or the status that
     * refuses it. No file-system call.
     */
    Target parse(String uri) {
        String path;
        try {
            path = RequestTarget.decodePath(uri);
        } catch (IllegalArgumentException e) {
            return refused(BAD_REQUEST);
        }
        if (path == null) {
            return refused(FORBIDDEN);
        }
        if (path.endsWith("/")) {
            return refused(CONFLICT);
        }
        for (String segment : path.split("/")) {
            if (segment.startsWith(".")) {
                return refused(FORBIDDEN);
            }
        }
        Path target;
        try {
            target = root.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            return refused(BAD_REQUEST);
        }
        if (!target.startsWith(root) || target.equals(root)) {
            return refused(FORBIDDEN);
        }
        return new Target(target, null);
    }

    /**
     * The real path of a {@link #parse parsed} target (its parent directory resolved), or the status that refuses it.
     * Blocking: resolves and stats the parent directory and the target.
     */
    Target check(Path target) {
        Path parent;
        try {
            parent = target.getParent().toRealPath();
        } catch (NoSuchFileException e) {
            return refused(CONFLICT);
        } catch (IOException e) {
            return refused(statusOf(e));
        }
        if (!parent.startsWith(root)) {
            return refused(FORBIDDEN); // a directory that is a symbolic link out of the root
        }
        if (!Files.isDirectory(parent)) {
            return refused(CONFLICT);
        }
        Path real = parent.resolve(target.getFileName());
        if (Files.isSymbolicLink(real)) {
            return refused(FORBIDDEN);
        }
        if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            return refused(CONFLICT);
        }
        return new Target(real, null);
    }

    /**
     * Deletes the file a {@link #parse parsed} {@code DELETE} target names if the request's {@code conditions} hold:
     * 204, or the status that refuses it (404 if there is none, 412 if a condition is false). Blocking; never
     * throws.
     */
    Deletion delete(Path target, HttpHeaders conditions) {
        Target checked = check(target);
        if (checked.refusal != null) {
            return new Deletion(checked.refusal, target, null);
        }
        try {
            synchronized (Preconditions.CHANGES) {
                if (Preconditions.conditional(conditions)
                        && Preconditions.evaluate(conditions, checked.path) == Preconditions.Outcome.FAILED) {
                    return new Deletion(PRECONDITION_FAILED, checked.path, null);
                }
                return new Deletion(Files.deleteIfExists(checked.path) ? NO_CONTENT : NOT_FOUND, checked.path, null);
            }
        } catch (IOException e) {
            return new Deletion(statusOf(e), checked.path, e);
        }
    }

    /**
     * The status for a failed write: 412 when a condition was false at the rename, 507 when the disk or quota is
     * full, 403 when not allowed, else 500.
     */
    static HttpResponseStatus statusOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Preconditions.Failed) {
                return PRECONDITION_FAILED;
            }
            String message = t instanceof FileSystemException ? ((FileSystemException) t).getReason() : t.getMessage();
            if (message != null && (message.contains("No space left") || message.contains("Disk quota exceeded"))) {
                return INSUFFICIENT_STORAGE;
            }
            if (t instanceof AccessDeniedException) {
                return FORBIDDEN;
            }
        }
        return INTERNAL_SERVER_ERROR;
    }
}
