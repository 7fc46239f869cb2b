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
package io.netty.contrib.channel.aio.frameworks;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootVersion;
import reactor.netty.http.server.HttpServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The framework recipes of the documentation ({@code docs/frameworks.md}, which the README links to) are the lines
 * the tests run: each test marks its recipe with {@code // README <framework>: begin} and
 * {@code // README <framework>: end}, and the document's framework section must hold those lines, in that order, one
 * after the other (indentation aside; a line of the document may add a declaration or a comment around the test's
 * line). It must also name the framework versions tested.
 */
class ReadmeRecipesTest {

    /** The section's title; its heading may be of any level ({@code #} as a document's title, {@code ##} in one). */
    private static final String SECTION = "Frameworks: Reactor Netty, Spring WebFlux, Vert.x";
    private static final Path SOURCES = Paths.get("src", "test", "java", "io", "netty", "contrib", "channel", "aio",
            "frameworks");

    /** The section's lines, stripped, from its heading to the next heading of its level or a higher one. */
    private static List<String> section() throws IOException {
        Path doc = Paths.get(System.getProperty("aio.readme", Paths.get("..", "docs", "frameworks.md").toString()));
        List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
        int start = -1;
        int level = 0;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            int hashes = headingLevel(lines.get(i));
            if (hashes > 0 && lines.get(i).substring(hashes + 1).equals(SECTION)) {
                start = i;
                level = hashes;
            }
        }
        assertTrue(start >= 0, doc + " has no section \"" + SECTION + '"');
        List<String> section = new ArrayList<>();
        for (int i = start + 1; i < lines.size(); i++) {
            int hashes = headingLevel(lines.get(i));
            if (hashes > 0 && hashes <= level) {
                break;
            }
            section.add(lines.get(i).strip());
        }
        return section;
    }

    /** The level of a Markdown heading ({@code ## Title}: 2), or 0 for a line that is not one. */
    private static int headingLevel(String line) {
        int hashes = 0;
        while (hashes < line.length() && line.charAt(hashes) == '#') {
            hashes++;
        }
        return hashes > 0 && hashes < line.length() && line.charAt(hashes) == ' ' ? hashes : 0;
    }

    /** The stripped lines between each pair of a test's markers: a list per pair. */
    private static List<List<String>> recipe(String testClass, String framework) throws IOException {
        String begin = "// README " + framework + ": begin";
        String end = "// README " + framework + ": end";
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : Files.readAllLines(SOURCES.resolve(testClass + ".java"), StandardCharsets.UTF_8)) {
            String stripped = line.strip();
            if (stripped.equals(begin)) {
                assertNull(block, testClass + ": \"" + begin + "\" twice");
                block = new ArrayList<>();
            } else if (stripped.equals(end)) {
                assertNotNull(block, testClass + ": \"" + end + "\" before \"" + begin + '"');
                assertFalse(block.isEmpty(), testClass + ": nothing between the markers");
                blocks.add(block);
                block = null;
            } else if (block != null && !stripped.isEmpty()) {
                block.add(stripped);
            }
        }
        assertNull(block, testClass + ": \"" + begin + "\" without \"" + end + '"');
        assertFalse(blocks.isEmpty(), testClass + " marks no recipe with \"" + begin + '"');
        return blocks;
    }

    @ParameterizedTest
    @CsvSource({"Reactor Netty, ReactorNettyTest", "Spring WebFlux, SpringWebFluxTest", "Vert.x, VertxTest"})
    void theReadmeShowsTheRecipeTheTestRuns(String framework, String testClass) throws IOException {
        List<String> section = section();
        for (List<String> block : recipe(testClass, framework)) {
            assertTrue(holds(section, block),
                    "the documentation's section \"" + SECTION + "\" should hold these lines of " + testClass
                            + ", one after the other:\n" + String.join("\n", block));
        }
    }

    /**
     * Whether consecutive lines of {@code section} hold the lines of {@code block}, each within its line (the README
     * may declare a variable the test assigns, or add a comment).
     */
    private static boolean holds(List<String> section, List<String> block) {
        for (int i = 0; i + block.size() <= section.size(); i++) {
            int j = 0;
            while (j < block.size() && section.get(i + j).contains(block.get(j))) {
                j++;
            }
            if (j == block.size()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theReadmeNamesTheVersionsTested() throws IOException {
        String section = String.join("\n", section());
        String[] versions = {
            HttpServer.class.getPackage().getImplementationVersion(),
            SpringBootVersion.getVersion(),
            Vertx.class.getPackage().getImplementationVersion(),
        };
        for (String version : versions) {
            assertNotNull(version);
            assertTrue(section.contains(version), "the section names the version tested, " + version);
        }
    }
}
