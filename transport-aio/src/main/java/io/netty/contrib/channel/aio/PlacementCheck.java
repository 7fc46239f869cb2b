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
 * handler between it and the socket goes to the socket as it is ({@code sendfile} on the loop) and only the metrics
 * show it. The check is a probe at the head of the pipeline, nearest the socket, that waits for the first
 * {@link FileRegion}: if the handler has not been given one by then, the region went round it, and a warning says so
 * once per pipeline layout. Then the probe removes itself.
 *
 * <p>A pipeline layout is the channel's class and the handlers between the handler and the socket when it was added;
 * the channels of one server share it. Only the first {@value #PROBES_PER_LAYOUT} channels of a layout get a probe,
 * and at most {@value #MAX_LAYOUTS} layouts are remembered: every other channel costs one map lookup when its handler
 * is added. Under TLS the probe sees only the {@code SslHandler}'s bytes (a region cannot pass it) and decides
 * nothing.
 */
final class PlacementCheck {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileRegionHandler.class);

    static final int PROBES_PER_LAYOUT = 2;
    static final int MAX_LAYOUTS = 1024;

    /** Probes handed out per layout; a layout already warned about gets no more. */
    private static final Map<String, AtomicInteger> PROBES = new ConcurrentHashMap<>();

    private PlacementCheck() {
    }

    /**
     * Puts a probe at the head of the pipeline if this layout still wants one.
     *
     * @param ctx the context of the handler, just added
     * @param sawRegion {@code true} once the handler has been given a {@link FileRegion} (read on the channel's loop)
     */
    static void probe(ChannelHandlerContext ctx, BooleanSupplier sawRegion) {
        String layout = layout(ctx);
        AtomicInteger given = PROBES.get(layout);
        if (given == null) {
            if (PROBES.size() >= MAX_LAYOUTS) {
                return;
            }
            given = PROBES.computeIfAbsent(layout, k -> new AtomicInteger());
        }
        if (given.get() >= PROBES_PER_LAYOUT || given.incrementAndGet() > PROBES_PER_LAYOUT) {
            return;
        }
        ctx.pipeline().addFirst(new Probe(ctx, layout, sawRegion));
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

    /** Forwards everything; at the first {@link FileRegion}, decides and leaves the pipeline. */
    private static final class Probe extends ChannelOutboundHandlerAdapter {

        private final ChannelHandlerContext handler;
        private final String layout;
        private final BooleanSupplier sawRegion;

        Probe(ChannelHandlerContext handler, String layout, BooleanSupplier sawRegion) {
            this.handler = handler;
            this.layout = layout;
            this.sawRegion = sawRegion;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof FileRegion)) {
                ctx.write(msg, promise);
                return;
            }
            boolean bypassed = !handler.isRemoved() && !sawRegion.getAsBoolean();
            ctx.write(msg, promise);
            ctx.pipeline().remove(this);
            if (bypassed) {
                // No more probes for this layout: it is known.
                PROBES.get(layout).set(Integer.MAX_VALUE);
                logger.warn("{}: a {} reached the socket without passing through the AioFileRegionHandler; it is "
                        + "sent as it is, not through AIO. Put the handler nearest the socket (right after the "
                        + "SslHandler under TLS), before the handlers that write file regions. Handlers between it "
                        + "and the socket: {}", ctx.channel().getClass().getSimpleName(),
                        msg.getClass().getSimpleName(), handlersBefore(layout));
            }
        }

        private static String handlersBefore(String layout) {
            int space = layout.indexOf(' ');
            return space < 0 ? "none" : layout.substring(space + 1);
        }
    }
}
