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

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.ObjectUtil;

/**
 * An event loop's I/O handler with the loop's AIO state as part of it: wraps the transport's own handler (epoll or
 * io_uring), gives every loop made with it one {@link AioLoopConfig}, and ends the loop's AIO state on the loop's thread
 * when Netty destroys the handler. For example:
 * <pre>{@code
 * AioLoopConfig aio = AioLoopConfig.builder().memoryBudgetBytes(256 << 20).build();
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(AioIoHandler.newFactory(EpollIoHandler.newFactory(), aio));
 * }</pre>
 *
 * <p>Optional: {@link AioFileRegionHandler}, {@link AioChunkedInput} and {@link AioFileSink} work on a plain epoll or
 * io_uring loop too. There the loop's AIO state is made by its first user, with that user's
 * {@link AioFileRegionConfig#loopConfig()} (or {@link AioLoopConfig#DEFAULT}), and ended when the loop's thread ends.
 * A loop made with this factory uses the configuration given here whatever its users ask for (a different one asked
 * for is logged once, at WARN); its AIO state is still made lazily, by the first file delivered or written (an
 * {@code io_setup} and an eventfd per loop that uses AIO, none for one that does not). A loop whose thread Netty does not
 * end with it (a {@code ManualIoEventLoop}) has AIO only when made with this factory, which ends its AIO state in
 * {@code destroy()}; without it, its regions, chunked inputs and sinks take their fallbacks, counted as
 * {@link AioMetrics.Fallback#UNSUPPORTED_LOOP}.
 *
 * <p>The loop's handler is this wrapper: {@code isIoType(EpollIoHandler.class)} answers {@code false}; Netty's
 * channels ask {@code isCompatible}, which is passed through. It combines with {@link AioMetrics#measured}, in either
 * order.
 */
public final class AioIoHandler extends ForwardingIoHandler {

    private final IoEventLoop loop;
    private final AioLoopConfig config;
    /** The loop's AIO slot; a new one after the loop resumed from a suspension that ended the last. */
    private LoopSlot slot;

    private AioIoHandler(IoHandler handler, IoEventLoop loop, AioLoopConfig config) {
        super(handler);
        this.loop = loop;
        this.config = config;
    }

    /**
     * A factory of handlers that wrap {@code factory}'s, with AIO on {@link AioLoopConfig#DEFAULT}.
     *
     * @param factory the transport's factory, for example {@code EpollIoHandler.newFactory()}
     * @return the factory to make the event loop group with
     */
    public static IoHandlerFactory newFactory(IoHandlerFactory factory) {
        return newFactory(factory, AioLoopConfig.DEFAULT);
    }

    /**
     * A factory of handlers that wrap {@code factory}'s, each loop's AIO state set up with {@code config}.
     *
     * @param factory the transport's factory, for example {@code EpollIoHandler.newFactory()} or
     *        {@code IoUringIoHandler.newFactory()}
     * @param config the settings of every loop's AIO state
     * @return the factory to make the event loop group with
     */
    public static IoHandlerFactory newFactory(IoHandlerFactory factory, AioLoopConfig config) {
        ObjectUtil.checkNotNull(factory, "factory");
        ObjectUtil.checkNotNull(config, "config");
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                IoHandler handler = factory.newHandler(executor);
                if (!(executor instanceof IoEventLoop)) {
                    // Not a loop channels register with: nothing of AIO can run on it.
                    return handler;
                }
                return new AioIoHandler(handler, (IoEventLoop) executor, config);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return factory.isChangingThreadSupported();
            }

            @Override
            public String toString() {
                return "AioIoHandler.factory(" + factory + ", " + config + ')';
            }
        };
    }

    /** Also called when the loop resumes after a suspension, perhaps on another thread. */
    @Override
    public void initialize() {
        handler.initialize();
        if (slot == null || slot.isEnded()) {
            slot = new LoopSlot(loop, config);
        }
        slot.bind();
    }

    /** Destroys the transport's handler, then ends the loop's AIO state, on the loop's thread. */
    @Override
    public void destroy() {
        try {
            handler.destroy();
        } finally {
            if (slot != null) {
                slot.unbind();
            }
        }
    }

    @Override
    public String toString() {
        return "AioIoHandler(" + handler + ", " + config + ')';
    }
}
