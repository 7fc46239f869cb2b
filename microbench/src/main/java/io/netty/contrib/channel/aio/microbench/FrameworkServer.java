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
package io.netty.contrib.channel.aio.microbench;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The framework configurations' server: the frameworks module's {@code FrameworkFileServer} (Reactor Netty, Spring
 * WebFlux or Vert.x serving the benchmark's root, with or without the one line that adds the
 * {@code AioFileRegionHandler}), started from that module's build output beside this benchmark's module:
 * {@code frameworks/target/classes} and the class path Maven wrote to {@code frameworks/target/classpath.txt}. The
 * frameworks stay out of this benchmark's own jar.
 */
final class FrameworkServer {
    static final List<String> FRAMEWORKS = List.of("reactor", "webflux", "vertx");
    private static final String MAIN = "io.netty.contrib.channel.aio.frameworks.FrameworkFileServer";

    private FrameworkServer() {
    }

    /** The command that starts {@code config}'s framework server on 127.0.0.1:{@code port}. */
    static List<String> command(String java, ServerConfig config, Path root, int threads, int port)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", classPath(), MAIN, config.framework,
                "--root", root.toString(), "--port", Integer.toString(port), "--threads", Integer.toString(threads)));
        if (config.mode.equals("aio")) {
            command.add("--aio");
        }
        return command;
    }

    /**
     * The framework server's class path.
     *
     * @throws IOException if the frameworks module has not been built, with the command that builds it
     */
    static String classPath() throws IOException {
        Path target = target();
        Path list = target.resolve("classpath.txt");
        Path classes = target.resolve("classes");
        if (!Files.isRegularFile(list) || !Files.isRegularFile(classes.resolve(MAIN.replace('.', '/') + ".class"))) {
            throw new IOException("the framework configurations need the frameworks module built (" + list
                    + " and " + classes + "): ./mvnw -B -pl frameworks -am package -DskipTests");
        }
        return classes + File.pathSeparator
                + new String(Files.readAllBytes(list), StandardCharsets.UTF_8).trim();
    }

    /** {@code frameworks/target} of the checkout this benchmark was built in. */
    private static Path target() throws IOException {
        try {
            // microbench/target/load-bench.jar, or microbench/target/classes under Maven.
            Path self = Paths.get(FrameworkServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.getParent().getParent().getParent().resolve("frameworks").resolve("target");
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where this benchmark was built: " + e, e);
        }
    }
}
