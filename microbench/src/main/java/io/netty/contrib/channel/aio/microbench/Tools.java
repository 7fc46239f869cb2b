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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The programs the benchmark runs (wrk, nginx): found on the PATH, or installed with apt-get when root. */
final class Tools {

    private Tools() {
    }

    /** The path of {@code program}; installs its Debian package of the same name when missing and root. */
    static String require(String program) throws IOException, InterruptedException {
        return require(program, program);
    }

    /** The path of {@code program}; installs Debian package {@code pkg} when it is missing and we are root. */
    static String require(String program, String pkg) throws IOException, InterruptedException {
        String path = find(program);
        if (path != null) {
            return path;
        }
        if (!isRoot()) {
            throw new IOException(program + " is not installed; install it with: sudo apt-get install " + pkg);
        }
        System.out.println(program + " is not installed: apt-get install " + pkg);
        if (aptInstall(pkg) != 0) {
            run(List.of("apt-get", "update", "-qq"), 600);
            aptInstall(pkg);
        }
        path = find(program);
        if (path == null) {
            throw new IOException(program + " is not installed and apt-get could not install it");
        }
        return path;
    }

    /** {@code true} if {@code program} is installed or could be installed now. */
    static boolean available(String program) {
        return available(program, program);
    }

    /** {@code true} if {@code program} is installed or Debian package {@code pkg} could install it now. */
    static boolean available(String program, String pkg) {
        try {
            require(program, pkg);
            return true;
        } catch (IOException e) {
            System.out.println(e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String find(String program) {
        String[] dirs = (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin").split(":");
        for (String dir : dirs) {
            File f = new File(dir, program);
            if (!dir.isEmpty() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /** Effective user id 0, from {@code /proc/self/status}. */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException ignore) {
            // not Linux: not root for our purposes
        }
        return false;
    }

    /**
     * {@code command} run by {@code /bin/sh}, which first raises its open-file limit: the hard limit to
     * {@link ServerProcess#NOFILE} where it is lower and may be raised (root), never down; the soft limit to the hard
     * one. Then it joins the cgroup whose {@code cgroup.procs} is given, if any.
     */
    static List<String> limitedShell(Path cgroupProcs, List<String> command) {
        String script = "h=$(ulimit -Hn); if [ \"$h\" != unlimited ] && [ \"$h\" -lt " + ServerProcess.NOFILE
                + " ]; then ulimit -n " + ServerProcess.NOFILE + " 2>/dev/null; fi; ulimit -Sn \"$(ulimit -Hn)\"; "
                + (cgroupProcs == null ? "" : "echo $$ > '" + cgroupProcs + "' || exit 1; ")
                + "exec \"$@\"";
        List<String> out = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        out.addAll(command);
        return out;
    }

    /** Runs a command to its end (at most {@code timeoutSeconds}), its output to ours; returns its exit status. */
    static int run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        return p.exitValue();
    }

    /** The last {@code lines} lines of a file, for error messages. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private static int aptInstall(String pkg) throws IOException, InterruptedException {
        // Debian's policy-rc.d, when present, keeps the package's service from starting (nginx on port 80).
        return run(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                "--no-install-recommends", pkg), 600);
    }
}
