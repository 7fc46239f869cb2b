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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order of a first-touch cell: every file of the set asked for exactly once. The set's files are shuffled
 * (the same order for every configuration of a repetition, another in each repetition); the first
 * {@code warmupFiles} of that order are the warm-up's, the rest the measured load's. Each part is cut into one
 * contiguous slice per wrk thread, written to a file of its own ({@code <name>-<thread>.list}, a URL path a line),
 * which that thread's Lua reads in {@code init} and walks once; its connections share it, so each path goes out on
 * one connection at most once. A thread at the end of its slice stops ({@code wrk.thread:stop()}, after asking for
 * the cached 100-byte probe file in place of a path, as {@code request()} must return a request): nothing is
 * asked for twice, and the Lua's {@code done()} reports how many threads ran out ({@code exhausted=}); a measured
 * load that ran out has idled, so its throughput is too low and the report flags it. wrk calls {@code request()}
 * once before the load to check the script, on its first thread: that path is never sent.
 */
final class FirstTouch {
    private final List<List<String>> warmup;
    private final List<List<String>> load;

    private FirstTouch(List<List<String>> warmup, List<List<String>> load) {
        this.warmup = warmup;
        this.load = load;
    }

    /** The order of repetition {@code rep} over {@code files}, for {@code threads} wrk threads. */
    static FirstTouch of(FileSet files, int warmupFiles, int threads, int rep) {
        List<String> paths = new ArrayList<>(files.count);
        for (int i = 0; i < files.count; i++) {
            paths.add(files.path(i));
        }
        Collections.shuffle(paths, new Random(7919L * rep));
        int w = Math.min(warmupFiles, paths.size());
        return new FirstTouch(slices(paths.subList(0, w), threads), slices(paths.subList(w, paths.size()), threads));
    }

    /** {@code paths} cut into {@code threads} contiguous slices of sizes that differ by one at most. */
    static List<List<String>> slices(List<String> paths, int threads) {
        List<List<String>> out = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) t * paths.size() / threads);
            int to = (int) ((long) (t + 1) * paths.size() / threads);
            out.add(new ArrayList<>(paths.subList(from, to)));
        }
        return out;
    }

    /** The warm-up's slices, one per wrk thread. */
    List<List<String>> warmup() {
        return warmup;
    }

    /** The measured load's slices, one per wrk thread. */
    List<List<String>> load() {
        return load;
    }

    /** Writes the warm-up's slices as {@code <dir>/<name>-<thread>.list}; returns the Lua that walks them. */
    String writeWarmup(Path dir, String name) throws IOException {
        return write(warmup, dir, name);
    }

    /** As {@link #writeWarmup}, the measured load's slices. */
    String writeLoad(Path dir, String name) throws IOException {
        return write(load, dir, name);
    }

    private static String write(List<List<String>> slices, Path dir, String name) throws IOException {
        for (int t = 0; t < slices.size(); t++) {
            List<String> lines = slices.get(t);
            Files.write(dir.resolve(name + "-" + t + ".list"), lines, StandardCharsets.US_ASCII);
        }
        return script(dir.resolve(name + "-").toString());
    }

    /** The Lua of a walk over the slices {@code <prefix><thread>.list}. */
    static String script(String listPrefix) {
        return String.join("\n",
                "local list_prefix = '" + listPrefix + "'",
                "local threads = {}",
                "local next_id = 0",
                "function setup(thread)",
                "  thread:set('tid', next_id)",
                "  next_id = next_id + 1",
                "  table.insert(threads, thread)",
                "end",
                "local paths, pos = {}, 0",
                "exhausted = 0",
                "function init(args)",
                "  for line in io.lines(list_prefix .. tid .. '.list') do",
                "    if line ~= '' then paths[#paths + 1] = line end",
                "  end",
                "end",
                "function request()",
                "  pos = pos + 1",
                "  if pos > #paths then",
                "    exhausted = 1",
                "    wrk.thread:stop()",
                "    return wrk.format(nil, '/probe.bin')",
                "  end",
                "  return wrk.format(nil, paths[pos])",
                "end",
                "local function exhausted_threads()",
                "  local n = 0",
                "  for _, t in ipairs(threads) do n = n + (t:get('exhausted') or 0) end",
                "  return n",
                "end",
                Wrk.done(" exhausted=%.0f", ", exhausted_threads()"));
    }
}
