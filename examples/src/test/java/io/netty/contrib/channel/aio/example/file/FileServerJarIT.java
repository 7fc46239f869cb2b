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

import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real {@code target/file-server.jar}, as the README runs it. */
class FileServerJarIT {

    private static final String JAR = System.getProperty("fileServerJar", "target/file-server.jar");

    private static Process java(Path dir, String... args) throws Exception {
        return javaWith(dir, List.of(), args);
    }

    private static Process javaWith(Path dir, List<String> jvmArgs, String... args) throws Exception {
        return javaWith(dir, jvmArgs, Map.of(), args);
    }

    /** The jar in {@code dir}, with more JVM options and environment variables ({@code ""} removes one). */
    private static Process javaWith(Path dir, List<String> jvmArgs, Map<String, String> env, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(new File(JAR).getAbsolutePath());
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        env.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return builder.start();
    }

    /** The port in the server's first line of output. */
    private static int port(Process server) throws Exception {
        String banner = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)/").matcher(String.valueOf(banner));
        assertTrue(m.find(), banner);
        return Integer.parseInt(m.group(1));
    }

    /** The process that serves: the jar's JVM, or the child it started to name files in UTF-8. */
    private static long servingPid(Process server) {
        return server.descendants().mapToLong(ProcessHandle::pid).findFirst().orElse(server.pid());
    }

    /** curl's output for {@code url}, which must succeed. */
    private static byte[] curlBody(String url) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "--fail", url).start();
        byte[] body = curl.getInputStream().readAllBytes();
        assertEquals(0, curl.waitFor(), url);
        return body;
    }

    /** Downloads {@code url} with curl into {@code saved} and checks it against {@code file}, byte for byte. */
    private static void curlExact(String url, File file, Path saved) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "--fail", "-o", saved.toString(), url)
                .redirectErrorStream(true).start();
        assertEquals(0, curl.waitFor(), new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(file.length(), Files.size(saved));
        assertEquals(TestFiles.sha256(file, 0, file.length()), TestFiles.sha256(saved.toFile(), 0, file.length()));
    }

    /** The start of every line the server logs: date and time. */
    private static final String LOG_LINE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ";

    /** SIGTERM, then a graceful stop with exit code 0. */
    private static void stopsWithZero(Process server) throws Exception {
        server.toHandle().destroy(); // SIGTERM, leaving its output readable (Process.destroy closes it)
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "no graceful stop within 30 s");
        assertEquals(0, server.exitValue());
    }

    private static String output(Process p) throws Exception {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server did not exit");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void servesTheCurrentDirectoryAndStopsWithZeroOnSigterm() throws Exception {
        Path dir = TestFiles.directory("jar-root");
        File file = TestFiles.create(dir, "data.bin", 5_000_000, 3);
        Process server = java(dir, "--port", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String banner = out.readLine();
            Matcher m = Pattern.compile("^" + LOG_LINE + "INFO Serving (\\S+) on http://127\\.0\\.0\\.1:(\\d+)/ "
                    + "\\(\\d+ epoll event loops?; "
                    + "mode aio: files are read with Linux AIO, so disk reads do not block the epoll loops\\)$")
                    .matcher(banner);
            assertTrue(m.find(), banner);
            assertEquals(dir.toRealPath().toString(), m.group(1));
            String url = "http://127.0.0.1:" + m.group(2) + "/data.bin";

            curlExact(url, file, dir.getParent().resolve("jar-download.bin"));
            stopsWithZero(server);
            // Every line after the first in the same format too, down to the last.
            List<String> rest = out.lines().collect(java.util.stream.Collectors.toList());
            for (String line : rest) {
                assertTrue(line.matches(LOG_LINE + "(INFO|WARNING|SEVERE) .+"), line);
            }
            assertTrue(rest.stream().anyMatch(l -> l.endsWith(" INFO Stopping: transfers in flight have 10 s to "
                    + "finish")), rest.toString());
            assertTrue(rest.get(rest.size() - 1).endsWith(" INFO Stopped"), rest.toString());
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void theQuickStartInAGitCloneServesNoDotfileAndLogsToStandardOutput() throws Exception {
        Path dir = TestFiles.directory("jar-root-clone");
        Files.createDirectories(dir.resolve(".git"));
        Files.write(dir.resolve(".git/config"), "[remote \"origin\"]\n\turl = git@example.com:secret\n"
                .getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("README.md"), "# readme\n".getBytes(StandardCharsets.UTF_8));
        Process server = java(dir, "--port", "0", "--access-log", "-");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)/").matcher(out.readLine());
            assertTrue(m.find());
            String base = "http://127.0.0.1:" + m.group(1) + "/";
            for (String path : new String[] {".git/config", "%2egit/config", ".git/", ".git"}) {
                Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base + path)
                        .start();
                assertEquals("404", new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8), path);
                assertEquals(0, curl.waitFor());
                assertTrue(Pattern.matches("127\\.0\\.0\\.1 - - \\[[^]]+\\] \"GET /" + Pattern.quote(path)
                        + " HTTP/1\\.1\" 404 14", out.readLine()), path);
            }
            String listing = new String(curlBody(base), StandardCharsets.UTF_8);
            assertTrue(listing.contains("README.md") && !listing.contains(".git"), listing);
            assertTrue(out.readLine().matches(".* \"GET / HTTP/1\\.1\" 200 \\d+"));
            stopsWithZero(server);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() throws Exception {
        Path dir = TestFiles.directory("jar-root");
        Process unknown = java(dir, "--frobnicate");
        String text = output(unknown);
        assertEquals(2, unknown.exitValue(), text);
        assertEquals("file-server: unknown option '--frobnicate' (try --help)", text);

        Process missing = java(dir, "--root", "does/not/exist");
        text = output(missing);
        assertEquals(2, missing.exitValue(), text);
        assertTrue(text.startsWith("file-server: --root: not a directory: ") && !text.contains("\n"), text);

        Process mode = java(dir, "--mode", "turbo");
        text = output(mode);
        assertEquals(2, mode.exitValue(), text);
        assertEquals("file-server: --mode must be aio, sendfile or chunked, not 'turbo'", text);

        Process dotfiles = java(dir, "--dotfiles", "show");
        text = output(dotfiles);
        assertEquals(2, dotfiles.exitValue(), text);
        assertEquals("file-server: --dotfiles must be hide or allow, not 'show'", text);

        Process accessLog = java(dir, "--port", "0", "--access-log", "no/such/dir/access.log");
        text = output(accessLog);
        assertEquals(2, accessLog.exitValue(), text);
        assertEquals("file-server: --access-log: cannot open no/such/dir/access.log: no such directory", text);

        Process help = java(dir, "--help");
        text = output(help);
        assertEquals(0, help.exitValue(), text);
        assertTrue(text.contains("--mode MODE") && text.contains("--dotfiles D") && text.contains("--access-log F"),
                text);
    }

    @Test
    void aTransferInFlightFinishesBeforeTheServerStops() throws Exception {
        Path dir = TestFiles.directory("jar-root-slow");
        File file = TestFiles.create(dir, "slow.bin", 40 << 20, 4);
        Process server = java(dir, "--port", "0");
        try {
            String banner = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)/").matcher(banner);
            assertTrue(m.find(), banner);
            Path saved = dir.getParent().resolve("slow-download.bin");
            // About two seconds of transfer at 20 MB/s; the server is told to stop half a second in.
            Process curl = new ProcessBuilder("curl", "-s", "--fail", "--limit-rate", "20M", "-o", saved.toString(),
                    "http://127.0.0.1:" + m.group(1) + "/slow.bin").redirectErrorStream(true).start();
            Thread.sleep(500);
            server.destroy(); // SIGTERM while the file is being sent
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
            assertEquals(0, curl.exitValue(), new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(TestFiles.sha256(file, 0, file.length()), TestFiles.sha256(saved.toFile(), 0, file.length()));
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "no graceful stop within 30 s");
            assertEquals(0, server.exitValue(), "the stop asked for while a transfer was in flight");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void withoutNativeLibrariesItStillServesEveryByte() throws Exception {
        Path dir = TestFiles.directory("jar-root-nonative");
        File file = TestFiles.create(dir, "plain.bin", 3_000_000, 5);
        Process server = javaWith(dir, List.of("-Dio.netty.transport.noNative=true"), "--port", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String banner = out.readLine();
            assertTrue(banner.contains(" nio event loop") && banner.endsWith("; mode aio on nio loops: Linux AIO needs "
                    + "epoll or io_uring loops; files are sent with FileChannel.transferTo, and a disk read blocks the "
                    + "loop)"), banner);
            Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)/").matcher(banner);
            assertTrue(m.find(), banner);
            curlExact("http://127.0.0.1:" + m.group(1) + "/plain.bin", file,
                    dir.getParent().resolve("nonative-download.bin"));
            stopsWithZero(server);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void nonAsciiNamesAreServedAndListedUnderTheCLocale() throws Exception {
        Path dir = TestFiles.directory("jar-root-c-locale");
        // The name is made from its UTF-8 bytes by the shell: whatever locale this JVM runs in.
        Process make = new ProcessBuilder("sh", "-c", "printf 'caf\\303\\251\\n' > \"$(printf 'caf\\303\\251.txt')\"")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        assertEquals(0, make.waitFor(), new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, String> cLocale = Map.of("LC_ALL", "C", "LANG", "", "LC_CTYPE", "", "LANGUAGE", "");
        Process server = javaWith(dir, List.of(), cLocale, "--port", "0");
        try {
            int port = port(server);
            byte[] cafe = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
            byte[] body = curlBody("http://127.0.0.1:" + port + "/caf%C3%A9.txt");
            assertEquals(new String(cafe, StandardCharsets.UTF_8) + "\n", new String(body, StandardCharsets.UTF_8));
            String listing = new String(curlBody("http://127.0.0.1:" + port + "/"), StandardCharsets.UTF_8);
            assertTrue(listing.contains("href=\"caf%C3%A9.txt\""), listing);
            assertTrue(listing.contains(">caf\u00e9.txt<"), listing);
            List<ProcessHandle> children = server.descendants().collect(java.util.stream.Collectors.toList());
            stopsWithZero(server);
            for (ProcessHandle child : children) {
                assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null && !child.isAlive(), "child left running");
            }
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    @Test
    void aFileThatCannotBeOpenedForWantOfDescriptorsIs503() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        Path dir = TestFiles.directory("jar-root-emfile");
        Files.write(dir.resolve("data.txt"), "data\n".getBytes(StandardCharsets.UTF_8));
        Process server = java(dir, "--port", "0");
        try (RawHttp http = new RawHttp(port(server))) {
            http.send(RawHttp.get("/data.txt"));
            assertEquals(200, http.read(false).status);
            long pid = servingPid(server);
            // Its open-file limit becomes its lowest free descriptor: the next open() fails with EMFILE.
            setOpenFileLimit(pid, lowestFreeDescriptor(pid));
            http.send(RawHttp.get("/data.txt") + RawHttp.get("/"));
            RawHttp.Response file = http.read(false);
            assertEquals(503, file.status);
            assertEquals("1", file.header("retry-after"));
            assertEquals(503, http.read(false).status, "a listing");
            setOpenFileLimit(pid, 20_000);
            http.send(RawHttp.get("/data.txt"));
            assertEquals(200, http.read(false).status, "once descriptors are free again");
            stopsWithZero(server);
        } finally {
            server.destroyForcibly();
        }
    }

    private static int lowestFreeDescriptor(long pid) throws Exception {
        java.util.Set<Integer> used = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds.forEach(fd -> used.add(Integer.parseInt(fd.getFileName().toString())));
        }
        int fd = 0;
        while (used.contains(fd)) {
            fd++;
        }
        return fd;
    }

    private static void setOpenFileLimit(long pid, int soft) throws Exception {
        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + soft + ":")
                .redirectErrorStream(true).start();
        assertEquals(0, prlimit.waitFor(), new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void pipeliningWithoutReadingLeavesTheServerItsDescriptorsAndMemory() throws Exception {
        Path dir = TestFiles.directory("jar-root-pipelining");
        File file = TestFiles.create(dir, "big.bin", 5 << 20, 8);
        Process server = javaWith(dir, List.of("-Xmx96m"), "--port", "0");
        List<RawHttp> attackers = new ArrayList<>();
        try {
            int port = port(server);
            long pid = servingPid(server);
            Path saved = dir.getParent().resolve("pipelining-download.bin");
            curlExact("http://127.0.0.1:" + port + "/big.bin", file, saved);
            int fdsBefore = TestServers.openFiles(pid);
            long rssBefore = rssKiB(pid);
            // The pattern that took the server to its descriptor limit within a second: three connections that each
            // send 10,000 requests and read nothing.
            for (int i = 0; i < 3; i++) {
                RawHttp attacker = new RawHttp(port);
                attackers.add(attacker);
                attacker.sendInBackground(RawHttp.get("/big.bin"), 10_000);
            }
            int mostFds = 0;
            long mostRss = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                curlExact("http://127.0.0.1:" + port + "/big.bin", file, saved);
                mostFds = Math.max(mostFds, TestServers.openFiles(pid));
                mostRss = Math.max(mostRss, rssKiB(pid));
            }
            // Each connection: its socket and one response's file (opened twice in aio mode); and curl's.
            assertTrue(mostFds - fdsBefore <= 4 * 3 + 4, "descriptors: " + fdsBefore + " before, " + mostFds);
            assertTrue(mostRss - rssBefore < 128 * 1024, "RSS KiB: " + rssBefore + " before, " + mostRss);
            for (RawHttp attacker : attackers) {
                attacker.close();
            }
            stopsWithZero(server);
        } finally {
            for (RawHttp attacker : attackers) {
                attacker.close();
            }
            server.destroyForcibly();
        }
    }

    private static long rssKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }
}
