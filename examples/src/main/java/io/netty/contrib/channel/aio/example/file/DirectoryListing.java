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

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The HTML page that lists a directory, as nginx's autoindex does: one row per entry with its name (a link), its
 * modification time (UTC, to the minute) and its size in bytes ({@code -} for a directory). Directories come first,
 * then files, each sorted by name. Names are HTML-escaped in the text and percent-encoded in the links, so that a
 * name with a space, {@code #}, {@code ?}, {@code %}, {@code <} or non-ASCII letters links to itself. Hidden names
 * (starting with {@code .}) are left out unless dotfiles are allowed. A name that is not valid UTF-8 is shown without
 * a link: request paths are UTF-8 (see {@link RequestTarget#decodePath}), so none could name it.
 */
final class DirectoryListing {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** One entry of the listing. */
    static final class Entry {
        final String name;
        final boolean directory;
        final long size;
        final Instant modified;
        /**
         * {@code false} for a name that is not valid UTF-8: no request path names it (see
         * {@link RequestTarget#decodePath}), so it is listed without a link.
         */
        final boolean linked;

        Entry(String name, boolean directory, long size, Instant modified, boolean linked) {
            this.name = name;
            this.directory = directory;
            this.size = size;
            this.modified = modified;
            this.linked = linked;
        }
    }

    private static final Comparator<Entry> ORDER = Comparator.<Entry, Boolean>comparing(e -> !e.directory)
            .thenComparing(e -> e.name);

    private DirectoryListing() {
    }

    /**
     * The entries of {@code dir}, sorted. An entry's attributes are those of what a symbolic link points to (of the
     * link itself when it points nowhere). Blocking: it reads the directory and each entry's attributes.
     */
    static List<Entry> read(Path dir, boolean dotfiles) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!dotfiles && RequestTarget.isHiddenName(name)) {
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (IOException e) {
                    try {
                        attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException gone) {
                        continue; // removed since it was listed
                    }
                }
                // The name's bytes are what its string encodes to in UTF-8 only when they are valid UTF-8.
                boolean utf8 = p.getFileName().equals(p.getFileSystem().getPath(name));
                entries.add(new Entry(name, attrs.isDirectory(), attrs.size(), attrs.lastModifiedTime().toInstant(),
                        utf8));
            }
        }
        entries.sort(ORDER);
        return entries;
    }

    /** The page for the decoded request path {@code path} (ends with {@code /}) and its sorted entries. */
    static String html(String path, List<Entry> entries) {
        String title = "Index of " + escapeHtml(path);
        StringBuilder html = new StringBuilder(512 + entries.size() * 160)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title>\n<style>td,th{padding:0 1em 0 0;text-align:left}td.size{text-align:right}</style>")
                .append("</head><body>\n<h1>").append(title).append("</h1>\n<table>\n")
                .append("<tr><th>Name</th><th>Last modified (UTC)</th><th>Size</th></tr>\n");
        if (!path.equals("/")) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td class=\"size\"></td></tr>\n");
        }
        for (Entry e : entries) {
            String shown = e.directory ? e.name + '/' : e.name;
            html.append("<tr><td>");
            if (e.linked) {
                String link = RequestTarget.encodeSegment(e.name) + (e.directory ? "/" : "");
                html.append("<a href=\"").append(escapeHtml(link)).append("\">").append(escapeHtml(shown))
                        .append("</a>");
            } else {
                html.append(escapeHtml(shown)).append(" (name not UTF-8: not served)");
            }
            html.append("</td><td>").append(DATE.format(e.modified)).append("</td><td class=\"size\">")
                    .append(e.directory ? "-" : Long.toString(e.size)).append("</td></tr>\n");
        }
        return html.append("</table>\n</body></html>\n").toString();
    }

    /** {@code s} with {@code < > & " '} replaced by their HTML character references. */
    static String escapeHtml(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '&':
                    sb.append("&amp;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }
}
