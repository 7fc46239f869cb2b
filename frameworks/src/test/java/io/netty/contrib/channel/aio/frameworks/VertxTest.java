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

import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.Epoll;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Counts;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Recorder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
 * Vert.x's HTTP server on its native epoll transport, with the README's one line (the connection handler adding the
 * handler at the head of each connection's pipeline): {@code sendFile} of cold files, whole and of an offset and
 * length, goes through the handler, AIO included. On Vert.x's default NIO transport the regions take their own path,
 * counted as fallbacks.
 */
class VertxTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    private static Vertx vertx;
    private static AioMetrics metrics;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the epoll transport");
        Aio.ensureAvailability();
        dir = TestFiles.directory("vertx");
        // README Vert.x: begin
        vertx = Vertx.builder().withTransport(Transport.EPOLL).build();
        // README Vert.x: end
        assertTrue(vertx.isNativeTransportEnabled(), "Vert.x runs on epoll");
        metrics = AioMetrics.of(((VertxInternal) vertx).nettyEventLoopGroup());
        server = start(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
    }

    private static HttpServer start(Vertx vertx) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(0));
        // README Vert.x: begin
        server.connectionHandler(connection -> ((ConnectionBase) connection).channel().pipeline()
                .addFirst("aio.fileRegion", new AioFileRegionHandler()));
        // README Vert.x: end
        server.requestHandler(VertxTest::sendFile);
        return await(server.listen());
    }

    /** The application's own handler: the file whole, or the one range asked for, with {@code sendFile}. */
    private static void sendFile(HttpServerRequest request) {
        if (request.path().equals("/small")) {
            request.response().end("small");
            return;
        }
        File file = dir.resolve(request.path().substring("/files/".length())).toFile();
        long[] range = FrameworkTesting.parseRange(request.getHeader("Range"), file.length());
        if (range == null) {
            request.response().sendFile(file.getPath());
        } else {
            request.response().setStatusCode(206)
                    .putHeader("Content-Range", FrameworkTesting.contentRange(range[0], range[1], file.length()))
                    .sendFile(file.getPath(), range[0], range[1] - range[0] + 1);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String url(HttpServer server, String name) {
        return "http://" + HOST + ':' + server.actualPort() + "/files/" + name;
    }

    /** Vert.x writes a file as regions of 1 MiB, one after the other: every region goes through the handler. */
    @Test
    void aColdFileIsServedByteExactByTheHandlerWithoutFallback() throws Exception {
        File file = coldFile(dir, "cold.bin", (9 << 20) + 12345, 21);
        Counts before = Counts.of(metrics);
        assertWholeFile(file, curl(dir, url(server, "cold.bin")));
        before.assertServedByTheHandler(metrics, 10, file.length());
    }

    @Test
    void anOffsetAndLengthAreServedByTheHandlerWithoutFallback() throws Exception {
        File file = coldFile(dir, "range.bin", (5 << 20) + 3, 22);
        long first = 777_777;
        long last = 4_321_000;
        Counts before = Counts.of(metrics);
        assertRange(file, first, last, curl(dir, url(server, "range.bin"), "Range: bytes=" + first + '-' + last));
        before.assertServedByTheHandler(metrics, 4, last - first + 1);
    }

    /**
     * What the README promises for a file asked for once: read through AIO, not brought into the page cache, although
     * Vert.x sends it as ten regions: a region that goes on from the last one of its file is the same request.
     */
    @Test
    void aFileSentAsSeveralRegionsIsReadThroughAioOnItsFirstRequest() throws Exception {
        File file = coldFile(dir, "once.bin", (9 << 20) + 12345, 24);
        Counts before = Counts.of(metrics);
        assertWholeFile(file, curl(dir, url(server, "once.bin")));
        before.assertNoneAdmitted(metrics);
        before.assertReadThroughAio(metrics, file.length());
    }

    /**
     * What Vert.x writes for {@code sendFile} where it writes no region, recorded at the connection's pipeline just
     * below Vert.x's own handler: under TLS and with compression a {@code ChunkedInput} (read with blocking calls on
     * the event loop by the {@code ChunkedWriteHandler}), over h2c only buffers (HTTP/2 frames: the file is read
     * elsewhere). Either way no region reaches the handler, AIO is not used, and the file is served byte for byte.
     * These are the limits docs/frameworks.md states.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tls", "compression", "h2c"})
    void withTlsCompressionOrHttp2NoRegionIsWrittenSoAioIsNotUsed(String option) throws Exception {
        HttpServerOptions options = new HttpServerOptions().setHost(HOST).setPort(0);
        String scheme = "http";
        List<String> curlOptions = new ArrayList<>();
        if ("tls".equals(option)) {
            X509Bundle cert = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                    .ecp256().buildSelfSigned();
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(cert.getCertificatePEM()))
                    .setKeyValue(Buffer.buffer(cert.getPrivateKeyPEM())));
            scheme = "https";
        } else if ("compression".equals(option)) {
            options.setCompressionSupported(true);
            curlOptions.add("Accept-Encoding: identity");
        } else {
            curlOptions.add(FrameworkTesting.HTTP2_PRIOR_KNOWLEDGE);
        }
        Recorder recorder = new Recorder();
        HttpServer other = vertx.createHttpServer(options);
        other.connectionHandler(connection -> {
            ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
            pipeline.addFirst("aio.fileRegion", new AioFileRegionHandler());
            pipeline.addBefore(pipeline.lastContext().name(), "recorder", recorder);
        });
        other.requestHandler(VertxTest::sendFile);
        await(other.listen());
        try {
            File file = coldFile(dir, "no-region-" + option + ".bin", (2 << 20) + 3, 25);
            Counts before = Counts.of(metrics);
            String url = scheme + "://" + HOST + ':' + other.actualPort() + "/files/" + file.getName();
            assertWholeFile(file, curl(dir, url, curlOptions.toArray(new String[0])));
            before.assertNoRegion(metrics);
            assertEquals("h2c".equals(option) ? Set.of("buffer") : Set.of("buffer", "chunked input"),
                    recorder.written(), "what Vert.x wrote");
        } finally {
            await(other.close());
        }
    }

    /**
     * As {@code ReactorNettyTest}'s, on a Vert.x of one event loop: a small request is answered while a cold 64 MiB
     * file is read through AIO ({@link FrameworkTesting#assertAnsweredWhileABigFileIsRead}).
     */
    @Test
    void aSmallRequestIsAnsweredWhileAColdSixtyFourMibFileIsBeingRead() throws Throwable {
        Vertx one = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(Transport.EPOLL)
                .build();
        try {
            AioMetrics oneMetrics = AioMetrics.of(((VertxInternal) one).nettyEventLoopGroup());
            HttpServer oneServer = start(one);
            File big = TestFiles.create(dir, "big-64m.bin", 64 << 20, 64);
            Counts before = assertAnsweredWhileABigFileIsRead(oneMetrics, oneServer.actualPort(),
                    "/files/big-64m.bin", big,
                    () -> assertText("small", curl(dir, "http://" + HOST + ':' + oneServer.actualPort() + "/small")));
            // Vert.x writes the file as 64 regions of 1 MiB.
            before.assertServedByTheHandler(oneMetrics, 64, big.length());
            before.assertNoneAdmitted(oneMetrics);
        } finally {
            await(one.close());
        }
    }

    /** Vert.x's default transport is NIO: the file is served, by its own path, and each region counts a fallback. */
    @Test
    void onTheDefaultNioTransportTheRegionsFallBack() throws Exception {
        Vertx nio = Vertx.vertx();
        try {
            AioMetrics nioMetrics = AioMetrics.of(((VertxInternal) nio).nettyEventLoopGroup());
            HttpServer nioServer = start(nio);
            File file = coldFile(dir, "nio.bin", (2 << 20) + 17, 23);
            long fallbacks = nioMetrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP);
            assertWholeFile(file, curl(dir, url(nioServer, "nio.bin")));
            assertEquals(3, nioMetrics.fallbacks(AioMetrics.Fallback.UNSUPPORTED_LOOP) - fallbacks,
                    "Vert.x writes a region per MiB, each falls back: " + nioMetrics);
            assertEquals(0, nioMetrics.readsCompleted(), nioMetrics.toString());
        } finally {
            await(nio.close());
        }
    }
}
