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

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.contrib.channel.aio.ChunkWindowTest.ManualReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A region streamed to an {@link EmbeddedChannel} through a reader whose reads complete when the test says so: the
 * chunks are written in file order, the channel's writability and writes that have not completed hold reads back,
 * and a failed read or write fails the region and frees its chunks.
 */
class AioFileStreamTest {

    private static final int CHUNK = 4096;
    private static final AioFileRegionConfig CONFIG = AioFileRegionConfig.builder().chunkSize(CHUNK).readAhead(4)
            .build();

    /** Between the stream and the channel: holds the chunks written while {@link #holding}, as a slow socket would. */
    static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        final ArrayDeque<ByteBuf> messages = new ArrayDeque<>();
        final ArrayDeque<ChannelPromise> promises = new ArrayDeque<>();
        boolean holding;
        ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (holding && msg instanceof ByteBuf) {
                messages.add((ByteBuf) msg);
                promises.add(promise);
            } else {
                ctx.write(msg, promise);
            }
        }

        /** Lets the oldest held write through to the channel, which completes it. */
        void letThrough() {
            ctx.writeAndFlush(messages.poll(), promises.poll());
        }

        /** Fails the oldest held write, freeing its chunk as the channel would. */
        void fail(Throwable cause) {
            messages.poll().release();
            promises.poll().setFailure(cause);
        }
    }

    private final ManualReader reader = new ManualReader();
    private final HeldWrites held = new HeldWrites();
    private final List<Object> done = new ArrayList<>();
    private File file;
    private EmbeddedChannel channel;
    private AioFileStream stream;

    @BeforeEach
    void setUp() throws IOException {
        file = File.createTempFile("aio-file-stream", ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(8 * CHUNK);
        }
        channel = new EmbeddedChannel(held, new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                stream = new AioFileStream(ctx, (DefaultFileRegion) msg, promise, reader, CONFIG);
                stream.start(cause -> done.add(cause == null ? "done" : cause));
            }
        });
    }

    @AfterEach
    void tearDown() throws IOException {
        held.messages.forEach(ByteBuf::release);
        channel.finishAndReleaseAll();
        Files.delete(file.toPath());
    }

    private ChannelPromise writeRegion(long position, long count) {
        DefaultFileRegion region = new DefaultFileRegion(file, position, count);
        ChannelPromise promise = channel.newPromise();
        channel.writeAndFlush(region, promise);
        return promise;
    }

    @Test
    void chunksAreWrittenInFileOrderAndThePromiseCompletesAfterTheLast() {
        reader.alignment = CHUNK; // as for O_DIRECT
        ChannelPromise promise = writeRegion(100, 3 * CHUNK);
        assertEquals(4, reader.reads.size(), "the window: 4 chunks, the first ending on the alignment");
        assertEquals(CHUNK, reader.reads.get(0).end());
        ByteBuf third = reader.reads.get(2).complete();
        ByteBuf second = reader.reads.get(1).complete();
        assertNull(channel.readOutbound(), "nothing before the first chunk");
        ByteBuf first = reader.reads.get(0).complete();
        assertSame(first, channel.readOutbound());
        assertSame(second, channel.readOutbound());
        assertSame(third, channel.readOutbound());
        assertFalse(promise.isDone());
        ByteBuf fourth = reader.reads.get(3).complete();
        assertSame(fourth, channel.readOutbound());
        assertTrue(promise.isSuccess());
        assertEquals(List.of("done"), done);
        assertTrue(reader.closed, "the reader is closed with the last chunk");
        for (ByteBuf buf : List.of(first, second, third, fourth)) {
            buf.release();
        }
    }

    @Test
    void anUnwritableChannelHoldsReadsBackUntilItDrains() {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        writeRegion(0, 4 * CHUNK);
        assertEquals(1, reader.reads.size(), "one chunk while the channel is not writable");
        reader.reads.get(0).complete();
        ((ByteBuf) channel.readOutbound()).release();
        assertEquals(2, reader.reads.size(), "its write completed: the next one, still one at a time");
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        stream.resume();
        assertEquals(4, reader.reads.size(), "writable again: the rest of the window");
        for (int i = 1; i < 4; i++) {
            reader.reads.get(i).complete();
            ((ByteBuf) channel.readOutbound()).release();
        }
        assertEquals(List.of("done"), done);
    }

    @Test
    void aFailedReadFailsTheRegionFreesItsChunksAndClosesTheChannel() {
        ChannelPromise promise = writeRegion(0, 4 * CHUNK);
        ByteBuf ready = reader.reads.get(1).complete();
        IOException cause = new IOException("EIO");
        reader.reads.get(0).sink().failed(cause);
        assertSame(cause, promise.cause());
        assertEquals(List.of(cause), done);
        assertEquals(0, ready.refCnt(), "a chunk read ahead is freed");
        assertTrue(reader.closed);
        assertFalse(channel.isOpen(), "the peer must not wait for the rest");
        ByteBuf late = reader.reads.get(2).complete();
        assertEquals(0, late.refCnt(), "a chunk that arrives after the failure is freed");
        assertNull(channel.readOutbound());
    }

    @Test
    void writesThatHaveNotCompletedHoldTheWindowAndProgressFollowsThem() {
        held.holding = true;
        List<Long> progress = new ArrayList<>();
        ChannelProgressivePromise promise = channel.newProgressivePromise();
        promise.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long sent, long total) {
                progress.add(sent);
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
            }
        });
        channel.writeAndFlush(new DefaultFileRegion(file, 0, 4 * CHUNK), promise);
        for (int i = 0; i < 4; i++) {
            reader.reads.get(i).complete();
        }
        assertEquals(4, held.messages.size());
        assertTrue(progress.isEmpty(), "no write has completed");
        assertEquals(List.of("done"), done, "every chunk is written: the stream no longer needs the channel");
        assertFalse(promise.isDone(), "the promise waits for the writes");
        for (int i = 1; i <= 4; i++) {
            held.letThrough();
            ((ByteBuf) channel.readOutbound()).release();
            assertEquals((long) i * CHUNK, progress.get(progress.size() - 1));
        }
        assertTrue(promise.isSuccess());
    }

    @Test
    void writesThatHaveNotCompletedHoldTheReadAheadWindow() {
        held.holding = true;
        writeRegion(0, 8 * CHUNK);
        assertEquals(4, reader.reads.size(), "the window");
        for (int i = 0; i < 4; i++) {
            reader.reads.get(i).complete();
        }
        assertEquals(4, held.messages.size());
        assertEquals(4, reader.reads.size(), "four chunks on their way to the peer: nothing more is read");
        held.letThrough();
        ((ByteBuf) channel.readOutbound()).release();
        assertEquals(5, reader.reads.size(), "one write completed: one more read");
    }

    @Test
    void aFailedWriteFailsTheRegionAndFreesWhatArrivesAfter() {
        held.holding = true;
        ChannelPromise promise = writeRegion(0, 4 * CHUNK);
        reader.reads.get(0).complete();
        assertEquals(1, held.messages.size());
        IOException cause = new IOException("Connection reset by peer");
        held.fail(cause);
        assertSame(cause, promise.cause());
        assertEquals(List.of(cause), done);
        assertTrue(reader.closed);
        ByteBuf late = reader.reads.get(1).complete();
        assertEquals(0, late.refCnt(), "a chunk that arrives after the failure is freed");
        assertTrue(held.messages.isEmpty(), "nothing is written after the failure");
    }
}
