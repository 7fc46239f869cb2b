package io.netty.contrib.channel.aio;

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the transport keeps per event loop, in one place: its {@link AioMetrics} and its {@link AioLoop} (or when
 * creating one last failed). An entry is made on first use and dropped when the loop terminates.
 */
final class LoopRegistry {

    private static final ConcurrentMap<EventExecutor, LoopState> LOOPS = new ConcurrentHashMap<>();

    private LoopRegistry() {
    }

    /** The state of a loop, made on first use. */
    static LoopState of(EventExecutor loop) {
        LoopState state = LOOPS.get(loop);
        if (state != null) {
            return state;
        }
        state = new LoopState();
        LoopState old = LOOPS.putIfAbsent(loop, state);
        if (old != null) {
            return old;
        }
        LoopState added = state;
        loop.terminationFuture().addListener(f -> {
            LOOPS.remove(loop, added);
            added.loopTerminated();
        });
        return state;
    }

    /** One loop's entry. {@link #aio} and {@link #setupFailedAt} are used on the loop's thread only. */
    static final class LoopState {
        final AioMetrics metrics = new AioMetrics();
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
