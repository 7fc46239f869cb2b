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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private TransportWarnings warnings;
    private EventLoopGroup group;
    private File file;
    private byte[] expected;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        file = TestFiles.create(TestFiles.directory("placement"), "body.bin", 200_000, 9);
        expected = Files.readAllBytes(file.toPath());
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        warnings = TransportWarnings.collect();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (warnings != null) {
            warnings.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aHandlerAfterTheRegionWriterIsFoundOnceAndTheBytesStillArrive() throws Exception {
        // The layout: MisplacedMarker, the writer, then the handler: the writer's regions go straight to the socket.
        BlockingQueue<Boolean> probed = new LinkedBlockingQueue<>();
        Channel server = serve(p -> {
            p.addLast(new MisplacedMarker(), new RegionWriter(file));
            p.addLast(new AioFileRegionHandler());
        }, probed);
        try {
            // Two connections open at once, both probed, both asking: still one warning.
            try (Socket first = connect(server); Socket second = connect(server)) {
                assertEquals(Boolean.TRUE, probed.poll(10, TimeUnit.SECONDS));
                assertEquals(Boolean.TRUE, probed.poll(10, TimeUnit.SECONDS));
                first.getOutputStream().write('\n');
                second.getOutputStream().write('\n');
                assertArrayEquals(expected, first.getInputStream().readAllBytes());
                assertArrayEquals(expected, second.getInputStream().readAllBytes());
            }
            // Known to be wrong: later channels of the layout carry no probe.
            try (Socket third = connect(server)) {
                assertEquals(Boolean.FALSE, probed.poll(10, TimeUnit.SECONDS));
                third.getOutputStream().write('\n');
                assertArrayEquals(expected, third.getInputStream().readAllBytes());
            }
        } finally {
            server.close().sync();
        }
        List<String> said = warningsAbout(MisplacedMarker.class.getName());
        assertEquals(1, said.size(), "one warning for the layout, not one per channel: " + warningsAbout(""));
        assertTrue(said.get(0).startsWith("EpollSocketChannel: a DefaultFileRegion reached the socket without "
                + "passing through the AioFileRegionHandler"), said.get(0));
    }

    @Test
    void aHandlerNearestTheSocketSeesTheRegionsAndNothingIsSaid() throws Exception {
        BlockingQueue<Boolean> probed = new LinkedBlockingQueue<>();
        Channel server = serve(p -> {
            p.addLast(new PlacedMarker(), new AioFileRegionHandler());
            p.addLast(new RegionWriter(file));
        }, probed);
        try {
            // A channel that closes before any region hands its turn on: the next one is probed instead.
            try (Socket idle = connect(server)) {
                assertEquals(Boolean.TRUE, probed.poll(10, TimeUnit.SECONDS));
            }
            for (int i = 0; i < PlacementCheck.PROBES_PER_LAYOUT + 1; i++) {
                try (Socket s = connect(server)) {
                    assertEquals(i < PlacementCheck.PROBES_PER_LAYOUT, probed.poll(10, TimeUnit.SECONDS),
                            "the first channels that decide are probed, later ones not: channel " + i);
                    s.getOutputStream().write('\n');
                    assertArrayEquals(expected, s.getInputStream().readAllBytes());
                }
            }
        } finally {
            server.close().sync();
        }
        assertEquals(List.of(), warningsAbout(PlacedMarker.class.getName()));
    }

    /** A server whose channels get {@code pipeline}; whether each got a probe lands in {@code probed}. */
    private Channel serve(Consumer<io.netty.channel.ChannelPipeline> pipeline, BlockingQueue<Boolean> probed)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch.pipeline());
                        probed.add(ch.pipeline().names().stream().anyMatch(n -> n.startsWith("PlacementCheck$Probe")));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static Socket connect(Channel server) throws IOException {
        Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private List<String> warningsAbout(String marker) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : warnings.records()) {
            if (r.getMessage().contains(marker)) {
                out.add(r.getMessage());
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
