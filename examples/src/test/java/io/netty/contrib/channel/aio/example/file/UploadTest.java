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

import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code PUT} and {@code DELETE} with {@code --uploads}: byte-exact uploads by curl ({@code -T},
 * {@code --data-binary}, chunked) at every size edge, the refusals, the size limit, slow, aborted and concurrent
 * uploads, a reader during uploads, and a full disk. After each, nothing but the target may be left in the directory.
 */
class UploadTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static Path sources;
    private static FileServer server;
    private static final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        root = TestFiles.directory("uploads-root");
        sources = TestFiles.directory("uploads-src");
        // Fresh for every run: 201 and 204 depend on what is there.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(root.resolve("dir"))) {
            for (Path file : old) {
                Files.delete(file);
            }
        } catch (NoSuchFileException e) {
            Files.createDirectories(root.resolve("dir"));
        }
        Files.deleteIfExists(root.resolve("out"));
        Files.createSymbolicLink(root.resolve("out"), sources);
        Files.deleteIfExists(root.resolve("link"));
        Files.createSymbolicLink(root.resolve("link"), Paths.get("dir"));
        server = server(root, "--uploads", "--max-upload", "64m");
    }

    @AfterAll
    static void stop() throws Exception {
        for (FileServer s : servers) {
            s.close();
        }
    }

    private static FileServer server(Path dir, String... extra) throws Exception {
        FileServer s = TestServers.start(dir, "aio", extra);
        servers.add(s);
        return s;
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Runs curl with {@code args} and returns the status code it reports. */
    private static int curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return Integer.parseInt(out);
    }

    /** Names in {@code dir} that start with the upload's temporary prefix. */
    private static List<String> leftovers(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Upload.TEMP_PREFIX + "*")) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        }
        return names;
    }

    @Test
    void everySizeEdgeArrivesByteExactByEveryKindOfBody() throws Exception {
        int[] sizes = {0, 1, 511, 512, 513, 4095, 4096, 4097, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (20 << 20) + 3};
        String[][] kinds = {
            {"-T"},
            {"-X", "PUT", "--data-binary"},
            {"-H", "Transfer-Encoding: chunked", "-T"},
        };
        for (int size : sizes) {
            byte[] data = random(size, size);
            File source = sources.resolve("src-" + size).toFile();
            Files.write(source.toPath(), data);
            for (String[] kind : kinds) {
                if (size == 0 && kind.length == 3 && kind[0].equals("-H")) {
                    continue; // curl 7.88 sends no last chunk for an empty file: sent by hand below
                }
                Path target = root.resolve("dir").resolve("edge-" + size + ".bin");
                Files.deleteIfExists(target);
                String url = server.url() + "dir/edge-" + size + ".bin";
                List<String> args = new ArrayList<>(Arrays.asList(kind));
                args.add(args.contains("--data-binary") ? '@' + source.getPath() : source.getPath());
                args.add(url);
                String what = size + " bytes by curl " + String.join(" ", kind);
                assertEquals(201, curl(args.toArray(new String[0])), what);
                assertArrayEquals(data, Files.readAllBytes(target), what);
                assertEquals(204, curl(args.toArray(new String[0])), "again: " + what);
                assertArrayEquals(data, Files.readAllBytes(target), "again: " + what);
            }
        }
        Files.deleteIfExists(root.resolve("dir/empty-chunked"));
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("PUT /dir/empty-chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\n");
            assertEquals(201, http.read(false).status);
        }
        assertEquals(0, Files.size(root.resolve("dir/empty-chunked")));
        assertEquals(List.of(), leftovers(root.resolve("dir")));
        assertTrue(AioMetrics.of(server.loop()).bytesWritten() > 20 << 20, "the bodies went through AIO writes");
    }

    @Test
    void uploadsAreRefusedWhereGetIsAndWhereTheyDoNotFit() throws Exception {
        Path scratch = sources.resolve("one-byte");
        Files.write(scratch, new byte[] {42});
        String f = scratch.toString();
        assertEquals(403, curl("-T", f, server.url() + ".hidden"));
        assertEquals(403, curl("-T", f, server.url() + "dir/.hidden"));
        assertEquals(403, curl("-T", f, server.url() + "out/escaped"), "a directory link leaving the root");
        assertEquals(403, curl("-T", f, server.url() + "link"), "a target that is a symbolic link");
        assertEquals(409, curl("-T", f, server.url() + "missing/x"), "no parent directory");
        assertEquals(409, curl("-T", f, server.url() + "dir"), "a directory");
        assertFalse(Files.exists(root.resolve(".hidden")));
        assertFalse(Files.exists(sources.resolve("escaped")));
        try (RawHttp http = new RawHttp(server.port())) {
            for (String path : new String[] {"/dir/../../x", "/a%00b", "/dir/"}) {
                http.send("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\nx");
                assertEquals(path.endsWith("/") ? 409 : 403, http.read(false).status, path);
            }
            http.send("POST /dir/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
            RawHttp.Response post = http.read(false);
            assertEquals(405, post.status);
            assertEquals("GET, HEAD, PUT, DELETE", post.header("allow"));
            // Still usable: the refused bodies were read and dropped.
            http.send("PUT /dir/after HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc");
            assertEquals(201, http.read(false).status);
        }
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(root.resolve("dir/after")));
        assertEquals(List.of(), leftovers(root.resolve("dir")));
        assertEquals(List.of(), leftovers(root));
    }

    @Test
    void blockingUploadIoWritesTheSameBytes() throws Exception {
        FileServer blocking = server(root, "--uploads", "--upload-io", "blocking");
        byte[] data = random((3 << 20) + 5, 14);
        Path source = sources.resolve("blocking-src");
        Files.write(source, data);
        Files.deleteIfExists(root.resolve("dir/blocking"));
        assertEquals(201, curl("-T", source.toString(), blocking.url() + "dir/blocking"));
        assertArrayEquals(data, Files.readAllBytes(root.resolve("dir/blocking")));
        assertEquals(0, AioMetrics.of(blocking.loop()).writesSubmitted(), "no AIO write");
        assertEquals(List.of(), leftovers(root.resolve("dir")));
    }

    @Test
    void withoutUploadsPutAndDeleteAre405() throws Exception {
        FileServer plain = server(root);
        Path scratch = sources.resolve("small");
        Files.write(scratch, new byte[100]);
        assertEquals(405, curl("-T", scratch.toString(), plain.url() + "dir/plain"));
        assertEquals(405, curl("-X", "DELETE", plain.url() + "dir"));
        try (RawHttp http = new RawHttp(plain.port())) {
            http.send("PUT /dir/plain HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nab");
            RawHttp.Response r = http.read(false);
            assertEquals(405, r.status);
            assertEquals("GET, HEAD", r.header("allow"));
        }
        assertFalse(Files.exists(root.resolve("dir/plain")));
    }

    @Test
    void theSizeLimitIsCheckedFromTheHeadAndWhileStreaming() throws Exception {
        FileServer small = server(root, "--uploads", "--max-upload", "1000");
        Path big = sources.resolve("big-2000");
        Files.write(big, random(2000, 2));
        assertEquals(413, curl("-T", big.toString(), small.url() + "dir/too-big"));
        assertEquals(413, curl("-H", "Transfer-Encoding: chunked", "-T", big.toString(),
                small.url() + "dir/too-big"));
        try (RawHttp http = new RawHttp(small.port())) {
            // Announced too big, no Expect, the body not sent yet: answered at once, and the connection closes.
            http.readTimeout(5000);
            http.send("PUT /dir/too-big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000000\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertEquals(413, r.status);
            assertEquals("close", r.header("connection"));
            assertTrue(http.readUntilClosed(10));
        }
        try (RawHttp http = new RawHttp(small.port())) {
            // Announced too big and sent whole at once: the answer still reaches the client.
            http.send("PUT /dir/too-big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1001\r\n\r\n"
                    + "x".repeat(1001));
            assertEquals(413, http.read(false).status);
            assertTrue(http.readUntilClosed(10));
        }
        try (RawHttp http = new RawHttp(small.port())) {
            http.send("PUT /dir/fits HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n" + "y".repeat(1000));
            assertEquals(201, http.read(false).status);
        }
        try (RawHttp http = new RawHttp(small.port())) {
            http.send("PUT /dir/too-big HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + "z".repeat(600) + "\r\n258\r\n" + "z".repeat(600) + "\r\n");
            RawHttp.Response r = http.read(false);
            assertEquals(413, r.status);
            assertEquals("close", r.header("connection"));
            assertTrue(http.readUntilClosed(10));
        }
        assertFalse(Files.exists(root.resolve("dir/too-big")));
        assertEquals(1000, Files.size(root.resolve("dir/fits")));
        assertEquals(List.of(), leftovers(root.resolve("dir")));
    }

    @Test
    void pipelinedRequestsAroundAnUploadAreAnsweredInOrder() throws Exception {
        byte[] old = random(2 << 20, 12);
        Files.write(root.resolve("dir/piped"), old);
        byte[] fresh = random(300_000, 13);
        try (RawHttp http = new RawHttp(server.port())) {
            // GET (a large body still being sent when the PUT arrives), PUT, GET, DELETE, GET: all in one write.
            http.send(RawHttp.get("/dir/piped")
                    + "PUT /dir/piped HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + fresh.length + "\r\n\r\n"
                    + bytes(fresh, 0, fresh.length)
                    + RawHttp.get("/dir/piped")
                    + "DELETE /dir/piped HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + RawHttp.get("/dir/piped"));
            RawHttp.Response first = http.read(false);
            assertEquals(200, first.status);
            assertArrayEquals(old, first.body);
            assertEquals(204, http.read(false).status);
            RawHttp.Response second = http.read(false);
            assertEquals(200, second.status);
            assertArrayEquals(fresh, second.body);
            assertEquals(204, http.read(false).status);
            assertEquals(404, http.read(false).status);
        }
        assertFalse(Files.exists(root.resolve("dir/piped")));
    }

    @Test
    void expectContinueGetsAnInterimResponseThenTheFinalOne() throws Exception {
        Files.deleteIfExists(root.resolve("dir/continued"));
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("PUT /dir/continued HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            assertEquals(100, http.readHeaders().status);
            http.send("hello");
            assertEquals(201, http.read(false).status);
            // Refused before the body: the client never sends it, the connection closes.
            http.send("PUT /.nope HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response r = http.read(false);
            assertEquals(403, r.status);
            assertTrue(http.readUntilClosed(10));
        }
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                Files.readAllBytes(root.resolve("dir/continued")));
    }

    @Test
    void slowAndAbortedUploadsLeaveTheWholeFileOrNothing() throws Exception {
        byte[] data = random(3 << 20, 9);
        Files.deleteIfExists(root.resolve("dir/slow"));
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("PUT /dir/slow HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + data.length + "\r\n\r\n");
            for (int at = 0; at < data.length; at += 256 << 10) {
                http.send(bytes(data, at, Math.min(256 << 10, data.length - at)));
                Thread.sleep(20);
            }
            assertEquals(201, http.read(false).status);
        }
        assertArrayEquals(data, Files.readAllBytes(root.resolve("dir/slow")));
        for (String framing : new String[] {"Content-Length: " + data.length, "Transfer-Encoding: chunked"}) {
            try (RawHttp http = new RawHttp(server.port())) {
                http.send("PUT /dir/aborted HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n\r\n");
                if (framing.startsWith("Transfer")) {
                    http.send("200000\r\n");
                }
                http.send(bytes(data, 0, 1 << 20));
                Thread.sleep(200);
            }
            awaitNoLeftovers(root.resolve("dir"));
            assertFalse(Files.exists(root.resolve("dir/aborted")), framing);
        }
    }

    /** Bytes as RawHttp sends them (ISO-8859-1 maps each byte to one char and back). */
    private static String bytes(byte[] data, int at, int length) {
        return new String(data, at, length, StandardCharsets.ISO_8859_1);
    }

    private static void awaitNoLeftovers(Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!leftovers(dir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void concurrentUploadsToOnePathLeaveOneWholeAndReadersNeverSeePartOfOne() throws Exception {
        int versions = 4;
        int size = 6 << 20;
        List<byte[]> contents = new ArrayList<>();
        List<File> files = new ArrayList<>();
        for (int i = 0; i < versions; i++) {
            // Each version's bytes are all one value: a mixture would show as two values in one file.
            byte[] data = new byte[size + i * 4099];
            Arrays.fill(data, (byte) ('a' + i));
            contents.add(data);
            File file = sources.resolve("version-" + i).toFile();
            Files.write(file.toPath(), data);
            files.add(file);
        }
        Path target = root.resolve("dir/contended.bin");
        Files.write(target, contents.get(0));
        HttpClient client = TestServers.client();
        AtomicBoolean uploading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(versions + 1);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<?> reader = pool.submit(() -> {
                go.await();
                while (uploading.get() || reads.get() < 3) {
                    HttpResponse<byte[]> r = TestServers.get(client, server, "dir/contended.bin");
                    assertEquals(200, r.statusCode());
                    assertTrue(contents.stream().anyMatch(c -> Arrays.equals(c, r.body())),
                            "a reader got " + r.body().length + " bytes that are no whole version");
                    reads.incrementAndGet();
                }
                return null;
            });
            List<Future<Integer>> puts = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (File file : files) {
                    puts.add(pool.submit(() -> {
                        go.await();
                        return curl("-T", file.getPath(), server.url() + "dir/contended.bin");
                    }));
                }
            }
            go.countDown();
            for (Future<Integer> put : puts) {
                assertEquals(204, put.get(60, TimeUnit.SECONDS));
            }
            uploading.set(false);
            reader.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        byte[] last = Files.readAllBytes(target);
        assertTrue(contents.stream().anyMatch(c -> Arrays.equals(c, last)), "the file is one whole version");
        assertEquals(List.of(), leftovers(root.resolve("dir")));
    }

    @Test
    void framingThatCannotBeTrustedAndPartialPutsAre400() throws Exception {
        for (String framing : new String[] {"Content-Length: 18446744073709551616\r\n",
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"}) {
            try (RawHttp http = new RawHttp(server.port())) {
                http.readTimeout(5000);
                http.send("PUT /dir/framed HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n5\r\nhello\r\n0\r\n\r\n");
                RawHttp.Response r = http.read(false);
                assertEquals(400, r.status, framing);
                assertEquals("close", r.header("connection"));
                assertTrue(http.readUntilClosed(10));
            }
        }
        assertFalse(Files.exists(root.resolve("dir/framed")));
        Path whole = root.resolve("dir/partial");
        Files.write(whole, "0123456789".getBytes(StandardCharsets.US_ASCII));
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("PUT /dir/partial HTTP/1.1\r\nHost: localhost\r\nContent-Range: bytes 0-2/10\r\n"
                    + "Content-Length: 3\r\n\r\nabc");
            assertEquals(400, http.read(false).status);
            http.send(RawHttp.get("/dir/partial"));
            assertEquals("0123456789", new String(http.read(false).body, StandardCharsets.US_ASCII),
                    "the fragment did not replace the file, and the connection goes on");
        }
        assertEquals(List.of(), leftovers(root.resolve("dir")));
    }

    @Test
    void theLocationOfACreatedFileIsPercentEncoded() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            for (String[] name : new String[][] {{"q%3Fx.txt", "q?x.txt"}, {"cr%0Dx.txt", "cr\rx.txt"},
                    {"sp%20%C3%A9.txt", "sp \u00e9.txt"}}) {
                Files.deleteIfExists(root.resolve("dir").resolve(name[1]));
                http.send("PUT /dir/" + name[0] + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nok");
                RawHttp.Response r = http.read(false);
                assertEquals(201, r.status, name[1]);
                assertEquals("/dir/" + name[0], r.header("location"));
                assertEquals("ok", Files.readString(root.resolve("dir").resolve(name[1])));
            }
        }
    }

    @Test
    void namesThatAreNotUtf8AreRefusedAndNotLinked() throws Exception {
        assertEquals(400, curl("-T", "/dev/null", server.url() + "dir/bad%FF.txt"));
        assertEquals(400, curl("-T", "/dev/null", server.url() + "dir/bad%FE.txt"));
        assertEquals(400, curl("-X", "DELETE", server.url() + "dir/bad%FF.txt"));
        Path listed = TestFiles.directory("uploads-latin1");
        // A name in Latin-1 ("caf\xe9"), made by the shell: Java cannot name it.
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$1\"/\"$(printf 'caf\\351')\" \"$1\"/plain.txt",
                "sh", listed.toString()).start();
        assertEquals(0, touch.waitFor());
        FileServer s = server(listed);
        try (RawHttp http = new RawHttp(s.port())) {
            http.send(RawHttp.get("/"));
            String html = new String(http.read(false).body, StandardCharsets.UTF_8);
            assertTrue(html.contains("href=\"plain.txt\""), html);
            assertTrue(html.contains("(name not UTF-8: not served)"), html);
            assertFalse(html.contains("href=\"caf"), html);
        }
    }

    @Test
    void conditionsProtectPutAndDeleteFromLostUpdates() throws Exception {
        Path file = root.resolve("dir/guarded");
        Files.write(file, "v1".getBytes(StandardCharsets.US_ASCII));
        String url = server.url() + "dir/guarded";
        String etag;
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("HEAD /dir/guarded HTTP/1.1\r\nHost: localhost\r\n\r\n");
            etag = http.read(true).header("etag");
        }
        Path v2 = sources.resolve("v2");
        Files.write(v2, "v2".getBytes(StandardCharsets.US_ASCII));
        assertEquals(412, curl("-T", v2.toString(), "-H", "If-Match: \"stale\"", url));
        assertEquals(412, curl("-T", v2.toString(), "-H", "If-None-Match: *", url), "create only: it exists");
        assertEquals(412, curl("-T", v2.toString(), "-H", "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT", url));
        assertEquals(412, curl("-X", "DELETE", "-H", "If-Match: \"stale\"", url));
        assertEquals("v1", Files.readString(file), "nothing was changed by a failed condition");
        assertEquals(204, curl("-T", v2.toString(), "-H", "If-Match: " + etag, url));
        assertEquals("v2", Files.readString(file));
        assertEquals(412, curl("-T", v2.toString(), "-H", "If-Match: " + etag, url), "the tag changed with the file");
        assertEquals(412, curl("-X", "DELETE", "-H", "If-Match: " + etag, url));
        assertEquals(204, curl("-X", "DELETE", "-H", "If-Match: *", url));
        assertFalse(Files.exists(file));
        assertEquals(412, curl("-T", v2.toString(), "-H", "If-Match: *", url), "If-Match: * needs a file");
        assertEquals(201, curl("-T", v2.toString(), "-H", "If-None-Match: *", url));
        // The condition holds when the upload begins, and no longer when its body has arrived: checked again then.
        try (RawHttp http = new RawHttp(server.port())) {
            http.send("HEAD /dir/guarded HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String current = http.read(true).header("etag");
            http.send("PUT /dir/guarded HTTP/1.1\r\nHost: localhost\r\nIf-Match: " + current
                    + "\r\nContent-Length: 4\r\n\r\nsl");
            Thread.sleep(300);
            Path v3 = sources.resolve("v3");
            Files.write(v3, "v3-longer".getBytes(StandardCharsets.US_ASCII));
            assertEquals(204, curl("-T", v3.toString(), url));
            http.send("ow");
            assertEquals(412, http.read(false).status);
        }
        assertEquals("v3-longer", Files.readString(file));
        assertEquals(List.of(), leftovers(root.resolve("dir")));
    }

    @Test
    void deleteRemovesFilesAndRefusesWhatGetRefuses() throws Exception {
        Path victim = root.resolve("dir/victim");
        Files.write(victim, new byte[10]);
        assertEquals(204, curl("-X", "DELETE", server.url() + "dir/victim"));
        assertFalse(Files.exists(victim));
        assertEquals(404, curl("-X", "DELETE", server.url() + "dir/victim"));
        assertEquals(403, curl("-X", "DELETE", server.url() + "dir/.x"));
        assertEquals(409, curl("-X", "DELETE", server.url() + "dir"));
        assertEquals(403, curl("-X", "DELETE", server.url() + "link"));
        assertTrue(Files.isSymbolicLink(root.resolve("link")));
    }

    @Test
    void aFullDiskAnswers507AndLeavesNoFile() throws Exception {
        assumeTrue(TestFiles.isRoot(), "mounting a small tmpfs needs root");
        Path mount = TestFiles.directory("uploads-full");
        run("umount", "-l", mount.toString());
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()) == 0, "mount tmpfs");
        try {
            FileServer full = server(mount, "--uploads");
            Path big = sources.resolve("big-4m");
            Files.write(big, random(4 << 20, 4));
            for (String[] kind : new String[][] {{"-T"}, {"-H", "Transfer-Encoding: chunked", "-T"}}) {
                List<String> args = new ArrayList<>(Arrays.asList(kind));
                args.add(big.toString());
                args.add(full.url() + "full.bin");
                assertEquals(507, curl(args.toArray(new String[0])), String.join(" ", kind));
                assertFalse(Files.exists(mount.resolve("full.bin")));
                awaitNoLeftovers(mount);
            }
            // The space came back: a small file still fits.
            Path small = sources.resolve("small-100k");
            Files.write(small, random(100_000, 5));
            assertEquals(201, curl("-T", small.toString(), full.url() + "small.bin"));
            assertArrayEquals(Files.readAllBytes(small), Files.readAllBytes(mount.resolve("small.bin")));
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
