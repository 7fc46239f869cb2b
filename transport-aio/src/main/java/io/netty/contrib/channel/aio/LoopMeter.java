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

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Measures every iteration of an event loop into its {@link AioMetrics}: an {@link IoHandler} around the transport's
 * own, made by {@link AioMetrics#measured(IoHandlerFactory)}.
 *
 * <p>An iteration of Netty's {@code SingleThreadIoEventLoop} runs the I/O handler (waits for events, then handles
 * them) and then the loop's tasks. The handler reports how long it handled events (Netty's own I/O handlers do,
 * when {@link IoHandlerContext#shouldReportActiveIoTime()} says so: the figure its auto-scaling uses); the tasks are
 * the time from the handler's return to its next call. An iteration's busy time is the two together: the time the
 * loop could not get to a channel that became ready, whatever held it (a burst of completions, a large write, a
 * slow system call, a slow task, a GC pause). The wait for events is not part of it. Not counted either: what a
 * handler does in its run outside the event handling it reports (io_uring submits, and so performs inline socket
 * writes, in {@code io_uring_enter} around the wait), iterations after the loop began to shut down (its quiet
 * period sleeps between them), and the time a loop spent suspended.
 *
 * <p>Only the loops of a {@link SingleThreadIoEventLoop} (what {@code MultiThreadIoEventLoopGroup} makes) are
 * measured; a handler made for another executor ({@code ManualIoEventLoop}, whose owner runs it when it likes) is
 * returned as the transport made it.
 */
final class LoopMeter implements IoHandlerFactory {

    private final IoHandlerFactory factory;

    LoopMeter(IoHandlerFactory factory) {
        this.factory = factory;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        IoHandler handler = factory.newHandler(executor);
        if (!(executor instanceof SingleThreadIoEventLoop)) {
            // Not a loop whose iterations are its own: nothing to measure.
            return handler;
        }
        return new MeasuredHandler(handler, (SingleThreadIoEventLoop) executor);
    }

    @Override
    public boolean isChangingThreadSupported() {
        return factory.isChangingThreadSupported();
    }

    @Override
    public String toString() {
        return "LoopMeter(" + factory + ')';
    }

    private static final class MeasuredHandler extends ForwardingIoHandler implements IoHandlerContext {
        private final SingleThreadIoEventLoop loop;
        /** The loop's metrics, looked up on its first iteration (the loop is still being built when this is made). */
        private LoopRecorder metrics;
        /** The context of the current {@link #run}. */
        private IoHandlerContext context;
        /** Event handling the handler reported in its last run. */
        private long ioNanos;
        /** When the last run returned, or 0 before the first (and after the loop resumed from a suspension). */
        private long runEnd;

        MeasuredHandler(IoHandler handler, SingleThreadIoEventLoop loop) {
            super(handler);
            this.loop = loop;
        }

        @Override
        public int run(IoHandlerContext context) {
            long start = System.nanoTime();
            if (metrics == null) {
                metrics = LoopRecorders.of(loop);
            }
            // Shutting down, the loop sleeps in its quiet period between iterations: those are not its work.
            if (runEnd != 0 && !loop.isShuttingDown()) {
                metrics.loopIteration(ioNanos, start - runEnd);
            }
            this.context = context;
            ioNanos = 0;
            try {
                return handler.run(this);
            } finally {
                this.context = null;
                runEnd = System.nanoTime();
            }
        }

        // The context the transport's handler sees: the loop's own, asking for the time spent on events.

        @Override
        public boolean canBlock() {
            return context.canBlock();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return context.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return context.deadlineNanos();
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return true;
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            ioNanos += activeNanos;
            if (context.shouldReportActiveIoTime()) {
                context.reportActiveIoTime(activeNanos);
            }
        }

        // Everything else is the transport's handler's.

        @Override
        public void initialize() {
            // Also when the loop resumes after a suspension: the time it was suspended is no iteration.
            runEnd = 0;
            handler.initialize();
        }

        @Override
        public String toString() {
            return "Measured(" + handler + ')';
        }
    }
}
