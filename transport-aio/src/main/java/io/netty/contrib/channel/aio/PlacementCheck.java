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

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Finds an {@link AioFileRegionHandler} placed where file regions do not pass through it: a region written by a
 * handler between it and the socket goes to the socket as it is (the transport's own path: {@code sendfile},
 * {@code splice} or {@code transferTo}, on the loop) and only the metrics show it. The check is a probe at the head of
 * the pipeline, nearest the socket, that looks at what is written until it can decide: a {@link FileRegion} that
 * reaches it before the handler has been given one went round the handler, and a warning says so, once per pipeline
 * layout; anything that reaches it after the handler was given a region says the handler is in the way, as it should
 * be. Either way the probe then leaves the pipeline.
 *
 * <p>A pipeline layout is the channel's class and the handlers between the handler and the socket when it was added;
 * the channels of one server share it. At most {@value #PROBES_PER_LAYOUT} channels of a layout carry a probe at a
 * time, until that many have decided; a channel that closes before deciding (a listing, a 404, a port scan) hands its
 * turn on. At most {@value #MAX_LAYOUTS} layouts are remembered. Other channels cost the layout's key (the class names
 * of the handlers before this one) and a map lookup when the handler is added.
 */
final class PlacementCheck {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileRegionHandler.class);

    static final int PROBES_PER_LAYOUT = 2;
    static final int MAX_LAYOUTS = 1024;
    /** The count of a layout found misplaced: no more probes, no second warning. */
    private static final int WARNED = Integer.MAX_VALUE;

    /** Per layout: probes carried now or decided; {@link #WARNED} once a region went round the handler. */
    private static final Map<String, AtomicInteger> PROBES = new ConcurrentHashMap<>();

    private PlacementCheck() {
    }

    /**
     * Puts a probe at the head of the pipeline if this layout still wants one.
     *
     * @param ctx the context of the handler, just added
     * @param sawRegion {@code true} once the handler has been given a {@link FileRegion}
     */
    static void probe(ChannelHandlerContext ctx, BooleanSupplier sawRegion) {
        String layout = layout(ctx);
        AtomicInteger turns = PROBES.get(layout);
        if (turns == null) {
            if (PROBES.size() >= MAX_LAYOUTS) {
                return;
            }
            turns = PROBES.computeIfAbsent(layout, k -> new AtomicInteger());
        }
        for (int n = turns.get(); ; n = turns.get()) {
            if (n >= PROBES_PER_LAYOUT) {
                return;
            }
            if (turns.compareAndSet(n, n + 1)) {
                break;
            }
        }
        ctx.pipeline().addFirst(new Probe(ctx, layout, turns, sawRegion));
    }
    /** The channel's class and the handlers between {@code ctx}'s handler and the socket, socket side first. */
    private static String layout(ChannelHandlerContext ctx) {
        StringBuilder sb = new StringBuilder(ctx.channel().getClass().getName());
        for (Map.Entry<String, ChannelHandler> e : ctx.pipeline()) {
            if (e.getValue() == ctx.handler()) {
                break;
            }
            if (e.getValue() instanceof ChannelInitializer) {
                continue; // gone once the channel is set up
            }
            sb.append(' ').append(e.getValue().getClass().getName());
        }
        return sb.toString();
    }

    /** Forwards everything; decides at the first write it can judge, then leaves the pipeline. */
    private static final class Probe extends ChannelOutboundHandlerAdapter {

        private final ChannelHandlerContext handler;
        private final String layout;
        private final AtomicInteger turns;
        private final BooleanSupplier sawRegion;
        private boolean decided;

        Probe(ChannelHandlerContext handler, String layout, AtomicInteger turns, BooleanSupplier sawRegion) {
            this.handler = handler;
            this.layout = layout;
            this.turns = turns;
            this.sawRegion = sawRegion;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!decided) {
                decide(ctx, msg);
            }
            ctx.write(msg, promise); // a removed context still forwards
        }

        private void decide(ChannelHandlerContext ctx, Object msg) {
            boolean gone = handler.isRemoved();
            boolean passed = !gone && sawRegion.getAsBoolean();
            boolean region = msg instanceof FileRegion;
            if (!gone && !passed && !region) {
                return; // bytes written before any region: nothing to judge by yet
            }
            decided = true;
            ctx.pipeline().remove(this); // before forwarding: a write that comes back in finds it decided
            if (gone) {
                giveBack(turns);
            } else if (region && !passed && turns.getAndSet(WARNED) != WARNED) {
                logger.warn("{}: a {} reached the socket without passing through the AioFileRegionHandler; it is "
                        + "sent as it is, not through AIO. Put the handler nearest the socket (right after the "
                        + "SslHandler under TLS), before the handlers that write file regions. Handlers between it "
                        + "and the socket: {}", ctx.channel().getClass().getSimpleName(),
                        msg.getClass().getSimpleName(), handlersBefore(layout));
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (!decided) {
                decided = true;
                giveBack(turns); // the channel closed, or the probe was taken out, before it could decide
            }
        }

        /** Hands a turn on to the next channel of the layout, unless the layout is already known to be wrong. */
        private static void giveBack(AtomicInteger turns) {
            for (int n = turns.get(); n != WARNED && n > 0; n = turns.get()) {
                if (turns.compareAndSet(n, n - 1)) {
                    return;
                }
            }
        }

        private static String handlersBefore(String layout) {
            int space = layout.indexOf(' ');
            return space < 0 ? "none" : layout.substring(space + 1);
        }
    }
}
