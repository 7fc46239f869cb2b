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
import io.netty.contrib.channel.aio.PageCache;
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
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.http.client.ReactorResourceFactory;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.HOST;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertAnsweredWhileABigFileIsRead;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertRange;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.assertWholeFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.coldFile;
import static io.netty.contrib.channel.aio.frameworks.FrameworkTesting.curl;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spring WebFlux on Spring Boot's Reactor Netty server, with the README's one bean: static resources from a
 * {@code file:} location, or from a {@code classpath:} one in a directory, reach Reactor Netty's {@code sendFile},
 * whole and as a single range, and their cold files go through AIO; those in a jar do not.
 */
class SpringWebFluxTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path dir;
    private static ConfigurableApplicationContext context;
    private static AioMetrics metrics;
    private static String base;
    private static File inDirectory;
    private static File inJar;
    private static URLClassLoader classPath;

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
        // classpath:/aio-static/ is in a directory and in a jar, both on the application's class path.
        Path classes = Files.createDirectories(dir.resolve("classes").resolve("aio-static"));
        inDirectory = TestFiles.create(classes, "in-directory.bin", (3 << 20) + 9, 14);
        // Not in dir: that is the file: location, which comes first.
        inJar = TestFiles.create(Files.createDirectories(dir.resolve("jar")), "in-jar.bin", (3 << 20) + 10, 15);
        Path jar = dir.resolve("static.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("aio-static/in-jar.bin"));
            Files.copy(inJar.toPath(), out);
        }
        classPath = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL(), jar.toUri().toURL()},
                SpringWebFluxTest.class.getClassLoader());
        context = new SpringApplicationBuilder(StaticFiles.class)
                .resourceLoader(new DefaultResourceLoader(classPath))
                .web(WebApplicationType.REACTIVE)
                .properties("server.address=" + HOST, "server.port=0", "spring.main.banner-mode=off",
                        "spring.web.resources.static-locations=file:" + dir + "/,classpath:/aio-static/")
                .run();
        base = "http://" + HOST + ':' + context.getEnvironment().getProperty("local.server.port");
        metrics = AioMetrics.of(context.getBean(ReactorResourceFactory.class).getLoopResources().onServer(true));
    }

    @AfterAll
    static void stop() throws IOException {
        if (context != null) {
            context.close();
        }
        if (classPath != null) {
            classPath.close();
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

    /**
     * A {@code classpath:} location is served as a file when the resource is a file: in a directory on the class path
     * (an exploded application, or {@code target/classes}) it goes through AIO; inside a jar it is not a file, WebFlux
     * reads it into buffers, and no region reaches the handler (docs/frameworks.md).
     */
    @Test
    void aClassPathResourceGoesThroughAioFromADirectoryNotFromAJar() throws Exception {
        PageCache.evict(inDirectory);
        Counts before = Counts.of(metrics);
        assertWholeFile(inDirectory, curl(dir, base + "/in-directory.bin"));
        before.assertReadThroughAio(metrics, inDirectory.length());

        before = Counts.of(metrics);
        assertWholeFile(inJar, curl(dir, base + "/in-jar.bin"));
        before.assertNoRegion(metrics);
    }
}
