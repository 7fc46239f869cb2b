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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The linux-aarch_64 library (profile {@code linux-aarch_64}, cross-compiled with {@code aarch64-linux-gnu-gcc}):
 * what its ELF file says, and its system calls run under {@code qemu-aarch64}. There is no aarch64 JVM here, so the
 * system calls are driven by a small C program built from the library's own {@code netty_aio_syscall.c}
 * ({@code src/test/c/netty_aio_syscall_smoke.c}), once for aarch64 and once for this machine.
 *
 * <p>qemu-user implements neither Linux AIO ({@code io_setup} and the rest answer {@code ENOSYS}, in every release so
 * far) nor, in Debian 12's 7.2, {@code preadv2} and {@code cachestat}. Where a call is not emulated, its system call
 * number is checked instead: qemu's {@code -strace} names each call by the aarch64 table, so a wrapper built with
 * x86-64 numbers would show up under another name. The full path (an O_DIRECT read completed on an eventfd,
 * compared byte for byte) runs natively with the same program.
 */
class Aarch64NativeTest {

    private static final Path AARCH64_LIBRARY =
            Paths.get("target", "native-aarch_64", "META-INF", "native", "libnetty_transport_aio_native_aarch_64.so");
    private static final Path X86_64_LIBRARY =
            Paths.get("target", "classes", "META-INF", "native", "libnetty_transport_aio_native_x86_64.so");
    private static final Path SMOKE_AARCH64 =
            Paths.get("target", "syscall-smoke", "aarch_64", "netty_aio_syscall_smoke");
    private static final Path SMOKE_HOST = Paths.get("target", "syscall-smoke", "host", "netty_aio_syscall_smoke");
    private static final Path AARCH64_SYSROOT = Paths.get("/usr/aarch64-linux-gnu");
    private static final String NOT_BUILT =
            "the linux-aarch_64 profile did not run: aarch64-linux-gnu-gcc is not installed (Debian: "
                    + "gcc-aarch64-linux-gnu libc6-dev-arm64-cross)";

    /** O_DIRECT of arm64 ({@code arch/arm64/include/uapi/asm/fcntl.h}: 0200000); x86-64's is 040000. */
    private static final int ARM64_O_DIRECT = 0200000;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;

    private static final long FILE_SIZE = (1 << 20) + 12345;
    private static final long OFFSET = 5000;
    private static final int LENGTH = 300_000;

    private static File file;
    private static long inode;
    private static String expectedHash;

