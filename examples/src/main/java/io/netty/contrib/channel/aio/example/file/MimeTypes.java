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

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** {@code Content-Type} by file extension. */
final class MimeTypes {

    private static final Map<String, String> TYPES = new HashMap<>();

    static {
        String[][] table = {
            {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
            {"txt", "text/plain; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"},
            {"css", "text/css; charset=utf-8"}, {"csv", "text/csv; charset=utf-8"},
            {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"},
            {"json", "application/json"}, {"xml", "application/xml"}, {"pdf", "application/pdf"},
            {"xhtml", "application/xhtml+xml"}, {"rss", "application/rss+xml"}, {"atom", "application/atom+xml"},
            {"wasm", "application/wasm"}, {"zip", "application/zip"}, {"gz", "application/gzip"},
            {"tar", "application/x-tar"}, {"jar", "application/java-archive"},
            {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
            {"webp", "image/webp"}, {"svg", "image/svg+xml"}, {"ico", "image/x-icon"}, {"avif", "image/avif"},
            {"mp4", "video/mp4"}, {"webm", "video/webm"}, {"mp3", "audio/mpeg"}, {"ogg", "audio/ogg"},
            {"wav", "audio/wav"}, {"woff", "font/woff"}, {"woff2", "font/woff2"},
        };
        for (String[] row : table) {
            TYPES.put(row[0], row[1]);
        }
    }

    private MimeTypes() {
    }

    static String of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return "application/octet-stream";
        }
        return TYPES.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }
}
