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

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain (or TLS) socket, for what real clients refuse to send (raw "..", NUL) and for pipelining. */
final class RawHttp implements AutoCloseable {

    static final class Response {
        int status;
        final Map<String, String> headers = new HashMap<>();
        byte[] body;

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket tcp;
    private final Socket socket;
    private final DataInputStream in;

    RawHttp(int port) throws IOException {
        this(port, false);
    }

    /** A connection to 127.0.0.1, over TLS (trusting any certificate) if {@code tls}. */
    RawHttp(int port, boolean tls) throws IOException {
        tcp = new Socket("127.0.0.1", port);
        if (tls) {
            SSLSocket ssl = (SSLSocket) TestServers.trustAll().getSocketFactory().createSocket(tcp, "localhost", port,
                    true);
            ssl.startHandshake();
            socket = ssl;
        } else {
            socket = tcp;
        }
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Gives up reading after {@code millis} (a {@code SocketTimeoutException}). */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void send(String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /**
     * Sends {@code request} {@code times} times from a thread of its own, and returns that thread; it ends when all
     * is sent or the connection is closed. For a server that stops reading: the writes then block.
     */
    Thread sendInBackground(String request, int times) {
        Thread t = new Thread(() -> {
            StringBuilder batch = new StringBuilder();
            try {
                for (int i = 0; i < times; i++) {
                    batch.append(request);
                    if (batch.length() > 16 * 1024 || i == times - 1) {
                        send(batch.toString());
                        batch.setLength(0);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }, "send-in-background");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    /** Reads one response; {@code head} for a response to HEAD (no body whatever Content-Length says). */
    Response read(boolean head) throws IOException {
        Response r = readHeaders();
        String length = r.header("content-length");
        r.body = new byte[head || length == null ? 0 : Integer.parseInt(length)];
        in.readFully(r.body);
        return r;
    }

    /** Reads a status line and headers, leaving the body unread. */
    Response readHeaders() throws IOException {
        Response r = new Response();
        String status = line();
        r.status = Integer.parseInt(status.split(" ")[1]);
        for (String l; !(l = line()).isEmpty(); ) {
            int colon = l.indexOf(':');
            r.headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return r;
    }

    /** Reads n bytes of a body without parsing, then leaves the rest unread. */
    byte[] readRaw(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    java.io.InputStream input() {
        return in;
    }

    /**
     * Reads and drops whatever comes until the server closes (or resets) the connection: {@code true}; {@code false}
     * if the socket's read timeout passed with nothing, or {@code seconds} went by.
     */
    boolean readUntilClosed(int seconds) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        byte[] buf = new byte[1 << 16];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                return false; // still open: the server neither sent nor closed
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed in the middle of a response");
            }
            if (c != '\r') {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Closes the TCP connection (without a TLS close_notify: another thread may be blocked writing, and an
     * SSLSocket's close would wait for it).
     */
    @Override
    public void close() throws IOException {
        tcp.close();
    }
}
