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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stalled cell's hand-made HTTP/2 frames, decoded by Netty's frame reader, and its clients on a socket. */
class H2FramesTest {

    /** What Netty's reader saw. */
    private static final class Seen extends Http2FrameAdapter {
        final List<Http2Settings> settings = new ArrayList<>();
        final List<Integer> streams = new ArrayList<>();
        final List<Http2Headers> headers = new ArrayList<>();
        final List<Boolean> endOfStream = new ArrayList<>();
        int settingsAcks;
        int pingAcks;

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings s) {
            settings.add(s);
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
            settingsAcks++;
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            pingAcks++;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers h, int padding,
                                  boolean endStream) {
            streams.add(streamId);
            headers.add(h);
            endOfStream.add(endStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers h, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream) {
            onHeadersRead(ctx, streamId, h, padding, endStream);
        }
    }

    private static Seen read(byte[]... frames) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        Seen seen = new Seen();
        ByteBuf in = Unpooled.buffer();
        for (byte[] f : frames) {
            in.writeBytes(f);
        }
        try (DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true)) {
            reader.readFrame(ctx, in, seen);
            assertFalse(in.isReadable(), "bytes left over");
        } finally {
            in.release();
            channel.finishAndReleaseAll();
        }
        return seen;
    }

    @Test
    void nettyReadsTheSettingsAndTheRequests() throws Exception {
        String longPath = "/8m/" + "x".repeat(300);
        Seen seen = read(H2Frames.settings(0), H2Frames.get(1, "127.0.0.1:8080", "/8m/f7"),
                H2Frames.get(3, "127.0.0.1:8080", longPath), H2Frames.settingsAck(),
                H2Frames.pingAck(new byte[] {0, 0, 0, 0, 0, 0, 0, 42}));
        assertEquals(1, seen.settings.size());
        assertEquals(Integer.valueOf(0), seen.settings.get(0).initialWindowSize());
        assertEquals(Boolean.FALSE, seen.settings.get(0).pushEnabled());
        assertEquals(List.of(1, 3), seen.streams);
        assertEquals(List.of(true, true), seen.endOfStream);
        Http2Headers h = seen.headers.get(0);
        assertEquals("GET", h.method().toString());
        assertEquals("http", h.scheme().toString());
        assertEquals("/8m/f7", h.path().toString());
        assertEquals("127.0.0.1:8080", h.authority().toString());
        assertEquals(4, h.size());
        // A value longer than 126 bytes takes HPACK's multi-byte length.
        assertEquals(longPath, seen.headers.get(1).path().toString());
        assertEquals(1, seen.settingsAcks);
        assertEquals(1, seen.pingAcks);
    }

    @Test
    void encodesHpackIntegersAsRfc7541Does() {
        // RFC 7541, C.1.1 and C.1.2: 10 and 1337 in a 5-bit prefix.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        H2Frames.integer(out, 0, 5, 10);
        assertArrayEquals(new byte[] {10}, out.toByteArray());
        out.reset();
        H2Frames.integer(out, 0, 5, 1337);
        assertArrayEquals(new byte[] {31, (byte) 154, 10}, out.toByteArray());
        out.reset();
        H2Frames.integer(out, 0, 7, 127);
        assertArrayEquals(new byte[] {127, 0}, out.toByteArray());
    }

    @Test
    void readsFrameHeaders() {
        byte[] f = H2Frames.frame(H2Frames.DATA, 0, 0x7fffffff, new byte[70_000]);
        assertEquals(70_000, H2Frames.length(f));
        assertEquals(0x7fffffff, H2Frames.streamId(f));
    }

    /**
     * The h2c client against a server that reads its preface and frames with Netty's reader, answers with its own
     * SETTINGS, a PING and one response's HEADERS: the client acknowledges both and counts the HEADERS.
     */
    @Test
    void theH2cClientSendsItsStreamsAcknowledgesAndCounts() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> paths = List.of("/8m/f0", "/8m/f1", "/8m/f2", "/8m/f3", "/8m/f4");
            try (StalledClients clients = StalledClients.h2c(server.getLocalPort(), paths, 2);
                 Socket first = server.accept(); Socket second = server.accept()) {
                assertEquals(2, clients.connections());
                assertEquals(5, clients.requests());
                DataInputStream in = new DataInputStream(first.getInputStream());
                byte[] preface = new byte[H2Frames.PREFACE.length];
                in.readFully(preface);
                assertArrayEquals(H2Frames.PREFACE, preface);
                // The first connection has streams 1, 3, 5 for the paths 0, 2, 4.
                Seen seen = read(readFrames(in, 4));
                assertEquals(List.of(1, 3, 5), seen.streams);
                assertEquals("/8m/f4", seen.headers.get(2).path().toString());
                assertEquals(Integer.valueOf(0), seen.settings.get(0).initialWindowSize());

                OutputStream out = first.getOutputStream();
                out.write(H2Frames.frame(H2Frames.SETTINGS, 0, 0, new byte[0]));
                out.write(H2Frames.frame(H2Frames.PING, 0, 0, new byte[8]));
                out.write(H2Frames.frame(H2Frames.HEADERS, H2Frames.FLAG_END_HEADERS, 1, new byte[] {(byte) 0x88}));
                out.flush();
                Seen acks = read(readFrames(in, 2));
                assertEquals(1, acks.settingsAcks);
                assertEquals(1, acks.pingAcks);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (clients.started() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(1, clients.started());
                assertEquals(0, clients.h2DataBytes());
            }
        }
    }

    @Test
    void theHttp1ClientSendsItsRequestAndNeverReads() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            try (StalledClients clients = StalledClients.http1(server.getLocalPort(), List.of("/8m/f9"));
                 Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] request = new byte[256];
                int n = in.read(request);
                String text = new String(request, 0, n, StandardCharsets.US_ASCII);
                assertTrue(text.startsWith("GET /8m/f9 HTTP/1.1\r\nHost: 127.0.0.1:"), text);
                assertTrue(text.endsWith("\r\n\r\n"), text);
                assertEquals(0, clients.started());
                s.getOutputStream().write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (clients.started() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                // Bytes waiting, unread: the response has begun.
                assertEquals(1, clients.started());
                assertEquals(1, clients.requests());
            }
        }
    }

    /** {@code n} whole frames from {@code in}, each as its bytes. */
    private static byte[][] readFrames(DataInputStream in, int n) throws Exception {
        byte[][] frames = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] header = new byte[H2Frames.HEADER_LENGTH];
            in.readFully(header);
            byte[] frame = Arrays.copyOf(header, H2Frames.HEADER_LENGTH + H2Frames.length(header));
            in.readFully(frame, H2Frames.HEADER_LENGTH, H2Frames.length(header));
            frames[i] = frame;
        }
        return frames;
    }
}
