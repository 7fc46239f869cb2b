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

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Content-Type} by extension, and which of them the server compresses. */
class MimeTypesTest {

    @Test
    void xmlFeedsAndXhtmlHaveTheirOwnTypes() {
        assertEquals("application/xhtml+xml", MimeTypes.of("page.xhtml"));
        assertEquals("application/rss+xml", MimeTypes.of("feed.rss"));
        assertEquals("application/atom+xml", MimeTypes.of("feed.ATOM"));
        for (String name : new String[] {"page.xhtml", "feed.rss", "feed.atom"}) {
            assertTrue(Compression.compressible(MimeTypes.of(name), 1 << 20), name);
        }
    }

    @Test
    void unknownAndMissingExtensionsAreOctetStreams() {
        assertEquals("application/octet-stream", MimeTypes.of("data.unknownext"));
        assertEquals("application/octet-stream", MimeTypes.of("README"));
        assertEquals("application/octet-stream", MimeTypes.of("trailing."));
        assertEquals("text/html; charset=utf-8", MimeTypes.of("INDEX.HTML"));
    }
}
