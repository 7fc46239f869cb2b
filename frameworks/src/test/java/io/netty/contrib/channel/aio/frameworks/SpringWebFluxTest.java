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
import io.netty.contrib.channel.aio.AioFileRegionHandler;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.contrib.channel.aio.frameworks.FrameworkTesting.Counts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import java.io.File;
import java.nio.file.Path;

import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.HOST;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertAnsweredWhileABigFileIsRead;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertRange;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertWholeFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.coldFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.curl;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spring WebFlux on Spring Boot's Reactor Netty server, with the README's one bean: static resources from a
 * {@code file:} location reach Reactor Netty's {@code sendFile}, whole and as a single range, and their cold files go
 * through AIO.
 */
class SpringWebFluxTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    private static ConfigurableApplicationContext context;
    private static AioMetrics metrics;
    private static String base;

    /** The application: Boot's auto-configuration of WebFlux and its static resources, and the one bean. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class StaticFiles {

        // README Spring WebFlux: begin
        @Bean
        NettyServerCustomizer aioFileRegions() {
            return server -> server.doOnChannelInit((observer, channel, address) ->
                    channel.pipeline().addFirst("aio.fileRegion", new AioFileRegionHandler()));
        }
        // README Spring WebFlux: end
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the epoll transport");
        Aio.ensureAvailability();
        // One event loop for every connection (Reactor Netty reads this once; this class has a JVM of its own).
        System.setProperty("reactor.netty.ioWorkerCount", "1");
        dir = TestFiles.directory("spring-webflux");
        context = new SpringApplicationBuilder(StaticFiles.class)
                .web(WebApplicationType.REACTIVE)
                .properties("server.address=" + HOST, "server.port=0", "spring.main.banner-mode=off",
                        "spring.web.resources.static-locations=file:" + dir + '/')
                .run();
        base = "http://" + HOST + ':' + context.getEnvironment().getProperty("local.server.port");
        metrics = AioMetrics.of(context.getBean(ReactorResourceFactory.class).getLoopResources().onServer(true));
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aColdStaticFileIsServedByteExactThroughAio() throws Exception {
        File file = coldFile(dir, "static.bin", (7 << 20) + 4321, 11);
        Counts before = Counts.of(metrics);
        assertWholeFile(file, curl(dir, base + "/static.bin"));
        before.assertReadThroughAio(metrics, file.length());
    }

    /**
     * As {@code ReactorNettyTest}'s, with one event loop: a small static file is served while a cold 64 MiB one is
     * read through AIO ({@link FrameworkTesting#assertAnsweredWhileABigFileIsRead}).
     */
    @Test
    void aSmallRequestIsAnsweredWhileAColdSixtyFourMibFileIsBeingRead() throws Throwable {
        // Cold too: nothing served in the window comes from the page cache.
        File small = coldFile(dir, "small.txt", 100, 13);
        File big = TestFiles.create(dir, "big-64m.bin", 64 << 20, 64);
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        Counts before = assertAnsweredWhileABigFileIsRead(metrics, port, "/big-64m.bin", big,
                () -> assertWholeFile(small, curl(dir, base + "/small.txt")));
        before.assertReadThroughAio(metrics, big.length());
    }

    @Test
    void aSingleRangeOfAColdStaticFileIsServedThroughAio() throws Exception {
        File file = coldFile(dir, "static-range.bin", (6 << 20) + 5, 12);
        long first = 999_999;
        long last = 5_000_000;
        Counts before = Counts.of(metrics);
        assertRange(file, first, last, curl(dir, base + "/static-range.bin", "Range: bytes=" + first + '-' + last));
        before.assertReadThroughAio(metrics, last - first + 1);
    }
}
