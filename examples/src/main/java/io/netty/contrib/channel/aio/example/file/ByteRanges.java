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

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code Range} header (RFC 9110, section 14.2), for one representation of a known length. What a response sends
 * is never more than the representation itself: ranges that overlap or touch are coalesced (RFC 9110, section
 * 15.3.7.2), and a header whose ranges add up to more bytes than the file, or that lists more than a maximum number
 * of ranges, is ignored (the whole file is sent with 200), as nginx does.
 */
final class ByteRanges {

    private ByteRanges() {
    }

    /**
     * Parses {@code bytes=…}. Returns {@code null} if the header is to be ignored (not bytes, malformed, more than
     * {@code maxRanges} ranges, or ranges that add up to more than {@code length}), an empty list if no range is
     * satisfiable (416), else the ranges to send as {@code {first, last}} (inclusive): satisfiable, coalesced, in the
     * order their first range was asked.
     */
    static List<long[]> parse(String header, long length, int maxRanges) {
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return null;
        }
        String[] specs = header.substring(eq + 1).split(",", -1);
        if (specs.length > maxRanges) {
            return null;
        }
        List<long[]> ranges = new ArrayList<>();
        long total = 0;
        for (String raw : specs) {
            String spec = raw.trim();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            long[] range;
            if (first.isEmpty()) {
                long suffix = number(last);
                if (suffix < 0) {
                    return null;
                }
                range = suffix > 0 && length > 0 ? new long[] {Math.max(0, length - suffix), length - 1} : null;
            } else {
                long from = number(first);
                long to = last.isEmpty() ? Long.MAX_VALUE : number(last);
                if (from < 0 || to < 0 || to < from) {
                    return null;
                }
                range = from < length ? new long[] {from, Math.min(to, length - 1)} : null;
            }
            if (range != null) {
                total += range[1] - range[0] + 1;
                if (total > length) {
                    return null; // asks for more than the file: send the file once
                }
                ranges.add(range);
            }
        }
        return ranges.isEmpty() ? Collections.emptyList() : coalesce(ranges);
    }

    /**
     * Merges ranges that overlap or touch. A merged range takes the place of the earliest-asked range in it; the
     * others keep their order.
     */
    static List<long[]> coalesce(List<long[]> ranges) {
        int n = ranges.size();
        if (n == 1) {
            return ranges;
        }
        // {first, last, index of the earliest range asked}, sorted by first.
        List<long[]> sorted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sorted.add(new long[] {ranges.get(i)[0], ranges.get(i)[1], i});
        }
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>(n);
        long[] current = sorted.get(0);
        for (int i = 1; i < n; i++) {
            long[] next = sorted.get(i);
            if (next[0] <= current[1] + 1) {
                current[1] = Math.max(current[1], next[1]);
                current[2] = Math.min(current[2], next[2]);
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        merged.sort((a, b) -> Long.compare(a[2], b[2]));
        List<long[]> result = new ArrayList<>(merged.size());
        for (long[] m : merged) {
            result.add(new long[] {m[0], m[1]});
        }
        return result;
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
