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

import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful stop is bounded by {@code --stop-timeout}: clients that stopped reading in the middle of a download, over
 * HTTP/1.1 and HTTP/2, do not hold the server beyond it, and an HTTP/2 client is told with GOAWAY.
 */
class ShutdownTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("shutdown");
        TestFiles.create(root, "big.bin", 64 << 20, 31);
    }

    @Test
    void stalledDownloadsDoNotHoldTheServerBeyondTheStopTimeout() throws Exception {
        FileServer server = TestServers.start(root, "aio", "--stop-timeout", "2");
        try (RawHttp h1 = new RawHttp(server.port());
             RawHttp2 h2 = new RawHttp2(server.port(), new Http2Settings().initialWindowSize(0))) {
            h1.send(RawHttp.get("/big.bin"));
            h1.readHeaders(); // and no more: the client stops reading
            // A stream at a zero window: its response began, no DATA can go; control frames still can.
            h2.get(1, "/big.bin").flush();
            assertTrue(h2.readUntil(() -> h2.streams.containsKey(1) && h2.streams.get(1).headers != null, 10_000));
            long start = System.nanoTime();
            server.close();
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // The bound, and what a loaded machine adds to it.
            assertTrue(took < 2000 + 1500, "stopped in " + took + " ms with --stop-timeout 2");
            assertTrue(h2.readUntil(h2::isClosed, 10_000), "the HTTP/2 connection is closed");
            assertEquals(0, h2.goAwayError, "GOAWAY NO_ERROR, sent when the stop began");
            assertTrue(h1.readUntilClosed(10), "the HTTP/1.1 connection is closed");
        }
    }
}
