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

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What a failed {@code io_setup(2)} says: the errno, and for {@code EAGAIN} the system-wide limits behind it. */
final class AioSetup {

    private static final Path AIO_MAX_NR = Paths.get("/proc/sys/fs/aio-max-nr");
    private static final Path AIO_NR = Paths.get("/proc/sys/fs/aio-nr");

    private AioSetup() {
    }

    /**
     * Why {@code io_setup(maxEvents)} failed with {@code res}; for {@code EAGAIN}, which system limit and how to raise
     * it.
     */
    static IOException failure(int maxEvents, long res) {
        IOException cause = Native.newIOException("io_setup", res);
        if (res != -Native.EAGAIN) {
            return cause;
        }
        String max = readSysctl(AIO_MAX_NR);
        if (isNumber(max) && maxEvents > Long.parseLong(max)) {
            // fs/aio.c ioctx_alloc(): a request above aio-max-nr fails with EAGAIN, however few events are in use.
            return new IOException("io_setup(" + maxEvents + ") failed: the request is larger than fs.aio-max-nr ("
                    + max + "), the system-wide limit of AIO events; raise it with 'sysctl -w fs.aio-max-nr="
                    + maxEvents + "' (or more) or ask for fewer events (" + cause.getMessage() + ')', cause);
        }
        return new IOException("io_setup(" + maxEvents + ") failed: the system-wide limit of AIO events is used"
                + " up (fs.aio-nr " + readSysctl(AIO_NR) + " of fs.aio-max-nr " + max
                + "); raise it with 'sysctl -w fs.aio-max-nr=N' or lower maxEvents (" + cause.getMessage() + ')',
                cause);
    }

    private static boolean isNumber(String value) {
        return !value.isEmpty() && value.length() < 19 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String readSysctl(Path path) {
        try {
            // procfs files report a size of 0: read a line, not "all bytes".
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.US_ASCII)) {
                return reader.readLine().trim();
            }
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
