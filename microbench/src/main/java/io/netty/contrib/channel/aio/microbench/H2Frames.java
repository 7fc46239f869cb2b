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
package io.netty.contrib.channel.aio.microbench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few HTTP/2 frames (RFC 9113) that the stalled cell's client sends, encoded by hand: the connection preface, a
 * SETTINGS frame with {@code SETTINGS_INITIAL_WINDOW_SIZE} (0: the server may send no DATA on any stream until a
 * WINDOW_UPDATE, which never comes), the acknowledgements of the server's SETTINGS and PINGs, and a GET's HEADERS.
 * Header fields are HPACK (RFC 7541) literals without indexing, the name indexed in the static table, the value
 * without Huffman coding: no dynamic table on either side to keep in step.
 */
final class H2Frames {
    /** The client connection preface (RFC 9113, section 3.4). */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int SETTINGS_ENABLE_PUSH = 0x2;
    static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    /** The length of a frame's header. */
    static final int HEADER_LENGTH = 9;

    /** Indexes in HPACK's static table (RFC 7541, appendix A). */
    private static final int AUTHORITY = 1;
    private static final int METHOD = 2;
    private static final int PATH = 4;
    private static final int SCHEME = 6;

    private H2Frames() {
    }

    /** A SETTINGS frame: no server push, and {@code initialWindowSize} as every stream's initial window. */
    static byte[] settings(int initialWindowSize) {
        byte[] payload = new byte[12];
        setting(payload, 0, SETTINGS_ENABLE_PUSH, 0);
        setting(payload, 6, SETTINGS_INITIAL_WINDOW_SIZE, initialWindowSize);
        return frame(SETTINGS, 0, 0, payload);
    }

    static byte[] settingsAck() {
        return frame(SETTINGS, FLAG_ACK, 0, new byte[0]);
    }

    /** The acknowledgement of a PING with these 8 bytes. */
    static byte[] pingAck(byte[] opaque) {
        return frame(PING, FLAG_ACK, 0, opaque);
    }

    /** A HEADERS frame that is the whole request {@code GET http://authority/path} on stream {@code streamId}. */
    static byte[] get(int streamId, String authority, String path) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, METHOD, "GET");
        literal(block, SCHEME, "http");
        literal(block, PATH, path);
        literal(block, AUTHORITY, authority);
        return frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, streamId, block.toByteArray());
    }

    /** A frame: the 9-byte header (length, type, flags, stream), then the payload. */
    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        byte[] f = new byte[HEADER_LENGTH + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24 & 0x7f);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, HEADER_LENGTH, payload.length);
        return f;
    }

    /** The payload length in a frame's header. */
    static int length(byte[] header) {
        return (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
    }

    /** The stream id in a frame's header. */
    static int streamId(byte[] header) {
        return (header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8 | header[8] & 0xff;
    }

    /** Literal Header Field without Indexing, indexed name (RFC 7541, section 6.2.2), value not Huffman-coded. */
    static void literal(ByteArrayOutputStream out, int nameIndex, String value) {
        integer(out, 0x00, 4, nameIndex);
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, 0x00, 7, v.length); // H = 0
        out.write(v, 0, v.length);
    }

    /** An HPACK integer (RFC 7541, section 5.1) in an {@code prefixBits}-bit prefix after the bits {@code high}. */
    static void integer(ByteArrayOutputStream out, int high, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(high | value);
            return;
        }
        out.write(high | max);
        int rest = value - max;
        while (rest >= 128) {
            out.write(rest & 0x7f | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    private static void setting(byte[] payload, int at, int id, int value) {
        payload[at] = (byte) (id >>> 8);
        payload[at + 1] = (byte) id;
        payload[at + 2] = (byte) (value >>> 24);
        payload[at + 3] = (byte) (value >>> 16);
        payload[at + 4] = (byte) (value >>> 8);
        payload[at + 5] = (byte) value;
    }
}
