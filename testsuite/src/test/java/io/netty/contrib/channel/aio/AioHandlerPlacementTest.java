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

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An {@link AioFileRegionHandler} added after the handler that writes the regions never sees them: the first
 * channels of that pipeline layout find it out and one warning says so; placed nearest the socket, nothing is said.
 * Both serve the right bytes, over a real epoll socket.
 */
class AioHandlerPlacementTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    /** Held, so that the handler stays attached: {@link Logger}s are only weakly referenced by their manager. */
    private static final Logger TRANSPORT_LOGGER = Logger.getLogger("io.netty.contrib.channel.aio");

    private final List<String> warnings = new ArrayList<>();
    private final Handler collector = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(record.getMessage());
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private EventLoopGroup group;
    private File file;
    private byte[] expected;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        file = TestFiles.create(TestFiles.directory("placement"), "body.bin", 200_000, 9);
        expected = Files.readAllBytes(file.toPath());
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        TRANSPORT_LOGGER.addHandler(collector);
    }

    @AfterEach
    void tearDown() throws Exception {
        TRANSPORT_LOGGER.removeHandler(collector);
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aHandlerAfterTheRegionWriterIsFoundOnceAndTheBytesStillArrive() throws Exception {
        // The layout: MisplacedMarker, the writer, then the handler: the writer's regions go straight to the socket.
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = serve(p -> {
            p.addLast(new MisplacedMarker(), new RegionWriter(file));
            p.addLast(new AioFileRegionHandler());
        }, children);
        try {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(expected, download(server));
                Channel child = children.poll(10, TimeUnit.SECONDS);
                assertNotNull(child);
                assertFalse(hasProbe(child), "the probe left once it decided");
            }
        } finally {
            server.close().sync();
        }
        List<String> said = warningsAbout(MisplacedMarker.class.getName());
        assertEquals(1, said.size(), "one warning for the layout, not one per channel: " + warnings);
        assertTrue(said.get(0).startsWith("EpollSocketChannel: a DefaultFileRegion reached the socket without "
                + "passing through the AioFileRegionHandler"), said.get(0));
    }

    @Test
    void aHandlerNearestTheSocketSeesTheRegionsAndNothingIsSaid() throws Exception {
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = serve(p -> {
            p.addLast(new PlacedMarker(), new AioFileRegionHandler());
            p.addLast(new RegionWriter(file));
        }, children);
        try {
            for (int i = 0; i < PlacementCheck.PROBES_PER_LAYOUT + 1; i++) {
                assertArrayEquals(expected, download(server));
                Channel child = children.poll(10, TimeUnit.SECONDS);
                assertNotNull(child);
                if (i == PlacementCheck.PROBES_PER_LAYOUT) {
                    assertFalse(hasProbe(child), "a layout's later channels get no probe");
                }
            }
        } finally {
            server.close().sync();
        }
        assertEquals(List.of(), warningsAbout(PlacedMarker.class.getName()));
    }

    private Channel serve(Consumer<io.netty.channel.ChannelPipeline> pipeline, BlockingQueue<Channel> children)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch.pipeline());
                        children.add(ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Connects, asks, and reads until the server closes: the file's bytes. */
    private static byte[] download(Channel server) throws Exception {
        try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write('\n');
            InputStream in = s.getInputStream();
            return in.readAllBytes();
        }
    }

    /** Whether the channel's pipeline still has the placement probe, asked on its loop. */
    private static boolean hasProbe(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> ch.pipeline().names().stream()
                .anyMatch(n -> n.startsWith("PlacementCheck$Probe"))).get(10, TimeUnit.SECONDS);
    }

    private List<String> warningsAbout(String marker) {
        List<String> out = new ArrayList<>();
        synchronized (warnings) {
            for (String w : warnings) {
                if (w.contains(marker)) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** Writes the whole file as a region when a byte comes in, then closes. */
    private static final class RegionWriter extends ChannelInboundHandlerAdapter {
        private final File file;

        RegionWriter(File file) {
            this.file = file;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
            if (ctx.channel().attr(SENT).setIfAbsent(Boolean.TRUE) == null) {
                ctx.writeAndFlush(new DefaultFileRegion(file, 0, file.length()))
                        .addListener(f -> ctx.close());
            }
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> SENT = io.netty.util.AttributeKey.valueOf("sent");

    /** Does nothing; makes the misplaced layout this test's own. */
    private static final class MisplacedMarker extends ChannelDuplexHandler {
    }

    /** Does nothing; makes the well placed layout this test's own. */
    private static final class PlacedMarker extends ChannelDuplexHandler {
    }
}
