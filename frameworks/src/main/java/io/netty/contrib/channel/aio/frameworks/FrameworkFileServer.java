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

import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.transport.Transport;
import org.reactivestreams.Publisher;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A static file server on a framework, for the load benchmark's framework rows: every file under {@code --root} at
 * its relative path, whole, on {@code --threads} epoll event loops, with or without the one line of the project's
 * {@code docs/frameworks.md} ({@code --aio}). The application
 * code is what a user of each framework writes, unchanged by the line:
 * <ul>
 *   <li>{@code reactor}: Reactor Netty's {@code HttpServer}, {@code response.sendFile(path)};</li>
 *   <li>{@code webflux}: Spring Boot with WebFlux's static resources from a {@code file:} location
 *   ({@code reactor.netty.ioWorkerCount} sets the loops);</li>
 *   <li>{@code vertx}: Vert.x on its epoll transport, {@code response().sendFile(path)}, one server instance per
 *   event loop.</li>
 * </ul>
 * It listens on 127.0.0.1 and runs until it is killed. It is a benchmark's server, not a hardened one: a path may not
 * leave the root by {@code ..}, but symbolic links under the root are followed wherever they point. The webflux
 * server's loop count is a JVM-wide property that Reactor Netty reads once: the first server of a JVM sets it.
 */
public final class FrameworkFileServer {

    private static final String USAGE = "usage: FrameworkFileServer reactor|webflux|vertx --root DIR --port PORT"
            + " [--threads N] [--aio]";

    private FrameworkFileServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException(USAGE);
        }
        String framework = args[0];
        Path root = null;
        int port = -1;
        int threads = 1;
        boolean aio = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--root":
                    root = Paths.get(args[++i]).toAbsolutePath().normalize();
                    break;
                case "--port":
                    port = Integer.parseInt(args[++i]);
                    break;
                case "--threads":
                    threads = Integer.parseInt(args[++i]);
                    break;
                case "--aio":
                    aio = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (root == null || port < 0 || threads < 1) {
            throw new IllegalArgumentException(USAGE);
        }
        start(framework, root, port, threads, aio);
        System.out.printf(Locale.ROOT, "%s%s serving %s on http://127.0.0.1:%d/ with %d event loop(s)%n", framework,
                aio ? " with AioFileRegionHandler" : "", root, port, threads);
        new CountDownLatch(1).await();
    }

    /** A server started by {@link #start}: its event loops, and closing it stops the server and them. */
    public static final class Running implements AutoCloseable {
        private final EventExecutorGroup loops;
        private final AutoCloseable stop;

        Running(EventExecutorGroup loops, AutoCloseable stop) {
            this.loops = loops;
            this.stop = stop;
        }

        /** The event loops the server's connections run on (for {@code AioMetrics.of}). */
        public EventExecutorGroup loops() {
            return loops;
        }

        @Override
        public void close() throws Exception {
            stop.close();
        }
    }

    /**
     * Starts {@code framework}'s server on 127.0.0.1:{@code port}.
     *
     * @throws IllegalArgumentException if {@code framework} is none of {@code reactor}, {@code webflux}, {@code vertx}
     * @throws Exception if the server could not start
     */
    public static Running start(String framework, Path root, int port, int threads, boolean aio)
            throws Exception {
        switch (framework) {
            case "reactor":
                return reactor(root, port, threads, aio);
            case "webflux":
                return webflux(root, port, threads, aio);
            case "vertx":
                return vertx(root, port, threads, aio);
            default:
                throw new IllegalArgumentException("unknown framework " + framework + "; " + USAGE);
        }
    }

    /** The file under {@code root} at a request's path, or {@code null} (outside the root, or not a file). */
    static Path resolve(Path root, String requestPath) {
        int query = requestPath.indexOf('?');
        String path = query < 0 ? requestPath : requestPath.substring(0, query);
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        Path file = root.resolve(path).normalize();
        return file.startsWith(root) && Files.isRegularFile(file) ? file : null;
    }

    private static Running reactor(Path root, int port, int threads, boolean aio) {
        LoopResources loops = LoopResources.create("reactor-files", 1, threads, true);
        HttpServer server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops)
                .handle((request, response) -> sendFile(root, request, response));
        if (aio) {
            server = server.doOnChannelInit((observer, channel, address) ->
                    channel.pipeline().addFirst("aio.fileRegion", new AioFileRegionHandler()));
        }
        DisposableServer bound;
        try {
            bound = server.bindNow();
        } catch (RuntimeException e) {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
            throw e;
        }
        return new Running(loops.onServer(true), () -> {
            bound.disposeNow(Duration.ofSeconds(10));
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
        });
    }

    private static Publisher<Void> sendFile(Path root, HttpServerRequest request, HttpServerResponse response) {
        Path file = resolve(root, request.uri());
        return file == null ? response.status(404).send() : response.sendFile(file);
    }

    /** Boot's auto-configuration of WebFlux and its static resources. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class StaticFiles {
    }

    /** The one bean of docs/frameworks.md. */
    @Configuration(proxyBeanMethods = false)
    static class AioLine {
        @Bean
        NettyServerCustomizer aioFileRegions() {
            return server -> server.doOnChannelInit((observer, channel, address) ->
                    channel.pipeline().addFirst("aio.fileRegion", new AioFileRegionHandler()));
        }
    }

    private static Running webflux(Path root, int port, int threads, boolean aio) {
        System.setProperty("reactor.netty.ioWorkerCount", Integer.toString(threads));
        Class<?>[] sources = aio ? new Class<?>[] {StaticFiles.class, AioLine.class}
                : new Class<?>[] {StaticFiles.class};
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources)
                .web(WebApplicationType.REACTIVE)
                .properties("server.address=127.0.0.1", "server.port=" + port, "spring.main.banner-mode=off",
                        "spring.web.resources.static-locations=file:" + root + '/')
                .run();
        return new Running(context.getBean(ReactorResourceFactory.class).getLoopResources().onServer(true),
                context);
    }

    private static Running vertx(Path root, int port, int threads, boolean aio) throws Exception {
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(threads))
                .withTransport(Transport.EPOLL).build();
        AutoCloseable close = () -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            if (!vertx.isNativeTransportEnabled()) {
                throw new IllegalStateException("Vert.x could not use epoll",
                        vertx.unavailableNativeTransportCause());
            }
            vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    io.vertx.core.http.HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                            .setHost("127.0.0.1").setPort(port));
                    if (aio) {
                        server.connectionHandler(connection -> ((ConnectionBase) connection).channel().pipeline()
                                .addFirst("aio.fileRegion", new AioFileRegionHandler()));
                    }
                    return server.requestHandler(request -> sendFile(root, request)).listen();
                }
            }, new DeploymentOptions().setInstances(threads)).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new Running(((VertxInternal) vertx).nettyEventLoopGroup(), close);
        } catch (Exception | Error e) {
            close.close();
            throw e;
        }
    }

    private static void sendFile(Path root, io.vertx.core.http.HttpServerRequest request) {
        Path file = resolve(root, request.path());
        if (file == null) {
            request.response().setStatusCode(404).end();
        } else {
            request.response().sendFile(file.toString());
        }
    }
}
