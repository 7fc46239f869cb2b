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
package io.netty.contrib.channel.aio.frameworks;

import io.netty.channel.epoll.Epoll;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.HOST;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertWholeFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.coldFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The load benchmark's framework servers: each serves the files under its root at their paths, byte for byte, and
 * nothing else; with the one line its regions go through AIO, without it none reaches a handler.
 */
class FrameworkFileServerTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;

    @BeforeAll
    static void files() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the epoll transport");
        Aio.ensureAvailability();
        dir = TestFiles.directory("framework-file-server");
    }

    @ParameterizedTest
    @CsvSource({"reactor, true", "reactor, false", "webflux, true", "webflux, false", "vertx, true",
            "vertx, false"})
    void servesTheFilesUnderItsRootAndNothingElse(String framework, boolean aio) throws Exception {
        Path root = Files.createDirectories(dir.resolve(framework + "-" + aio));
        File file = coldFile(Files.createDirectories(root.resolve("1m")), "f7", (3 << 20) + 99, 7);
        int port = freePort();
        try (FrameworkFileServer.Running server = FrameworkFileServer.start(framework, root, port, 1, aio)) {
            AioMetrics metrics = AioMetrics.of(server.loops());
            Counts before = Counts.of(metrics);
            String base = "http://" + HOST + ':' + port;
            assertWholeFile(file, curl(dir, base + "/1m/f7"));
            if (aio) {
                before.assertReadThroughAio(metrics, file.length());
            } else {
                before.assertNoRegion(metrics);
            }
            assertEquals(404, curl(dir, base + "/1m/f8").status());
            assertEquals(404, curl(dir, base + "/1m").status());
        }
    }

    @Test
    void resolvesOnlyRegularFilesInsideTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("resolve"));
        Path inside = Files.createDirectories(root.resolve("a")).resolve("b");
        Files.write(inside, new byte[] {1});
        Files.write(dir.resolve("outside"), new byte[] {2});
        assertEquals(inside, FrameworkFileServer.resolve(root, "/a/b"));
        assertEquals(inside, FrameworkFileServer.resolve(root, "//a/./b?x=1"));
        assertNull(FrameworkFileServer.resolve(root, "/a"));
        assertNull(FrameworkFileServer.resolve(root, "/../outside"));
        assertNull(FrameworkFileServer.resolve(root, "/a/../../outside"));
        assertNull(FrameworkFileServer.resolve(root, "/missing"));
        assertThrows(IllegalArgumentException.class, () -> FrameworkFileServer.start("jetty", root, 1, 1, false));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }
}
