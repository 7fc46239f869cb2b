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

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Counts;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Download;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Recorder;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.SlowClient;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.HOST;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertAnsweredWhileABigFileIsRead;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertRange;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertText;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertWholeFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.coldFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reactor Netty's {@code HttpServer} on epoll with the README's one line ({@code doOnChannelInit} adding the handler
 * at the head of each connection's pipeline): {@code sendFile} of cold files goes through AIO, whole and in ranges;
 * under TLS and compression Reactor Netty writes no file region, so the file is served without AIO; and the one
 * event loop answers a small request while a cold 64 MiB file streams.
 */
class ReactorNettyTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    /** One event loop for every connection: what one connection does, the others would feel. */
    private static LoopResources loops;
    private static AioMetrics metrics;
    private static DisposableServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the epoll transport");
        Aio.ensureAvailability();
        dir = TestFiles.directory("reactor-netty");
        loops = LoopResources.create("aio-reactor", 1, 1, true);
        assertTrue(((IoEventLoopGroup) loops.onServer(true)).isCompatible(EpollIoHandle.class), "epoll loops");
        metrics = AioMetrics.of(loops.onServer(true));
        server = start(UnaryOperator.identity());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
        }
    }

    /** A server of the README's recipe on the test's loop, with {@code options} (TLS, compression) applied. */
    private static DisposableServer start(UnaryOperator<HttpServer> options) {
        HttpServer server = HttpServer.create()
                // README Reactor Netty: begin
                .doOnChannelInit((observer, channel, address) ->
                        channel.pipeline().addFirst("aio.fileRegion", new AioFileRegionHandler()))
                // README Reactor Netty: end
                .host(HOST)
                .port(0)
                .runOn(loops)
                .route(routes -> routes
                        .get("/files/{name}", ReactorNettyTest::sendFile)
                        .get("/small", (request, response) -> response.sendString(Mono.just("small"))));
        return options.apply(server).bindNow(Duration.ofSeconds(30));
    }

    /** The application's own handler: the file whole, or the one range asked for, with {@code sendFile}. */
    private static Publisher<Void> sendFile(HttpServerRequest request, HttpServerResponse response) {
        Path file = dir.resolve(request.param("name"));
        long length = file.toFile().length();
        long[] range = FrameworkTesting.parseRange(request.requestHeaders().get("Range"), length);
        if (range == null) {
            return response.sendFile(file);
        }
        return response.status(206)
                .header("Content-Range", FrameworkTesting.contentRange(range[0], range[1], length))
                .sendFile(file, range[0], range[1] - range[0] + 1);
    }

    private static String url(DisposableServer server, String scheme, String path) {
        return scheme + "://" + HOST + ':' + server.port() + path;
    }

    @Test
    void coldFilesAreServedByteExactThroughAioOnOneKeepAliveConnection() throws Exception {
        File a = coldFile(dir, "cold-a.bin", (9 << 20) + 12345, 1);
        File b = coldFile(dir, "cold-b.bin", (3 << 20) + 1, 2);
        Counts before = Counts.of(metrics);
        List<Download> downloads = curl(dir, List.of(url(server, "http", "/files/cold-a.bin"),
                url(server, "http", "/files/cold-b.bin")));
        assertWholeFile(a, downloads.get(0));
        assertWholeFile(b, downloads.get(1));
        assertEquals(0, downloads.get(1).connects(), "the second file came over the first one's connection");
        before.assertReadThroughAio(metrics, a.length() + b.length());
    }

    @Test
    void aRangeIsSentWithSendFileOfItsPositionAndCountThroughAio() throws Exception {
        File file = coldFile(dir, "range.bin", (5 << 20) + 7, 3);
        long first = 1_234_567;
        long last = 4_444_444;
        Counts before = Counts.of(metrics);
        Download download = curl(dir, url(server, "http", "/files/range.bin"), "Range: bytes=" + first + '-' + last);
        assertRange(file, first, last, download);
        before.assertReadThroughAio(metrics, last - first + 1);
    }

    /**
     * What Reactor Netty writes for {@code sendFile}, recorded at the tail of the connection's pipeline, where its
     * writes enter: on a plain connection a region (with the response head and the last, empty content); under TLS and
     * compression a {@code ChunkedInput} (a {@code ChunkedNioFile}, read with blocking calls on the event loop) and no
     * region, so the handler sees nothing, AIO is not used, and the file is still served byte for byte. These are the
     * limits docs/frameworks.md states.
     */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "compression"})
    void whatReactorNettyWritesForSendFile(String option) throws Exception {
        UnaryOperator<HttpServer> options;
        String scheme = "http";
        if ("tls".equals(option)) {
            X509Bundle cert = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                    .ecp256().buildSelfSigned();
            options = s -> s.secure(spec -> spec.sslContext(
                    Http11SslContextSpec.forServer(cert.getKeyPair().getPrivate(), cert.getCertificate())));
            scheme = "https";
        } else if ("compression".equals(option)) {
            options = s -> s.compress(true);
        } else {
            options = UnaryOperator.identity();
        }
        Recorder recorder = new Recorder();
        DisposableServer other = start(options.andThen(s -> s.doOnChannelInit((observer, channel, address) ->
                channel.pipeline().addLast("recorder", recorder)))::apply);
        try {
            File file = coldFile(dir, "written-" + option + ".bin", (2 << 20) + 3, 4);
            Counts before = Counts.of(metrics);
            assertWholeFile(file, curl(dir, url(other, scheme, "/files/" + file.getName())));
            if ("plain".equals(option)) {
                assertEquals(Set.of("head", "region", "buffer"), recorder.written(), "what Reactor Netty wrote");
                before.assertReadThroughAio(metrics, file.length());
            } else {
                assertEquals(Set.of("head", "chunked input", "buffer"), recorder.written(), "what Reactor Netty wrote");
                before.assertNoRegion(metrics);
            }
        } finally {
            other.disposeNow(Duration.ofSeconds(10));
        }
    }

    /**
     * The server has one event loop: a small request is answered while a cold 64 MiB file is read through AIO
     * ({@link FrameworkTesting#assertAnsweredWhileABigFileIsRead}).
     */
    @Test
    void aSmallRequestIsAnsweredWhileAColdSixtyFourMibFileIsBeingRead() throws Throwable {
        File big = TestFiles.create(dir, "big-64m.bin", 64 << 20, 64);
        Counts before = assertAnsweredWhileABigFileIsRead(metrics, server.port(), "/files/big-64m.bin", big,
                () -> assertText("small", curl(dir, url(server, "http", "/small"))));
        before.assertReadThroughAio(metrics, big.length());
    }

    @Test
    void aClientThatHangsUpMidFileLeavesTheServerServing() throws Exception {
        File abandoned = coldFile(dir, "abandoned.bin", 32 << 20, 5);
        try (SlowClient slow = new SlowClient(server.port(), "/files/abandoned.bin")) {
            String head = slow.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            slow.readBody(1 << 20);
            slow.abort();
        }
        Files.delete(abandoned.toPath()); // while the server may still hold it open: it must not mind
        File next = coldFile(dir, "after-abandoned.bin", (4 << 20) + 99, 6);
        Counts before = Counts.of(metrics);
        assertWholeFile(next, curl(dir, url(server, "http", "/files/after-abandoned.bin")));
        before.assertReadThroughAio(metrics, next.length());
    }
}
