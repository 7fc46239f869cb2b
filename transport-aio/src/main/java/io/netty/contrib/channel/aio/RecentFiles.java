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

import java.util.Arrays;

/**
 * The files asked for recently, to tell a repeated request from a first one: two generations of a Bloom filter. A
 * key is looked up in both and added to the current one; after {@code generation} additions the current becomes the
 * previous and a cleared one takes its place, so a key is remembered for at least {@code generation} and at most
 * {@code 2 × generation} additions after it was last seen.
 * <p>
 * A false positive takes a first request for a repeated one. A count-min sketch sized for the popular set saturates
 * under a stream of distinct files (a scan, or files read once): after a few thousand of them every new file looked
 * popular. Here a generation holds at most {@code generation} keys in {@code 64 × generation} bits with 3 hashes,
 * about 0.01 % false positives per generation ((1 - e^(-3/64))^3), whatever the stream.
 */
final class RecentFiles {

    private static final int HASHES = 3;
    private static final int BITS_PER_KEY = 64;

    private final int generation;
    private final int mask;
    private long[] current;
    private long[] previous;
    private int added;

    /** @param generation additions per generation, a power of two from 64 to 32768 (each hash takes 21 bits) */
    RecentFiles(int generation) {
        if (generation < 64 || generation > 1 << 15 || Integer.bitCount(generation) != 1) {
            throw new IllegalArgumentException("generation: " + generation
                    + " (expected: a power of two from 64 to 32768)");
        }
        this.generation = generation;
        int bits = generation * BITS_PER_KEY;
        mask = bits - 1;
        current = new long[bits / 64];
        previous = new long[bits / 64];
    }

    /** Records a request for {@code key}; {@code true} if it was seen recently (possibly a false positive). */
    boolean add(long key) {
        boolean seen = true;
        boolean seenBefore = true;
        long h = mix(key);
        for (int i = 0; i < HASHES; i++) {
            int bit = (int) (h >>> (i * 21)) & mask;
            long m = 1L << bit;
            int word = bit >>> 6;
            seen &= (current[word] & m) != 0;
            seenBefore &= (previous[word] & m) != 0;
            current[word] |= m;
        }
        if (++added >= generation) {
            long[] cleared = previous;
            Arrays.fill(cleared, 0L);
            previous = current;
            current = cleared;
            added = 0;
        }
        return seen || seenBefore;
    }

    /** A 64-bit finalizer (the one of SplitMix64): nearby keys (inode numbers) spread over all bits. */
    private static long mix(long key) {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
