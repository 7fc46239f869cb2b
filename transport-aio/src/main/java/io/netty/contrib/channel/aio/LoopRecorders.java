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

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Each event loop's {@link LoopRecorder}, for {@link AioMetrics#of} to find from any thread: made on first use and
 * dropped when the loop terminates (a view taken before keeps its last counts). A recorder holds counters only:
 * nothing to close. The loop's AIO state is not here: it lives on the loop's own thread ({@link LoopSlot}). A loop
 * that cannot tell when it terminates ({@code EmbeddedChannel}'s, whose {@code terminationFuture()} is unsupported)
 * has its recorder held weakly, so that it goes with its channel.
 */
final class LoopRecorders {

    private static final ConcurrentMap<EventExecutor, LoopRecorder> LOOPS = new ConcurrentHashMap<>();
    /** Loops without a termination future: weakly held, so that each goes with its channel. */
    private static final Map<EventExecutor, LoopRecorder> UNTERMINATED = new WeakHashMap<>();

    private LoopRecorders() {
    }

    /** The recorder of a loop, made on first use. */
    static LoopRecorder of(EventExecutor loop) {
        LoopRecorder recorder = LOOPS.get(loop);
        if (recorder != null) {
            return recorder;
        }
        Future<?> termination;
        try {
            termination = loop.terminationFuture();
        } catch (UnsupportedOperationException e) {
            synchronized (UNTERMINATED) {
                return UNTERMINATED.computeIfAbsent(loop, l -> new LoopRecorder());
            }
        }
        recorder = new LoopRecorder();
        LoopRecorder old = LOOPS.putIfAbsent(loop, recorder);
        if (old != null) {
            return old;
        }
        LoopRecorder added = recorder;
        termination.addListener(f -> LOOPS.remove(loop, added));
        return recorder;
    }

    /** Loops with a recorder that goes when they terminate: for tests. */
    static int registeredLoops() {
        return LOOPS.size();
    }
}
