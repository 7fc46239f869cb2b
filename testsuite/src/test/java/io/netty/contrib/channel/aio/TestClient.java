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
package io.netty.contrib.channel.aio;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** A blocking client on loopback that sends request lines and hashes what comes back. */
final class TestClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    TestClient(int port, boolean tls) throws Exception {
        if (tls) {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, TestServer.CERT.toTrustManagerFactory().getTrustManagers(), null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
            s.startHandshake();
            socket = s;
        } else {
            socket = new Socket("127.0.0.1", port);
        }
        socket.setSoTimeout(60_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** SHA-256 of the next {@code count} bytes. */
    String sha256(long count) throws IOException {
        MessageDigest digest = TestFiles.sha256();
        byte[] buf = new byte[1 << 16];
        long left = count;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException((count - left) + " of " + count + " bytes arrived");
            }
            digest.update(buf, 0, n);
            left -= n;
        }
        return TestFiles.hex(digest.digest());
    }

    byte[] readBytes(int count) throws IOException {
        byte[] b = new byte[count];
        in.readFully(b);
        return b;
    }

    /** Reads until the server closes; returns how many bytes came. */
    long drainToEof() throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        } catch (IOException e) {
            // a reset counts as the end too
        }
        return total;
    }

    InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
