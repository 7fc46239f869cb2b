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

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients of the stalled cell that ask for a file and never take it, in the benchmark's process:
 * <ul>
 *   <li>{@link #http1}: one connection per path; each sends {@code GET <path> HTTP/1.1} and never reads, so the
 *   response stops when the client's receive buffer and the server's send buffer are full (the kernel's defaults:
 *   this client neither reads nor sets {@code SO_RCVBUF}, so its receive window never grows);</li>
 *   <li>{@link #h2c}: HTTP/2 with prior knowledge, the paths spread round-robin over the connections, one stream
 *   each; the client's SETTINGS make every stream's initial window 0 and it never sends a WINDOW_UPDATE, so the
 *   server may send each response's HEADERS but not a byte of its body. A thread per connection reads what the
 *   server sends (so TCP does not stall: the flow-control window does), acknowledges its SETTINGS and PINGs, and
 *   counts HEADERS, DATA, RST_STREAM and GOAWAY frames.</li>
 * </ul>
 */
final class StalledClients implements AutoCloseable {
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final boolean h2;
    private final AtomicInteger h2Headers = new AtomicInteger();
    private final AtomicLong h2DataBytes = new AtomicLong();
    private final AtomicInteger h2Resets = new AtomicInteger();
    private final AtomicInteger h2GoAways = new AtomicInteger();
    private int requests;

    private StalledClients(boolean h2) {
        this.h2 = h2;
    }

    /** A connection per path, each sending its GET and never reading. */
    static StalledClients http1(int port, List<String> paths) throws IOException {
        StalledClients c = new StalledClients(false);
        try {
            for (String path : paths) {
                Socket s = c.connect(port);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                c.requests++;
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** {@code connections} h2c connections, the paths round-robin over them, every stream's window 0. */
    static StalledClients h2c(int port, List<String> paths, int connections) throws IOException {
        StalledClients c = new StalledClients(true);
        String authority = "127.0.0.1:" + port;
        try {
            for (int k = 0; k < Math.min(connections, paths.size()); k++) {
                Socket s = c.connect(port);
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
                out.write(H2Frames.PREFACE);
                out.write(H2Frames.settings(0));
                int stream = 1;
                for (int i = k; i < paths.size(); i += connections) {
                    out.write(H2Frames.get(stream, authority, paths.get(i)));
                    stream += 2;
                    c.requests++;
                }
                out.flush();
                Thread reader = new Thread(() -> c.readH2(s), "stalled-h2-" + k);
                reader.setDaemon(true);
                reader.start();
                c.readers.add(reader);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return s;
    }

    private void readH2(Socket s) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] header = new byte[H2Frames.HEADER_LENGTH];
            for (;;) {
                in.readFully(header);
                byte[] payload = new byte[H2Frames.length(header)];
                in.readFully(payload);
                int type = header[3] & 0xff;
                boolean ack = (header[4] & H2Frames.FLAG_ACK) != 0;
                if (type == H2Frames.SETTINGS && !ack) {
                    synchronized (out) {
                        out.write(H2Frames.settingsAck());
                    }
                } else if (type == H2Frames.PING && !ack) {
                    synchronized (out) {
                        out.write(H2Frames.pingAck(payload));
                    }
                } else if (type == H2Frames.HEADERS && H2Frames.streamId(header) != 0) {
                    h2Headers.incrementAndGet();
                } else if (type == H2Frames.DATA) {
                    h2DataBytes.addAndGet(payload.length);
                } else if (type == H2Frames.RST_STREAM) {
                    h2Resets.incrementAndGet();
                } else if (type == H2Frames.GOAWAY) {
                    h2GoAways.incrementAndGet();
                }
            }
        } catch (EOFException e) {
            // the server closed the connection
        } catch (IOException e) {
            // closed by close(), or reset by the server
        }
    }

    /** The connections open. */
    int connections() {
        return sockets.size();
    }

    /** The requests sent: connections (HTTP/1.1) or streams (h2c). */
    int requests() {
        return requests;
    }

    /**
     * Requests whose response has begun: HTTP/1.1 connections with bytes waiting unread in their receive buffer
     * ({@code available()}, which reads nothing), or h2c streams answered with a HEADERS frame.
     */
    int started() {
        if (h2) {
            return h2Headers.get();
        }
        int n = 0;
        for (Socket s : sockets) {
            try {
                n += s.getInputStream().available() > 0 ? 1 : 0;
            } catch (IOException e) {
                // closed by the server: not stalled any more
            }
        }
        return n;
    }

    /** h2c: body bytes the server sent in spite of the zero window (should be 0). */
    long h2DataBytes() {
        return h2DataBytes.get();
    }

    /** h2c: streams the server reset (RST_STREAM), e.g. refused beyond its concurrent-stream limit. */
    int h2Resets() {
        return h2Resets.get();
    }

    /** h2c: connections the server sent a GOAWAY on. */
    int h2GoAways() {
        return h2GoAways.get();
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignore) {
                // closing anyway
            }
        }
        for (Thread t : readers) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