    @BeforeAll
    static void createFile() throws IOException {
        Path dir = TestFiles.directory("aarch64");
        file = TestFiles.create(dir, "data.bin", FILE_SIZE, 64);
        // Flushed, so that the program's POSIX_FADV_DONTNEED really empties the page cache for the file.
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.getChannel().force(true);
        }
        inode = ((Number) Files.getAttribute(file.toPath(), "unix:ino")).longValue();
        expectedHash = fnv1a(TestFiles.read(file, OFFSET, LENGTH));
    }

    @Test
    void aarch64LibraryIsArm64AndExportsOnlyTheJniHooks() throws IOException {
        assumeTrue(Files.isRegularFile(AARCH64_LIBRARY), NOT_BUILT);
        ElfFile elf = ElfFile.read(AARCH64_LIBRARY);
        assertEquals(ElfFile.EM_AARCH64, elf.machine());
        assertEquals(ElfFile.ET_DYN, elf.type());
        assertEquals(Set.of("JNI_OnLoad", "JNI_OnUnload"), elf.exportedSymbols());
        // Only the C library (libdl is part of it since glibc 2.34, a library of its own before).
        assertTrue(elf.neededLibraries().contains("libc.so.6"), elf.neededLibraries().toString());
        assertTrue(Set.of("libc.so.6", "libdl.so.2").containsAll(elf.neededLibraries()),
                elf.neededLibraries().toString());
    }

    @Test
    void x86LibraryExportsOnlyTheJniHooks() throws IOException {
        assumeTrue(Files.isRegularFile(X86_64_LIBRARY), "not built: " + X86_64_LIBRARY);
        ElfFile elf = ElfFile.read(X86_64_LIBRARY);
        assumeTrue(elf.neededLibraries().stream().noneMatch(name -> name.startsWith("libasan")),
                "built with AddressSanitizer (profile sanitize), whose runtime adds exports");
        assertEquals(ElfFile.EM_X86_64, elf.machine());
        assertEquals(ElfFile.ET_DYN, elf.type());
        assertEquals(Set.of("JNI_OnLoad", "JNI_OnUnload"), elf.exportedSymbols());
    }

    @Test
    void syscallsRunTheWholePathNatively() throws Exception {
        assumeTrue(Files.isExecutable(SMOKE_HOST), NOT_BUILT);
        Run run = run("host", List.of(SMOKE_HOST.toString()));
        assertFile(run);
        assertDioAlign(run, true);
        assertCachestat(run);
        assertEquals(-EAGAIN, run.number("preadv2_nowait_cold"), run.toString());
        assertWarmRead(run);
        assertDirectRead(run);
    }

    @Test
    void syscallsUnderQemuUseTheArm64Numbers() throws Exception {
        assumeTrue(Files.isExecutable(SMOKE_AARCH64), NOT_BUILT);
        String qemu = onPath("qemu-aarch64");
        assumeTrue(qemu != null, "qemu-aarch64 not found (Debian: qemu-user)");
        assumeTrue(Files.isDirectory(AARCH64_SYSROOT), "no aarch64 C library in " + AARCH64_SYSROOT);
        Run run = run("qemu", List.of(qemu, "-L", AARCH64_SYSROOT.toString(), "-strace", SMOKE_AARCH64.toString()));

        assertEquals("aarch64", run.value("arch"), run.toString());
        assertEquals(ARM64_O_DIRECT, run.number("o_direct"), run.toString());
        assertFile(run);
        assertTrue(run.traced("statx"), run.toString());
        // qemu 7.2 reports STATX_DIOALIGN in the mask but does not copy its two fields.
        assertDioAlign(run, false);

        if (run.number("cachestat_written") == -ENOSYS) {
            assertTrue(run.traced("cachestat") || run.unknown(451), run.toString());
        } else {
            assertCachestat(run);
        }

        // preadv2 comes from the C library (its number is glibc's). Without the system call glibc falls back to
        // preadv when no flag is given, and refuses a flag with EOPNOTSUPP.
        assertEquals(LENGTH, run.number("pread"), run.toString());
        if (run.number("preadv2_nowait_warm") == -EOPNOTSUPP) {
            assertTrue(run.traced("preadv2") || run.unknown(286), run.toString());
        } else {
            assertEquals(-EAGAIN, run.number("preadv2_nowait_cold"), run.toString());
            assertWarmRead(run);
        }

        if (run.number("io_setup") == -ENOSYS) {
            for (String call : new String[] {"io_submit", "io_getevents", "io_cancel", "io_destroy"}) {
                assertEquals(-ENOSYS, run.number("probe_" + call), run.toString());
            }
            for (String call : new String[] {"io_setup", "io_submit", "io_getevents", "io_cancel", "io_destroy"}) {
                assertTrue(run.traced(call), call + " not in the trace:\n" + run);
            }
        } else {
            assertDirectRead(run);
        }
    }

    private static void assertFile(Run run) {
        assertEquals(0, run.number("statx"), run.toString());
        assertEquals(FILE_SIZE, run.number("statx_size"), run.toString());
        assertEquals(inode, run.number("statx_ino"), run.toString());
    }

    /** ext4 (where {@code target/} is) reports its direct-I/O alignment since Linux 6.1. */
    private static void assertDioAlign(Run run, boolean required) {
        long memory = run.number("statx_dio_mem_align");
        long offset = run.number("statx_dio_offset_align");
        if (run.number("statx_dioalign") == 0 || !required && memory == 0 && offset == 0) {
            return;
        }
        assertTrue(memory > 0 && Long.bitCount(memory) == 1, run.toString());
        assertTrue(offset >= 512 && Long.bitCount(offset) == 1, run.toString());
    }

    /** cachestat(2) since Linux 6.5: the written file is cached, then evicted, then partly cached again. */
    private static void assertCachestat(Run run) {
        if (run.number("cachestat_written") == -ENOSYS) {
            return;
        }
        assertEquals(0, run.number("cachestat_written"), run.toString());
        assertTrue(run.number("cachestat_written_nr_cache") > 0, run.toString());
        assertEquals(0, run.number("fadvise_dontneed"), run.toString());
        assertEquals(0, run.number("cachestat_dropped_nr_cache"), run.toString());
        assertTrue(run.number("cachestat_read_nr_cache") > 0, run.toString());
    }

    private static void assertWarmRead(Run run) {
        assertEquals(LENGTH, run.number("pread"), run.toString());
        assertEquals(LENGTH, run.number("preadv2_nowait_warm"), run.toString());
        assertEquals(expectedHash, run.value("preadv2_hash"), run.toString());
    }

    private static void assertDirectRead(Run run) {
        assertEquals(0, run.number("io_setup"), run.toString());
        assertEquals(1, run.number("io_submit"), run.toString());
        assertEquals(1, run.number("poll"), run.toString());
        assertEquals(1, run.number("eventfd_read"), run.toString());
        assertEquals(1, run.number("io_getevents"), run.toString());
        assertEquals(1, run.number("event_data_matches"), run.toString());
        assertEquals(LENGTH, run.number("aio_length"), run.toString());
        assertEquals(expectedHash, run.value("aio_hash"), run.toString());
        // io_cancel(2): a request that has completed is no longer known to the context.
        assertEquals(-EINVAL, run.number("io_cancel_done"), run.toString());
        assertEquals(0, run.number("io_destroy"), run.toString());
    }

    private static Run run(String name, List<String> prefix) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(file.getAbsolutePath());
        command.add(Long.toString(OFFSET));
        command.add(Integer.toString(LENGTH));
        Path dir = file.toPath().getParent();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // The sanitize profile preloads ASan into this JVM; qemu and the program are not built for it.
        builder.environment().remove("LD_PRELOAD");
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("timed out: " + command);
        }
        Run run = new Run(command, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        assertEquals(0, process.exitValue(), run.toString());
        return run;
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** 64-bit FNV-1a, as the smoke program prints it. */
    private static String fnv1a(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return String.format("%016x", hash);
    }

    /** The program's {@code key=value} lines and, under qemu, its system call trace. */
    private static final class Run {
        private final List<String> command;
        private final Map<String, String> values = new HashMap<>();
        private final String output;
        private final String trace;

        Run(List<String> command, String output, String trace) {
            this.command = command;
            this.output = output;
            this.trace = trace;
            for (String line : output.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }

        String value(String key) {
            String value = values.get(key);
            assertNotNull(value, "no " + key + " in\n" + this);
            return value;
        }

        long number(String key) {
            return Long.parseLong(value(key));
        }

        /** Whether qemu's trace shows a call by that name (e.g. {@code 1234 io_setup(8,...) = -1 errno=38}). */
        boolean traced(String call) {
            return trace.contains(' ' + call + '(');
        }

        /** Whether qemu's trace shows a call whose number it does not know. */
        boolean unknown(int number) {
            return trace.contains("Unknown syscall " + number + '\n');
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n--- output\n" + output + "--- stderr\n"
                    + (trace.length() > 8000 ? trace.substring(trace.length() - 8000) : trace);
        }
    }
}
