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
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.contrib.channel.aio.ChunkWindowTest.ManualReader;
import io.netty.contrib.channel.aio.ChunkWindowTest.Read;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioChunkedInput} under a {@link ChunkedWriteHandler} on an {@link EmbeddedChannel}, its chunks read by a
 * reader that completes reads when the test says so: what the handler writes, in which order, when it goes on, how
 * far the input reads ahead of a peer that does not read, and what a close or a failed read leaves behind.
 */
class AioChunkedInputPipelineTest {

    private static final int CHUNK = 4096;
    /** Four whole chunks and a short last one. */
    private static final long LENGTH = 4L * CHUNK + 100;

    @TempDir
    Path dir;

    private final ManualReader reader = new ManualReader();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler());
    private FileChannel file;

    @BeforeEach
    void openFile() throws IOException {
        Path path = dir.resolve("range");
        Files.write(path, new byte[(int) LENGTH]);
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private AioChunkedInput input(int readAhead) {
        AioFileRegionConfig config = AioFileRegionConfig.builder().chunkSize(CHUNK).readAhead(readAhead).build();
        return new AioChunkedInput(channel, file, 0, LENGTH, config, reader);
    }

    /** The chunks the channel has written so far, taken out of its outbound queue. */
    private List<ByteBuf> written() {
        List<ByteBuf> out = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            out.add(buf);
        }
        return out;
    }

    /** Asserts that {@code buf} holds the file's bytes from {@code start}, and frees it as a peer's write would. */
    private static void assertChunk(ByteBuf buf, long start, long end) {
        assertEquals(end - start, buf.readableBytes(), "length of the chunk at " + start);
        for (long p = start; p < end; p++) {
            assertEquals(Read.byteAt(p), buf.getByte(buf.readerIndex() + (int) (p - start)), "byte at " + p);
        }
        assertTrue(buf.release());
    }

    @Test
    void chunksGoOutInFileOrderAndTheHandlerGoesOnWhenTheChunkItWaitsForArrives() {
        ChannelFuture write = channel.writeAndFlush(input(4));
        assertEquals(4, reader.reads.size(), "the read-ahead window");
        assertFalse(write.isDone());

        reader.reads.get(1).complete();
        reader.reads.get(3).complete();
        assertTrue(written().isEmpty(), "the first chunk is still being read");

        reader.reads.get(0).complete();
        List<ByteBuf> out = written();
        assertEquals(2, out.size(), "the first two chunks, once the first arrived");
        assertChunk(out.get(0), 0, CHUNK);
        assertChunk(out.get(1), CHUNK, 2 * CHUNK);
        assertEquals(5, reader.reads.size(), "the chunks freed made room for the last one");

        reader.reads.get(2).complete();
        reader.reads.get(4).complete();
        out = written();
        assertEquals(3, out.size());
        assertChunk(out.get(0), 2 * CHUNK, 3 * CHUNK);
        assertChunk(out.get(1), 3 * CHUNK, 4 * CHUNK);
        assertChunk(out.get(2), 4 * CHUNK, LENGTH);
        assertTrue(write.isSuccess());
        assertTrue(reader.closed, "the reader lets go once every chunk is out");
        assertFalse(file.isOpen(), "the input closes its file");
    }

    @Test
    void chunksAPeerHasNotReadYetHoldTheWindow() {
        ChannelFuture write = channel.writeAndFlush(input(2));
        reader.reads.get(0).complete();
        reader.reads.get(1).complete();
        List<ByteBuf> held = written();
        assertEquals(2, held.size());
        assertEquals(2, reader.reads.size(), "both chunks are written and not freed: nothing more is read");

        assertChunk(held.get(0), 0, CHUNK);
        assertEquals(3, reader.reads.size(), "one came back: one more is read");
        assertChunk(held.get(1), CHUNK, 2 * CHUNK);
        assertEquals(4, reader.reads.size());
        assertFalse(write.isDone());
        channel.close();
        assertTrue(write.isDone());
    }

    @Test
    void closingTheChannelClosesTheInputAndFreesEveryChunkOnItsWay() {
        ChannelFuture write = channel.writeAndFlush(input(4));
        ByteBuf ready = reader.reads.get(1).complete();
        channel.close();
        assertFalse(write.isSuccess());
        assertEquals(0, ready.refCnt(), "a chunk read and not handed out is freed with the input");
        assertFalse(file.isOpen());
        assertTrue(reader.closed);

        ByteBuf late = reader.reads.get(0).complete();
        assertEquals(0, late.refCnt(), "a read that completes after the close frees its chunk");
        assertEquals(4, reader.reads.size(), "nothing more is read");
        assertNull(channel.readOutbound());
    }

    @Test
    void aFailedReadFailsTheWriteWithItsCauseAndClosesTheInput() {
        ChannelFuture write = channel.writeAndFlush(input(4));
        reader.reads.get(0).complete();
        List<ByteBuf> out = written();
        assertEquals(1, out.size());
        assertChunk(out.get(0), 0, CHUNK);

        ByteBuf ready = reader.reads.get(2).complete();
        IOException cause = new IOException("EIO");
        reader.reads.get(1).sink().failed(cause);
        assertTrue(write.isDone());
        assertSame(cause, write.cause());
        assertEquals(0, ready.refCnt(), "the chunk read after the failed one is freed");
        assertFalse(file.isOpen());
        assertTrue(reader.closed);
        assertNull(channel.readOutbound());
    }
}
