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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class whose code leaked a buffer (Netty's detector at PARANOID reports {@code LEAK:}) or left an AIO
 * context behind (one of this JVM's {@code [aio]} mappings made during the test is still there 10 s after). Contexts
 * are checked after each test, or after all tests with {@link #perClass()} (for tests whose event loops live as long
 * as the class). Only this JVM's contexts count: other processes on the machine may open and close theirs meanwhile.
 */
public final class LeakAndContextCheck implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private static final Logger LEAK_LOGGER = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        LEAK_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message != null && message.contains("LEAK:")) {
                    synchronized (LEAKS) {
                        LEAKS.add(message);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private final boolean perTest;
    private Set<String> contextsBefore;

    public LeakAndContextCheck() {
        this(true);
    }

    private LeakAndContextCheck(boolean perTest) {
        this.perTest = perTest;
    }

    /** Checks AIO contexts once, after all tests of the class. */
    public static LeakAndContextCheck perClass() {
        return new LeakAndContextCheck(false);
    }

    /**
     * The system-wide count of AIO events reserved by live contexts ({@code /proc/sys/fs/aio-nr}), for tests that lower
     * {@code fs.aio-max-nr}. Every process on the machine changes it: to find a leak, use {@link #aioContexts()}.
     */
    public static long aioNr() {
        return Long.parseLong(readProc("/proc/sys/fs/aio-nr"));
    }

    /**
     * The AIO contexts alive in this JVM: each {@code io_setup(2)} maps its completion ring into the process as an
     * anonymous {@code [aio]} mapping, removed again by {@code io_destroy(2)}. Unlike {@link #aioNr()}, other
     * processes on the machine do not change it.
     */
    public static int aioContexts() {
        return aioMappings().size();
    }

    /** The start addresses of this JVM's {@code [aio]} mappings: one per AIO context alive. */
    static Set<String> aioMappings() {
        try (BufferedReader reader = Files.newBufferedReader(Paths.get("/proc/self/maps"), StandardCharsets.US_ASCII)) {
            Set<String> mappings = new HashSet<>();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.contains("/[aio]")) {
                    mappings.add(line.substring(0, line.indexOf('-')));
                }
            }
            return mappings;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One line of a procfs file (they report a size of 0, so "read all bytes" reads too little). */
    public static String readProc(String path) {
        try (BufferedReader reader = Files.newBufferedReader(Paths.get(path), StandardCharsets.US_ASCII)) {
            return reader.readLine().trim();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Aio.isAvailable(); // its probe context is created and closed before the baseline is taken
        if (!perTest) {
            contextsBefore = aioMappings();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            contextsBefore = aioMappings();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            assertNoContextLeaked();
        }
        assertNoLeaks();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!perTest) {
            assertNoContextLeaked();
        }
        assertNoLeaks();
    }

    /**
     * No context made since the baseline is left: a context alive then may go meanwhile (a loop of an earlier test
     * still terminating), and a loop still terminating now has 10 s to destroy its own.
     */
    private void assertNoContextLeaked() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> left = aioMappings();
        left.removeAll(contextsBefore);
        while (!left.isEmpty() && System.nanoTime() < end) {
            sleep();
            left = aioMappings();
            left.removeAll(contextsBefore);
        }
        assertTrue(left.isEmpty(), "an AIO context of this JVM leaked ([aio] mappings in /proc/self/maps at " + left
                + ")");
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Collects garbage and lets the leak detector report what it found. */
    public static void assertNoLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            // The detector reports when a tracked buffer is allocated after a leaked one was collected.
            for (int j = 0; j < 16; j++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                ByteBuf b = Unpooled.directBuffer(64);
                a.release();
                b.release();
            }
        }
        List<String> leaks;
        synchronized (LEAKS) {
            leaks = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " leak report(s):\n" + String.join("\n", leaks));
        }
    }
}
