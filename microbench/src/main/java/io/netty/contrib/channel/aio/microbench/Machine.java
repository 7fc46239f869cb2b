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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** A one-line description of the machine a report was made on: cores, memory, kernel, CPU and the files' disk. */
final class Machine {

    private Machine() {
    }

    static String describe(Path filesDir) {
        return String.format(Locale.ROOT, "%d cores (%s), %s memory, Linux %s, files on %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memory(), read("/proc/sys/kernel/osrelease"),
                disk(filesDir));
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignore) {
            // unknown
        }
        return "unknown CPU";
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024));
                }
            }
        } catch (IOException ignore) {
            // unknown
        }
        return "unknown";
    }

    /** {@code /dev/vda (ext4, 256 GiB, not rotational)}, from findmnt and /sys/class/block. */
    private static String disk(Path dir) {
        String found = output(List.of("findmnt", "-n", "-o", "SOURCE,FSTYPE", "-T", dir.toString()));
        if (found.isEmpty()) {
            return "unknown disk";
        }
        String[] f = found.trim().split("\\s+");
        String dev = Paths.get(f[0]).getFileName().toString();
        Path sys = Paths.get("/sys/class/block", dev);
        String size = read(sys.resolve("size").toString());
        String rotational = read(sys.resolve("queue/rotational").toString());
        StringBuilder sb = new StringBuilder(f[0]).append(" (").append(f.length > 1 ? f[1] : "?");
        if (!size.isEmpty()) {
            sb.append(String.format(Locale.ROOT, ", %.0f GiB", Long.parseLong(size) * 512.0 / (1L << 30)));
        }
        if (!rotational.isEmpty()) {
            sb.append(rotational.equals("0") ? ", not rotational" : ", rotational");
        }
        return sb.append(')').toString();
    }

    private static String read(String file) {
        try {
            return new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String output(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
