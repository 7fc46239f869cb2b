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

import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every part of a multi-range response comes from the file that was looked up and opened for it, even when its path
 * names another file by the time a later part is sent.
 */
class RangePartsTest {

    private static final int FIRST = 32 << 20;
    /** Where the second part starts: not adjacent to the first, which would make the two one range. */
    private static final int SECOND = FIRST + 4096;

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void laterPartsComeFromTheFileThatWasOpened(String mode) throws Exception {
        Path root = TestFiles.directory("range-parts-" + mode);
        File served = TestFiles.create(root, "data.bin", FIRST + (1 << 20), 61);
        File replacement = TestFiles.create(root.getParent(), "replacement-" + mode + ".bin", FIRST + (1 << 20), 62);
        byte[] expected = TestFiles.read(served, SECOND, 1024);
        FileServer server = TestServers.start(root, mode);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 << 10);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = s.getOutputStream();
            out.write(("GET /data.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\nRange: bytes=0-" + (FIRST - 1)
                    + "," + SECOND + "-" + (SECOND + 1023) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buf = new byte[64 << 10];
            int n = in.read(buf);
            assertTrue(n > 0, "no response");
            received.write(buf, 0, n);
            // The first part is on its way (32 MiB do not fit in the sockets' buffers): the path now names another
            // file.
            Files.move(replacement.toPath(), served.toPath(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            while ((n = in.read(buf)) > 0) {
                received.write(buf, 0, n);
            }
            byte[] all = received.toByteArray();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 206"), text.substring(0, Math.min(200, text.length())));
            String header = "Content-Range: bytes " + SECOND + "-" + (SECOND + 1023) + "/";
            int at = text.indexOf(header);
            assertTrue(at > 0, "no second part");
            int body = text.indexOf("\r\n\r\n", at) + 4;
            assertArrayEquals(expected, Arrays.copyOfRange(all, body, body + 1024),
                    mode + ": the second part's bytes are the opened file's");
        } finally {
            server.close();
        }
    }
}
