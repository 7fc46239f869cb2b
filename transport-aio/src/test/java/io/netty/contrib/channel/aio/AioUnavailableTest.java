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
package io.netty.contrib.channel.aio;

import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Aio} says when AIO cannot be used. This module's test class path has no native jar, so each test runs
 * {@link AioAvailabilityProbe} in a JVM of its own (Aio decides once per JVM) and reads what it logged (Netty logs
 * through java.util.logging here, to standard error) and printed.
 */
class AioUnavailableTest {

    private static final String VERSION = System.getProperty("aio.version");
    private static final String ARCH = PlatformDependent.normalizedArch();
    private static final String WARNING = "WARNING: Linux native AIO is unavailable";

    @TempDir
    Path tmp;

    @Test
    void aMissingNativeJarIsOneWarningThatNamesTheArtifactAndClassifier() throws Exception {
        Result result = probe(null);
        assertEquals(1, result.count(WARNING), result.toString());
        assertTrue(result.stderr.contains("the native library netty_transport_aio_native_" + ARCH
                + " is not on the class path. Add the dependency io.netty.contrib:netty-transport-aio-native:"
                + VERSION + ":linux-" + ARCH + " "), result.toString());
        assertTrue(result.stdout.contains("available=false"), result.toString());
        assertTrue(result.stdout.contains("cause=java.lang.UnsatisfiedLinkError"), result.toString());
        assertTrue(result.stdout.contains("ensureAvailability=failed to load the required native library"),
                result.toString());
    }

    @Test
    void theClassifierFollowsOsArch() throws Exception {
        Result result = probe(null, "-Dos.arch=aarch64");
        assertEquals(1, result.count(WARNING), result.toString());
        assertTrue(result.stderr.contains("Add the dependency io.netty.contrib:netty-transport-aio-native:"
                + VERSION + ":linux-aarch_64 "), result.toString());
    }

    @Test
    void aLibraryThatDoesNotLoadIsTold() throws Exception {
        Path dir = tmp.resolve("broken-native-jar");
        Path lib = dir.resolve("META-INF/native/" + System.mapLibraryName("netty_transport_aio_native_" + ARCH));
        Files.createDirectories(lib.getParent());
        Files.write(lib, "not an ELF file".getBytes(StandardCharsets.US_ASCII));
        Result result = probe(dir);
        assertEquals(1, result.count(WARNING), result.toString());
        assertTrue(result.stderr.contains("the native library netty_transport_aio_native_" + ARCH
                + " was found but could not be loaded. It must come from io.netty.contrib:netty-transport-aio-native:"
                + VERSION + ":linux-" + ARCH), result.toString());
        assertTrue(result.stdout.contains("cause=java.lang.UnsatisfiedLinkError"), result.toString());
    }

    @Test
    void noNativeIsNoWarning() throws Exception {
        Result result = probe(null, "-Dio.netty.transport.noNative=true");
        assertEquals(0, result.count(WARNING), result.toString());
        assertTrue(result.stdout.contains("available=false"), result.toString());
        assertTrue(result.stdout.contains("cause=java.lang.UnsupportedOperationException"), result.toString());
    }

    @Test
    void theKernelsRefusalIsItsOwnMessage() {
        IOException refused = new IOException("io_setup(1) failed: the system-wide limit of AIO events is used up"
                + " (fs.aio-nr 65536 of fs.aio-max-nr 65536)");
        String message = Aio.describe(refused, "x86_64", "1.2.3", "", true);
        assertTrue(message.startsWith("Linux native AIO is unavailable: the kernel refused it (java.io.IOException:"
                + " io_setup(1) failed: the system-wide limit"), message);
        assertTrue(message.contains("fs.aio-max-nr is used up"), message);
        assertFalse(message.contains("netty-transport-aio-native"), message);
    }

    @Test
    void anArchitectureWithoutNativeJarIsNamed() {
        String message = Aio.describe(new UnsatisfiedLinkError("no netty_transport_aio_native_riscv64"),
                "riscv64", "1.2.3", "", false);
        assertTrue(message.contains("no native library is published for linux-riscv64"), message);
    }

    @Test
    void aShadedApplicationIsToldToRenameTheLibrary() {
        String message = Aio.describe(new UnsatisfiedLinkError("could not load a native library"), "x86_64",
                "1.2.3", "com_acme_", false);
        assertTrue(message.contains("Netty was relocated, so the native library must be named"
                + " com_acme_netty_transport_aio_native_x86_64, and the class path has no"
                + " META-INF/native/libcom_acme_netty_transport_aio_native_x86_64.so. Rename the library of"
                + " io.netty.contrib:netty-transport-aio-native:1.2.3:linux-x86_64"), message);
    }

    @Test
    void theVersionIsThisBuilds() {
        assertEquals(VERSION, Aio.version());
    }

    private static Result probe(Path extraClassPath, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions) {
            command.add(option);
        }
        String classPath = System.getProperty("java.class.path");
        if (extraClassPath != null) {
            classPath = extraClassPath + File.pathSeparator + classPath;
        }
        command.add("-cp");
        command.add(classPath);
        command.add(AioAvailabilityProbe.class.getName());
        Path out = Files.createTempFile(Paths.get("target"), "probe", ".out");
        Path err = Files.createTempFile(Paths.get("target"), "probe", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not exit");
            Result result = new Result(Files.readString(out), Files.readString(err));
            assertEquals(0, process.exitValue(), result.toString());
            return result;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static final class Result {
        final String stdout;
        final String stderr;

        Result(String stdout, String stderr) {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        int count(String text) {
            int n = 0;
            Matcher m = Pattern.compile(Pattern.quote(text)).matcher(stderr);
            while (m.find()) {
                n++;
            }
            return n;
        }

        @Override
        public String toString() {
            return "stdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
