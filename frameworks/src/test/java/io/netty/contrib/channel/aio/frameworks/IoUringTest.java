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
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Counts;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Recorder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.HOST;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertWholeFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.coldFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The frameworks with Netty's io_uring transport on the class path. Vert.x's io_uring transport supports no file
 * regions: {@code sendFile} writes a {@code ChunkedNioFile}, read with blocking calls on the event loop, so AIO is not
 * used. Reactor Netty 1.3 (and so Spring WebFlux) runs on io_uring whenever Netty's io_uring transport is on the class
 * path, and writes file regions there as on epoll: the README's line reads them through AIO. Both are what
 * docs/frameworks.md states. Run in a surefire execution of its own: the other tests run without io_uring.
 */
class IoUringTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;

    @BeforeAll
    static void check() throws Exception {
        assumeTrue(IoUring.isAvailable(), "the io_uring transport");
        Aio.ensureAvailability();
        dir = TestFiles.directory("io_uring");
    }

    @Test
    void vertxOnIoUringWritesAChunkedInputSoAioIsNotUsed() throws Exception {
        Vertx vertx = Vertx.builder().withTransport(Transport.IO_URING).build();
        try {
            assertTrue(vertx.isNativeTransportEnabled(), "Vert.x runs on io_uring");
            AioMetrics metrics = AioMetrics.of(((VertxInternal) vertx).nettyEventLoopGroup());
            Recorder recorder = new Recorder();
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(0));
            server.connectionHandler(connection -> {
                ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
                pipeline.addFirst("aio.fileRegion", new AioFileRegionHandler());
                pipeline.addBefore(pipeline.lastContext().name(), "recorder", recorder);
            });
            File file = coldFile(dir, "vertx.bin", (2 << 20) + 5, 31);
            server.requestHandler(request -> request.response().sendFile(file.getPath()));
            await(server.listen());
            Counts before = Counts.of(metrics);
            assertWholeFile(file, curl(dir, "http://" + HOST + ':' + server.actualPort() + "/vertx.bin"));
            assertEquals(Set.of("buffer", "chunked input"), recorder.written(), "what Vert.x wrote");
            before.assertNoRegion(metrics);
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void reactorNettyRunsOnIoUringWhereTheFileIsReadThroughAio() throws Exception {
        LoopResources loops = LoopResources.create("aio-io_uring-test", 1, 1, true);
        try {
            IoEventLoopGroup group = (IoEventLoopGroup) loops.onServer(true);
            assertTrue(group.isCompatible(IoUringIoHandle.class), "Reactor Netty's loops are io_uring loops");
            AioMetrics metrics = AioMetrics.of(group);
            Recorder recorder = new Recorder();
            File file = coldFile(dir, "reactor.bin", (2 << 20) + 7, 32);
            DisposableServer server = reactor.netty.http.server.HttpServer.create()
                    .doOnChannelInit((observer, channel, address) -> channel.pipeline()
                            .addFirst("aio.fileRegion", new AioFileRegionHandler())
                            .addLast("recorder", recorder))
                    .host(HOST)
                    .port(0)
                    .runOn(loops)
                    .handle((request, response) -> response.sendFile(file.toPath()))
                    .bindNow(Duration.ofSeconds(30));
            try {
                Counts before = Counts.of(metrics);
                assertWholeFile(file, curl(dir, "http://" + HOST + ':' + server.port() + "/reactor.bin"));
                assertEquals(Set.of("head", "region", "buffer"), recorder.written(), "what Reactor Netty wrote");
                before.assertReadThroughAio(metrics, file.length());
            } finally {
                server.disposeNow(Duration.ofSeconds(10));
            }
        } finally {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
