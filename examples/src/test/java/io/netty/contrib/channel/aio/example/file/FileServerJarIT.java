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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real {@code target/file-server.jar}, as the README runs it. */
class FileServerJarIT {

    private static final String JAR = System.getProperty("fileServerJar", "target/file-server.jar");

    private static Process java(Path dir, String... args) throws Exception {
        return javaWith(dir, List.of(), args);
    }

    private static Process javaWith(Path dir, List<String> jvmArgs, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(new File(JAR).getAbsolutePath());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    /** Downloads {@code url} with curl into {@code saved} and checks it against {@code file}, byte for byte. */
    private static void curlExact(String url, File file, Path saved) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "--fail", "-o", saved.toString(), url)
                .redirectErrorStream(true).start();
        assertEquals(0, curl.waitFor(), new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(file.length(), Files.size(saved));
        assertEquals(TestFiles.sha256(file, 0, file.length()), TestFiles.sha256(saved.toFile(), 0, file.length()));
    }

    /** SIGTERM, then a graceful stop with exit code 0. */
    private static void stopsWithZero(Process server) throws Exception {
        server.destroy();
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
            Matcher m = Pattern.compile("Serving (\\S+) on http://127\\.0\\.0\\.1:(\\d+)/ \\(mode aio, ").matcher(banner);
            assertTrue(m.find(), banner);
            assertEquals(dir.toRealPath().toString(), m.group(1));
            String url = "http://127.0.0.1:" + m.group(2) + "/data.bin";

            curlExact(url, file, dir.getParent().resolve("jar-download.bin"));
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

        Process help = java(dir, "--help");
        text = output(help);
        assertEquals(0, help.exitValue(), text);
        assertTrue(text.contains("--mode MODE"), text);
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
            assertTrue(banner.contains("AIO unavailable") && banner.contains(", nio, "), banner);
            Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)/").matcher(banner);
            assertTrue(m.find(), banner);
            curlExact("http://127.0.0.1:" + m.group(1) + "/plain.bin", file,
                    dir.getParent().resolve("nonative-download.bin"));
            stopsWithZero(server);
        } finally {
            server.destroyForcibly();
        }
    }
}
