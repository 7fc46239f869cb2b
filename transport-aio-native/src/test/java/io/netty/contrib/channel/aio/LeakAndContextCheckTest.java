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

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeakAndContextCheckTest {

    @Test
    void countsTheContextsOfThisJvm() throws IOException {
        Aio.ensureAvailability();
        int before = LeakAndContextCheck.aioContexts();
        try (AioContext small = new AioContext(1); AioContext large = new AioContext(4096)) {
            assertEquals(before + 2, LeakAndContextCheck.aioContexts());
        }
        assertEquals(before, LeakAndContextCheck.aioContexts());
    }

    @Test
    void aContextOfAnotherProcessDoesNotCount() throws Exception {
        Aio.ensureAvailability();
        LeakAndContextCheck check = new LeakAndContextCheck();
        check.beforeEach(null);
        Process holder = new ProcessBuilder(Arrays.asList(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), ContextHolder.class.getName()))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("holding 1", out.readLine(), "the other JVM opened its context");
            check.afterEach(null);
            // The check still sees a context of this JVM that leaks.
            AioContext leaked = new AioContext(1);
            try {
                assertThrows(AssertionError.class, () -> check.afterEach(null));
            } finally {
                leaked.close();
            }
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        assertEquals(0, holder.exitValue());
    }

    /** Opens a context, says so, and holds it until its standard input closes. */
    static final class ContextHolder {
        public static void main(String[] args) throws IOException {
            try (AioContext ctx = new AioContext(64)) {
                System.out.println("holding " + LeakAndContextCheck.aioContexts());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close the pipe
                }
            }
        }
    }
}
