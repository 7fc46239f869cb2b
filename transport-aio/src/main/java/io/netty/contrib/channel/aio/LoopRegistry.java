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
 * What the transport keeps per event loop, in one place: its {@link AioMetrics} and its {@link AioLoop} (or when
 * creating one last failed). An entry is made on first use and dropped when the loop terminates. A loop that cannot
 * tell when it terminates ({@code EmbeddedChannel}'s, whose {@code terminationFuture()} is unsupported) never has AIO;
 * its entry (metrics only) lives as long as the loop does.
 */
final class LoopRegistry {

    private static final ConcurrentMap<EventExecutor, LoopState> LOOPS = new ConcurrentHashMap<>();
    /** Loops without a termination future: weakly held, so that each goes with its channel. */
    private static final Map<EventExecutor, LoopState> UNTERMINATED = new WeakHashMap<>();

    private LoopRegistry() {
    }

    /** The state of a loop, made on first use. */
    static LoopState of(EventExecutor loop) {
        LoopState state = LOOPS.get(loop);
        if (state != null) {
            return state;
        }
        Future<?> termination;
        try {
            termination = loop.terminationFuture();
        } catch (UnsupportedOperationException e) {
            synchronized (UNTERMINATED) {
                return UNTERMINATED.computeIfAbsent(loop, l -> new LoopState());
            }
        }
        state = new LoopState();
        LoopState old = LOOPS.putIfAbsent(loop, state);
        if (old != null) {
            return old;
        }
        LoopState added = state;
        termination.addListener(f -> {
            LOOPS.remove(loop, added);
            added.loopTerminated();
        });
        return state;
    }

    /** Loops with an entry that goes when they terminate: for tests. */
    static int registeredLoops() {
        return LOOPS.size();
    }

    /** One loop's entry. {@link #aio} and {@link #setupFailedAt} are used on the loop's thread only. */
    static final class LoopState {
        final LoopRecorder recorder = new LoopRecorder();
        AioLoop aio;
        /** {@link System#nanoTime()} of the last failed set-up, or 0. */
        long setupFailedAt;

        private void loopTerminated() {
            // The loop ended; its thread is gone, so nothing else touches this state any more.
            AioLoop a = aio;
            if (a != null) {
                a.closeOnTermination();
            }
        }
    }
}
