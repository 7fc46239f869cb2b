package io.netty.contrib.channel.aio.example.file;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The {@code Range} header (RFC 9110, section 14.2), for one representation of a known length. */
final class ByteRanges {

    /** Above this many ranges the header is ignored and the whole file sent (a cheap guard against abuse). */
    static final int MAX_RANGES = 32;

    private ByteRanges() {
    }

    /**
     * Parses {@code bytes=…}. Returns {@code null} if the header is to be ignored (not bytes, malformed, too many
     * ranges), an empty list if no range is satisfiable (416), else the satisfiable ranges as {@code {first, last}}
     * (inclusive), in the order asked.
     */
    static List<long[]> parse(String header, long length) {
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return null;
        }
        String[] specs = header.substring(eq + 1).split(",", -1);
        if (specs.length > MAX_RANGES) {
            return null;
        }
        List<long[]> ranges = new ArrayList<>();
        for (String raw : specs) {
            String spec = raw.trim();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = number(last);
                if (suffix < 0) {
                    return null;
                }
                if (suffix > 0 && length > 0) {
                    ranges.add(new long[] {Math.max(0, length - suffix), length - 1});
                }
                continue;
            }
            long from = number(first);
            long to = last.isEmpty() ? Long.MAX_VALUE : number(last);
            if (from < 0 || to < 0 || to < from) {
                return null;
            }
            if (from < length) {
                ranges.add(new long[] {from, Math.min(to, length - 1)});
            }
        }
        return ranges.isEmpty() ? Collections.emptyList() : ranges;
    }

    /** A non-negative decimal, or -1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(s);
    }
}
