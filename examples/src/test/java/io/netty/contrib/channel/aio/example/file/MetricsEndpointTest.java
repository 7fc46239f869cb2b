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

import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --metrics}: curl scrapes the server's meters in the Prometheus text format, on a listener of their own, and
 * they count what the server did.
 */
class MetricsEndpointTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static Path root;
    private static File file;

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("metrics-endpoint");
        file = TestFiles.create(root, "data.bin", 3 << 20, 17);
    }

    @Test
    void curlScrapesTheLoopsMetersAndTheyCountTheDownloads() throws Exception {
        assumeTrue(Aio.isAvailable(), "AIO is not available here: " + Aio.unavailabilityCause());
        try (FileServer server = TestServers.start(root, "aio", "--metrics", "127.0.0.1:0")) {
            String url = server.metricsUrl();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/metrics"), url);
            assertTrue(!url.contains(":" + server.port() + "/"), "a listener of its own: " + url);
            double before = value(scrape(url), "netty_aio_regions_total");
            TestServers.Curl download = TestServers.curlRun(root, server.url() + "data.bin");
            assertEquals(200, download.status, download.toString());
            assertArrayEquals(Files.readAllBytes(file.toPath()), download.body);
            TestServers.Curl after = TestServers.curlRun(root, url);
            assertEquals(200, after.status, after.toString());
            assertEquals(MetricsEndpoint.CONTENT_TYPE, after.headers.get("content-type"));
            String text = new String(after.body, StandardCharsets.UTF_8);
            assertEquals(before + 1, value(text, "netty_aio_regions_total"), 0.0, "the download's region");
            assertTrue(value(text, "netty_aio_bytes_read_bytes_total") + value(text,
                    "netty_aio_page_cache_bytes_total") >= file.length(), "its bytes, from the disk or the cache");
            assertTrue(value(text, "jvm_memory_used_bytes") > 0, "the JVM's meters too");
            assertTrue(text.contains("# TYPE netty_aio_in_flight_reads gauge"), "typed for Prometheus");
        }
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        try (FileServer server = TestServers.start(root, "aio", "--metrics=0")) {
            String url = server.metricsUrl();
            TestServers.Curl other = TestServers.curlRun(root, url.replace("/metrics", "/data.bin"));
            assertEquals(404, other.status, "files are not served here: " + other);
            TestServers.Curl post = TestServers.curlRun(root, "-X", "DELETE", url);
            assertEquals(405, post.status, post.toString());
            assertEquals("GET, HEAD", post.headers.get("allow"));
            TestServers.Curl head = TestServers.curlRun(root, "-I", url);
            assertEquals(200, head.status, head.toString());
        }
        try (FileServer server = TestServers.start(root, "aio")) {
            assertNull(server.metricsUrl(), "no listener without --metrics");
        }
    }

    @Test
    void aMetricsPortInUseFailsTheStartAndFreesTheFilePort() throws Exception {
        int filePort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            filePort = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> FileServer.start("--root",
                    root.toString(), "--port", Integer.toString(filePort), "--threads", "1", "--metrics",
                    "127.0.0.1:" + taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("--metrics: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
        }
        try (ServerSocket again = new ServerSocket(filePort, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(filePort, again.getLocalPort(), "the file port was closed when the start failed");
        }
    }

    @Test
    void theAddressIsAPortAHostAndPortOrABracketedIpv6AddressAndPort() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9100), parse("9100"));
        assertEquals(new InetSocketAddress("0.0.0.0", 9100), parse("0.0.0.0:9100"));
        assertEquals(new InetSocketAddress("::1", 9100), parse("[::1]:9100"));
        for (String bad : new String[] {"::1:9100", "host:", "9100x", "70000", ":9100"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--metrics"), e.getMessage());
        }
    }

    private static InetSocketAddress parse(String address) {
        return FileServerOptions.parse("--root", root.toString(), "--metrics", address).metrics;
    }

    private static String scrape(String url) throws Exception {
        TestServers.Curl scrape = TestServers.curlRun(root, url);
        assertEquals(200, scrape.status, scrape.toString());
        return new String(scrape.body, StandardCharsets.UTF_8);
    }

    /** The sum of the samples of {@code name} (over their labels). */
    private static double value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        assertTrue(found, name + " is not in the scrape:\n" + text);
        return sum;
    }
}
