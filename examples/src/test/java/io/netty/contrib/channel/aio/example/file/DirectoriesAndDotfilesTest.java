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

import io.netty.contrib.channel.aio.LeakAndContextCheck;
import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Directories as a user sees them with curl: {@code index.html} served for a directory, listings with dates and sizes
 * whose every link works, and hidden names (dotfiles) that neither show nor answer.
 */
class DirectoriesAndDotfilesTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final String INDEX = "<!DOCTYPE html><title>site</title><p>hello from the index</p>\n";
    private static final Instant MODIFIED = Instant.parse("2021-03-04T05:06:07Z");
    /** Names that a link must percent-encode; each file holds its own name. */
    private static final String[] ODD_NAMES = {"a b.txt", "#hash.txt", "q?.txt", "100%.txt", "caf\u00e9.txt",
        "<tag>.txt", "plus+sign.txt", "x:y.txt"};

    private static Path root;
    private static final List<FileServer> servers = new ArrayList<>();

    @BeforeAll
    static void files() throws Exception {
        root = TestFiles.directory("dirs-and-dotfiles");
        Files.createDirectories(root.resolve("site"));
        Files.write(root.resolve("site/index.html"), INDEX.getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("site/page.txt"), "page\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(root.resolve("plain dir"));
        Files.createDirectories(root.resolve("index-is-a-dir/index.html"));
        Files.write(root.resolve("eleven.txt"), "eleven byte".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(root.resolve("eleven.txt"), FileTime.from(MODIFIED));
        Files.setLastModifiedTime(root.resolve("plain dir"), FileTime.from(MODIFIED));
        for (String name : ODD_NAMES) {
            Files.write(root.resolve(name), name.getBytes(StandardCharsets.UTF_8));
        }
        Files.createDirectories(root.resolve(".git"));
        Files.write(root.resolve(".git/config"),
                "[core]\n\trepositoryformatversion = 0\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve(".env"), "SECRET=1\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/.hidden"), "hidden\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("sub/shown.txt"), "shown\n".getBytes(StandardCharsets.UTF_8));
        Files.deleteIfExists(root.resolve("link-to-git"));
        Files.createSymbolicLink(root.resolve("link-to-git"), Paths.get(".git/config"));
        Files.createDirectories(root.resolve("hidden-index"));
        Files.deleteIfExists(root.resolve("hidden-index/index.html"));
        Files.createSymbolicLink(root.resolve("hidden-index/index.html"), Paths.get("../.env"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (FileServer server : servers) {
            server.close();
        }
    }

    private static FileServer server(String mode, String... extra) throws Exception {
        FileServer server = TestServers.start(root, mode, extra);
        servers.add(server);
        return server;
    }

    private static TestServers.Curl curl(FileServer server, String path, String... options) throws Exception {
        String[] args = new String[options.length + 1];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = server.url() + path;
        return TestServers.curlRun(root, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked", "aio+tls"})
    void aDirectoryWithAnIndexServesItLikeAnyFile(String mode) throws Exception {
        FileServer server = server(mode);
        String k = "-k";
        TestServers.Curl index = curl(server, "site/", k);
        assertEquals(200, index.status, index.toString());
        assertEquals(INDEX, index.text());
        assertEquals("text/html; charset=utf-8", index.header("content-type"));
        assertEquals(String.valueOf(INDEX.length()), index.header("content-length"));
        String etag = index.header("etag");
        assertNotNull(etag, index.toString());

        TestServers.Curl redirect = curl(server, "site", k);
        assertEquals(301, redirect.status, redirect.toString());
        assertEquals("/site/", redirect.header("location"));
        TestServers.Curl followed = curl(server, "site", k, "-L");
        assertEquals(200, followed.status);
        assertEquals(INDEX, followed.text());

        TestServers.Curl head = curl(server, "site/", k, "-I");
        assertEquals(200, head.status);
        assertEquals(String.valueOf(INDEX.length()), head.header("content-length"));
        assertEquals(etag, head.header("etag"));

        TestServers.Curl range = curl(server, "site/", k, "-r", "16-20");
        assertEquals(206, range.status, range.toString());
        assertEquals("bytes 16-20/" + INDEX.length(), range.header("content-range"));
        assertEquals(INDEX.substring(16, 21), range.text());

        TestServers.Curl notModified = curl(server, "site/", k, "-H", "If-None-Match: " + etag);
        assertEquals(304, notModified.status, notModified.toString());
        assertEquals(0, notModified.body.length);

        // The directory's other files are still there; a directory named index.html is not an index.
        assertEquals("page\n", curl(server, "site/page.txt", k).text());
        TestServers.Curl notAnIndex = curl(server, "index-is-a-dir/", k);
        assertEquals(200, notAnIndex.status);
        assertTrue(notAnIndex.text().contains("<title>Index of /index-is-a-dir/</title>"), notAnIndex.text());
        // An index that is a link to a hidden file is not served: the directory is listed.
        TestServers.Curl hiddenIndex = curl(server, "hidden-index/", k);
        assertEquals(200, hiddenIndex.status);
        assertFalse(hiddenIndex.text().contains("SECRET"), hiddenIndex.text());
    }

    @Test
    void aListingShowsDatesAndSizesSortedAndEveryLinkLeadsToItsFile() throws Exception {
        FileServer server = server("aio");
        TestServers.Curl listing = curl(server, "");
        assertEquals(200, listing.status, listing.toString());
        String html = listing.text();

        // Like nginx's autoindex: name, date (UTC, to the minute), size; "-" for a directory.
        assertTrue(html.contains("<a href=\"eleven.txt\">eleven.txt</a></td><td>04-Mar-2021 05:06</td>"
                + "<td class=\"size\">11</td>"), html);
        assertTrue(html.contains("<a href=\"plain%20dir/\">plain dir/</a></td><td>04-Mar-2021 05:06</td>"
                + "<td class=\"size\">-</td>"), html);
        assertTrue(html.contains(">&lt;tag&gt;.txt<"), html);
        assertFalse(html.contains("<tag>"), html);

        // Directories first, then files, each by name.
        List<String> hrefs = new ArrayList<>();
        Matcher m = Pattern.compile("<a href=\"([^\"]*)\">").matcher(html);
        while (m.find()) {
            hrefs.add(m.group(1));
        }
        List<String> expected = new ArrayList<>(List.of("hidden-index/", "index-is-a-dir/", "plain%20dir/",
                "site/", "sub/", "%23hash.txt", "100%25.txt", "%3Ctag%3E.txt", "a%20b.txt", "caf%C3%A9.txt",
                "eleven.txt", "link-to-git", "plus%2Bsign.txt", "q%3F.txt", "x%3Ay.txt"));
        assertEquals(expected, hrefs);

        // Every link, followed by curl as a browser would resolve it, gives the file it names.
        for (String name : ODD_NAMES) {
            String href = hrefs.stream().filter(h -> h.endsWith(".txt")
                    && decode(h).equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + html));
            TestServers.Curl file = curl(server, href);
            assertEquals(200, file.status, name + ": " + file);
            assertEquals(name, file.text());
        }
        // A link to a hidden file is listed by its own name but not served.
        assertEquals(404, curl(server, "link-to-git").status);
    }

    private static String decode(String href) {
        return java.net.URLDecoder.decode(href.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void dotfilesAreNeitherListedNorServed(String mode) throws Exception {
        FileServer server = server(mode);
        TestServers.Curl listing = curl(server, "");
        assertFalse(listing.text().contains(".git") || listing.text().contains(".env"), listing.text());
        TestServers.Curl sub = curl(server, "sub/");
        assertTrue(sub.text().contains("shown.txt") && !sub.text().contains(".hidden"), sub.text());

        // 404, as for a file that does not exist: nothing tells that they do.
        String[] hidden = {"/.git/config", "/.git/", "/.git", "/.env", "/sub/.hidden", "/%2egit/config",
            "/%2Egit/config", "/%2e%67it/config", "/./.git/config", "/sub/./.hidden", "/.//.git/config",
            "/link-to-git", "/.git/config?x=1", "/.git/config%00"};
        for (String path : hidden) {
            TestServers.Curl c = curl(server, path.substring(1), "--path-as-is");
            int expected = path.endsWith("%00") ? 403 : 404;
            assertEquals(expected, c.status, path + ": " + c);
            assertFalse(c.text().contains("repositoryformatversion") || c.text().contains("SECRET"), path);
        }
        // A ".." is refused before anything is looked up, hidden or not.
        assertEquals(403, curl(server, ".git/../eleven.txt", "--path-as-is").status);
        assertEquals(403, curl(server, "sub/%2e%2e/.env", "--path-as-is").status);
        assertEquals(404, curl(server, "missing.txt").status);
        assertEquals("eleven byte", curl(server, "./eleven.txt", "--path-as-is").text());
    }

    @Test
    void dotfilesAllowServesAndListsThem() throws Exception {
        FileServer server = server("aio", "--dotfiles", "allow");
        TestServers.Curl config = curl(server, ".git/config");
        assertEquals(200, config.status, config.toString());
        assertTrue(config.text().contains("repositoryformatversion"));
        TestServers.Curl listing = curl(server, "");
        assertTrue(listing.text().contains("href=\".git/\"") && listing.text().contains("href=\".env\""),
                listing.text());
        assertEquals("hidden\n", curl(server, "sub/.hidden").text());
    }
}
