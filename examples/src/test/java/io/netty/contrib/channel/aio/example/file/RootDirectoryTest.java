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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lookups below the root's descriptor ({@link RootDirectory}) as curl sees them: a plain file is opened there (counted
 * by {@link MetadataLookup#beneath()}), a path with a symbolic link is resolved by its real path as before (counted
 * by {@link MetadataLookup#byPath()}) and still kept inside the root, a file renamed over is served fresh, a FIFO does
 * not hold the loop, and no descriptor stays open: not per request, refused ones included, and not the root's own
 * after the server stops.
 */
class RootDirectoryTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final long PID = ProcessHandle.current().pid();

    private static Path root;
    private final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("root-directory").toRealPath();
        Files.createDirectories(root.resolve("d"));
        TestFiles.create(root.resolve("d"), "plain.bin", 300_000, 11);
        Files.createDirectories(root.resolve("site"));
        Files.write(root.resolve("site/index.html"), "<p>site</p>\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve(".secret"), "SECRET\n".getBytes(StandardCharsets.UTF_8));
        link("inside", "d/plain.bin");
        link("dirlink", "d");
        link("escape", "/etc/passwd");
        link("escape-dir", "/etc");
        link("to-secret", ".secret");
        Path fifo = root.resolve("fifo");
        if (!Files.exists(fifo)) {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
        }
    }

    private static void link(String name, String target) throws Exception {
        Files.deleteIfExists(root.resolve(name));
        Files.createSymbolicLink(root.resolve(name), Paths.get(target));
    }

    @AfterEach
    void stop() throws Exception {
        for (FileServer s : servers) {
            s.close();
        }
        servers.clear();
        TestServers.assertNoFilesOpenUnder(PID, root, "files left open");
        assertEquals(0, TestServers.openOn(PID, root), "the root's descriptor is open after the server stopped");
    }

    private FileServer start(String... extra) throws Exception {
        FileServer server = TestServers.start(root, "aio", extra);
        servers.add(server);
        return server;
    }

    private static TestServers.Curl curl(FileServer server, String path) throws Exception {
        return TestServers.curlRun(root, "--path-as-is", server.url() + path.substring(1));
    }

    private static byte[] bytes(String path) throws Exception {
        return Files.readAllBytes(root.resolve(path.substring(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "threads", "loop"})
    void aPlainFileIsOpenedBelowTheRootDescriptor(String policy) throws Exception {
        FileServer server = start("--metadata-lookup", policy);
        MetadataLookup lookups = server.metadataLookup();
        assertEquals(1, TestServers.openOn(PID, root), "the root's descriptor, held while the server runs");
        for (String path : List.of("/d/plain.bin", "/site/", "/site/index.html", "/./d/plain.bin")) {
            TestServers.Curl c = curl(server, path);
            assertEquals(200, c.status, path + ": " + c);
            assertArrayEquals(bytes(path.startsWith("/site") ? "/site/index.html" : "/d/plain.bin"), c.body, path);
        }
        // HEAD, a range and a conditional request: the same attributes as by real path.
        TestServers.Curl head = TestServers.curlRun(root, "-I", server.url() + "d/plain.bin");
        assertEquals("300000", head.header("content-length"));
        TestServers.Curl range = TestServers.curlRun(root, "-r", "1000-1999", server.url() + "d/plain.bin");
        assertEquals(206, range.status);
        assertEquals("bytes 1000-1999/300000", range.header("content-range"));
        TestServers.Curl notModified = TestServers.curlRun(root, "-H", "If-None-Match: " + head.header("etag"),
                server.url() + "d/plain.bin");
        assertEquals(304, notModified.status);
        assertEquals(7, lookups.beneath(), lookups.toString());
        assertEquals(0, lookups.byPath(), lookups.toString());
        // A missing file and a directory without its '/' are answered there too; so is a FIFO (403), at once.
        // (A name new to this run: the kernel keeps a missing name's lookup cached, between runs too.)
        assertEquals(404, curl(server, "/d/missing-" + System.nanoTime() + ".bin").status);
        assertEquals(301, curl(server, "/d").status);
        assertEquals(403, curl(server, "/fifo").status);
        assertEquals(10, lookups.beneath(), lookups.toString());
        assertEquals(0, lookups.byPath(), lookups.toString());
        // With auto, only the name never looked up before goes to a thread: its absence is not cached yet.
        assertEquals(policy.equals("threads") ? 10 : policy.equals("auto") ? 1 : 0, lookups.offloaded(),
                lookups.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "threads", "loop"})
    void symbolicLinksGoByRealPathInsideTheRootAndAreRefusedOutside(String policy) throws Exception {
        FileServer server = start("--metadata-lookup", policy);
        MetadataLookup lookups = server.metadataLookup();
        TestServers.Curl inside = curl(server, "/inside");
        assertEquals(200, inside.status, inside.toString());
        assertArrayEquals(bytes("/d/plain.bin"), inside.body);
        TestServers.Curl throughDir = curl(server, "/dirlink/plain.bin");
        assertEquals(200, throughDir.status, throughDir.toString());
        assertArrayEquals(bytes("/d/plain.bin"), throughDir.body);
        assertEquals(2, lookups.byPath(), lookups.toString());
        // Links that leave the root: 403; a link to a hidden name: 404, as for the name itself.
        assertEquals(403, curl(server, "/escape").status);
        assertEquals(403, curl(server, "/escape-dir/passwd").status);
        assertEquals(404, curl(server, "/to-secret").status);
        assertEquals(5, lookups.byPath(), lookups.toString());
        assertEquals(0, lookups.beneath(), lookups.toString());
        // Refused from the text alone, before any lookup: counted as answered below the root.
        assertEquals(404, curl(server, "/.secret").status);
        assertEquals(403, curl(server, "/%2e%2e/etc/passwd").status);
        assertEquals(5, lookups.byPath(), lookups.toString());
    }

    @Test
    void aFileRenamedOverIsServedFresh() throws Exception {
        FileServer server = start();
        Path file = root.resolve("d/replaced.txt");
        Files.write(file, "first version\n".getBytes(StandardCharsets.UTF_8));
        TestServers.Curl first = curl(server, "/d/replaced.txt");
        assertEquals("first version\n", first.text());
        for (int i = 0; i < 3; i++) {
            String content = "version " + i + " after a rename over the old file\n".repeat(i + 1);
            Path tmp = root.resolve("d/replaced.tmp");
            Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            TestServers.Curl again = curl(server, "/d/replaced.txt");
            assertEquals(200, again.status);
            assertEquals(content, again.text());
            assertEquals(String.valueOf(content.length()), again.header("content-length"));
            assertNotEquals(first.header("etag"), again.header("etag"));
        }
        assertEquals(0, server.metadataLookup().byPath(), server.metadataLookup().toString());
    }

    @Test
    void noDescriptorIsLeftOpenByManyRequestsRefusedOnesIncluded() throws Exception {
        FileServer server = start();
        List<String> paths = List.of("/d/plain.bin", "/site/", "/d/missing.bin", "/d", "/fifo", "/inside",
                "/escape", "/to-secret", "/.secret", "/%2e%2e/etc/passwd", "/d/plain.bin/x", "/dirlink/plain.bin",
                "/site/index.html", "/%00");
        List<String> expected = List.of("200", "200", "404", "301", "403", "200", "403", "404", "404", "403", "404",
                "200", "200", "403");
        List<String> args = new ArrayList<>(List.of("-s", "--path-as-is", "-w", "%{http_code}\\n"));
        for (String path : paths) {
            args.addAll(List.of("-o", "/dev/null", server.url() + path.substring(1)));
        }
        // Once to load classes and open what the loop keeps (its AIO context, the open-file cache)...
        assertEquals(String.join("\n", expected) + "\n", TestServers.curlOutput(args));
        int before = TestServers.openFiles(PID);
        // ...then 20 times over, each run of curl on one connection.
        for (int i = 0; i < 20; i++) {
            assertEquals(String.join("\n", expected) + "\n", TestServers.curlOutput(args));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (TestServers.openFiles(PID) > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // At most as many: descriptors of earlier tests' servers may still be closing meanwhile.
        int after = TestServers.openFiles(PID);
        assertTrue(after <= before, "descriptors left open by " + 20 * paths.size() + " requests: " + before
                + " before, " + after + " after");
        TestServers.assertNoFilesOpenUnder(PID, root, "files left open");
        MetadataLookup lookups = server.metadataLookup();
        assertTrue(lookups.beneath() >= 21 * 9, lookups.toString());
    }
}
