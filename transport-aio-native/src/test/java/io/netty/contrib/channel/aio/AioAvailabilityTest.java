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

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AioAvailabilityTest {

    @Test
    void availableOnThisMachine() {
        assertNull(Aio.unavailabilityCause());
        assertTrue(Aio.isAvailable());
        Aio.ensureAvailability();
    }

    @Test
    void unavailableWithACauseUnderNoNative() throws Exception {
        String out = runJava("-Dio.netty.transport.noNative=true");
        assertTrue(out.startsWith("false "), out);
        assertTrue(out.contains("noNative"), out);
        assertTrue(out.contains("UnsatisfiedLinkError"), out);
    }

    /** Runs {@link Probe} in a new JVM: {@link Aio}'s answer is fixed once per JVM. */
    private static String runJava(String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        for (String arg : jvmArgs) {
            cmd.add(arg);
        }
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static final class Probe {
        public static void main(String[] args) {
            StringBuilder sb = new StringBuilder().append(Aio.isAvailable()).append(' ')
                    .append(Aio.unavailabilityCause());
            try {
                Aio.ensureAvailability();
            } catch (UnsatisfiedLinkError e) {
                sb.append(' ').append(e.getClass().getSimpleName());
            }
            System.out.println(sb);
        }
    }

    @Test
    void ensureAvailabilityThrowsOnlyWhenUnavailable() {
        if (!Aio.isAvailable()) {
            assertThrows(UnsatisfiedLinkError.class, Aio::ensureAvailability);
        }
    }
}
