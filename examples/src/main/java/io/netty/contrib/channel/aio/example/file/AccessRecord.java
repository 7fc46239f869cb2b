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

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.SocketAddress;

/**
 * The response a connection (or an HTTP/2 stream) is sending, for its access-log line: it {@link #began} with a
 * status and a body size, and {@link #ended} whole or cut short. Used on the connection's event loop.
 */
final class AccessRecord {
    private final AccessLog log;
    private final SocketAddress remote;
    private final boolean http2;
    private HttpRequest current;
    private int status;
    private long bytes;
    /** The compressor of the current response when it is sent compressed: its bytes are what the log reports. */
    private Compression compression;

    /**
     * @param log where the lines go, or {@code null} for none
     * @param http2 the requests come on an HTTP/2 stream
     */
    AccessRecord(AccessLog log, SocketAddress remote, boolean http2) {
        this.log = log;
        this.remote = remote;
        this.http2 = http2;
    }

    /** The response to {@code request} has begun: its status and the size of its body. */
    void began(HttpRequest request, HttpResponseStatus status, long bodyBytes) {
        current = request;
        this.status = status.code();
        bytes = bodyBytes;
        compression = null;
    }

    /** The body of the response that began goes through {@code compressor}: the log reports its encoded bytes. */
    void compressedBy(Compression compressor) {
        compression = compressor;
    }

    /**
     * The response that began has ended: its line. One cut short (the connection failed or closed) is logged with no
     * size: how much of it the client got is not known.
     */
    void ended(boolean complete) {
        if (current != null && log != null) {
            long sent = compression != null ? compression.encodedBytes() : bytes;
            log.log(remote, current, http2, status, complete ? sent : 0);
        }
        current = null;
    }
}
