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

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Compressible text for the gzip cells: an HTML page of tables and paragraphs (product listings with names, prices,
 * dates and JSON-like attributes) drawn from a seeded random generator over a small vocabulary, so it compresses
 * about as well as real pages do (gzip level 6: about 4:1), unlike one repeated byte.
 */
final class TextGenerator {
    private static final String HEAD = "<!DOCTYPE html>\n<!-- page 00000000 -->\n<html lang=\"en\"><head>"
            + "<meta charset=\"utf-8\"><title>Catalogue</title><link rel=\"stylesheet\" href=\"/css/site.css\">"
            + "</head>\n<body>\n";
    /** Where the file's eight-digit number goes in the text (the zeros of the comment). */
    static final int NUMBER_OFFSET = HEAD.indexOf("00000000");

    private static final String[] WORDS = {
        "netty", "channel", "buffer", "event", "loop", "file", "region", "kernel", "page", "cache", "direct", "read",
        "write", "socket", "stream", "frame", "header", "window", "server", "client", "request", "response", "range",
        "chunk", "latency", "throughput", "compression", "deflate", "archive", "storage", "device", "queue", "thread",
        "memory", "pool", "handler", "pipeline", "future", "promise", "codec", "encoder", "decoder", "transport",
        "epoll", "descriptor", "offset", "length", "block", "sector", "completion", "timeout", "connection", "lamp",
        "chair", "table", "garden", "kettle", "blanket", "bicycle", "camera", "pencil", "window", "mountain", "river"};
    private static final String[] COLOURS = {"red", "green", "blue", "black", "white", "silver", "orange", "teal"};

    private TextGenerator() {
    }

    /** Fills {@code out} with generated HTML, the same for the same {@code seed}. */
    static void fill(byte[] out, long seed) {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(out.length + 4096).append(HEAD);
        int item = 0;
        while (sb.length() < out.length) {
            sb.append("<section class=\"group\" id=\"g").append(item).append("\">\n<h2>")
                    .append(capitalized(word(random))).append(' ').append(word(random)).append("</h2>\n<p>");
            int words = 20 + random.nextInt(40);
            for (int w = 0; w < words; w++) {
                sb.append(w == 0 ? "" : " ").append(word(random));
            }
            sb.append(".</p>\n<table class=\"items\">\n");
            int rows = 3 + random.nextInt(8);
            for (int r = 0; r < rows; r++, item++) {
                sb.append("<tr data-item='{\"id\":").append(100000 + item).append(",\"sku\":\"")
                        .append(Integer.toHexString(random.nextInt() & 0xfffff)).append("\",\"colour\":\"")
                        .append(COLOURS[random.nextInt(COLOURS.length)]).append("\",\"stock\":")
                        .append(random.nextInt(500)).append("}'><td class=\"name\"><a href=\"/item/")
                        .append(100000 + item).append("\">").append(capitalized(word(random))).append(' ')
                        .append(word(random)).append("</a></td><td class=\"price\">")
                        .append(random.nextInt(900) + 1).append('.').append(10 + random.nextInt(90))
                        .append("</td><td class=\"date\">2026-").append(10 + random.nextInt(3)).append('-')
                        .append(10 + random.nextInt(19)).append("</td></tr>\n");
            }
            sb.append("</table>\n</section>\n");
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, 0, out.length);
        // The last bytes close the page, whatever the cut.
        byte[] end = "\n</body></html>\n".getBytes(StandardCharsets.US_ASCII);
        if (out.length >= HEAD.length() + end.length) {
            System.arraycopy(end, 0, out, out.length - end.length, end.length);
        }
    }

    private static String word(Random random) {
        return WORDS[random.nextInt(WORDS.length)];
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
