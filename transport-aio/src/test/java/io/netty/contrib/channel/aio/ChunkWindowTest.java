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
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chunk engine on its own, with a reader that completes reads when the test says so: file order whatever order the
 * reads complete in, the read-ahead window and writability, stopping and failure.
 */
class ChunkWindowTest {

    /** A reader whose reads wait until the test completes them. */
    static final class ManualReader implements ChunkReader {
        final List<Read> reads = new ArrayList<>();
        int alignment = 1;
        boolean closed;

        @Override
        public int alignment() {
            return alignment;
        }

        @Override
        public int readAhead(int configured, boolean writable) {
            return configured;
        }

        @Override
        public void read(long start, long end, Sink sink) {
            reads.add(new Read(start, end, sink));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** One read asked of the reader. */
    record Read(long start, long end, ChunkReader.Sink sink) {
        /**
         * Completes the read with a direct buffer of the chunk's bytes (the byte at file position {@code p} is
         * {@link #byteAt}), and returns that buffer.
         */
        ByteBuf complete() {
            ByteBuf buf = Unpooled.directBuffer((int) (end - start));
            for (long p = start; p < end; p++) {
                buf.writeByte(byteAt(p));
            }
            sink.filled(buf);
            return buf;
        }

        /** The byte the reader gives for file position {@code p}. */
        static byte byteAt(long p) {
            return (byte) (p % 251);
        }
    }

    /** Records what the window tells it; the test sets writability. */
    static final class Recorder implements ChunkWindow.Listener {
        int arrivals;
        final List<Throwable> failures = new ArrayList<>();
        boolean writable = true;

        @Override
        public void arrived() {
            arrivals++;
        }

        @Override
        public void readFailed(Throwable cause) {
            failures.add(cause);
        }

        @Override
        public boolean isWritable() {
            return writable;
        }
    }

    private final ManualReader reader = new ManualReader();
    private final Recorder listener = new Recorder();

    private static void assertRead(Read read, long start, long end) {
        assertEquals(start, read.start(), "start");
        assertEquals(end, read.end(), "end");
    }

    @Test
    void chunksAreHandedOutInFileOrderWhateverOrderTheirReadsCompleteIn() {
        ChunkWindow window = new ChunkWindow(reader, 0, 10, 4, listener);
        window.fill(3);
        assertEquals(4, reader.reads.size());
        assertRead(reader.reads.get(0), 0, 3);
        assertRead(reader.reads.get(1), 3, 6);
        assertRead(reader.reads.get(2), 6, 9);
        assertRead(reader.reads.get(3), 9, 10);

        ByteBuf second = reader.reads.get(1).complete();
        ByteBuf fourth = reader.reads.get(3).complete();
        assertEquals(2, listener.arrivals);
        assertFalse(window.isHeadReady());
        assertNull(window.take(), "the head is still being read");
        assertFalse(reader.reads.get(1).sink().isNext(), "the first chunk is not read yet");

        ByteBuf first = reader.reads.get(0).complete();
        assertTrue(reader.reads.get(0).sink().isNext());
        assertTrue(reader.reads.get(2).sink().isNext(), "every chunk before the third has been read");
        assertFalse(reader.reads.get(3).sink().isNext());
        ChunkWindow.Chunk chunk = window.take();
        assertEquals(0, chunk.start);
        assertSame(first, chunk.take());
        assertSame(second, window.take().take());
        assertNull(window.take(), "the third is still being read, whatever came after it");

        ByteBuf third = reader.reads.get(2).complete();
        assertSame(third, window.take().take());
        ChunkWindow.Chunk last = window.take();
        assertTrue(last.isLast());
        assertSame(fourth, last.take());
        assertNull(window.take());
        for (ByteBuf buf : List.of(first, second, third, fourth)) {
            assertTrue(buf.release());
        }
    }

    @Test
    void chunksReadOrHandedOutAndNotReturnedFillTheWindow() {
        ChunkWindow window = new ChunkWindow(reader, 0, 100, 2, listener);
        window.fill(10);
        assertEquals(2, reader.reads.size());
        reader.reads.get(0).complete();
        reader.reads.get(1).complete();
        ByteBuf a = (ByteBuf) window.take().take();
        ByteBuf b = (ByteBuf) window.take().take();
        window.fill(10);
        assertEquals(2, reader.reads.size(), "both chunks are still out: a slow peer holds them");
        a.release();
        window.returned();
        window.fill(10);
        assertEquals(3, reader.reads.size(), "one came back: one more starts");
        assertRead(reader.reads.get(2), 20, 30);
        b.release();
    }

    @Test
    void whileTheChannelIsNotWritableAChunkStartsOnlyWhenNoneIsUnderWay() {
        listener.writable = false;
        ChunkWindow window = new ChunkWindow(reader, 0, 100, 4, listener);
        window.fill(10);
        assertEquals(1, reader.reads.size(), "one chunk, so that the disk works while the socket drains");
        assertTrue(reader.reads.get(0).sink().isStalled());
        window.fill(10);
        assertEquals(1, reader.reads.size());
        reader.reads.get(0).complete();
        ByteBuf out = (ByteBuf) window.take().take();
        window.fill(10);
        assertEquals(1, reader.reads.size(), "one chunk out: nothing starts");
        out.release();
        window.returned();
        window.fill(10);
        assertEquals(2, reader.reads.size());

        listener.writable = true;
        assertFalse(reader.reads.get(1).sink().isStalled());
        window.fill(10);
        assertEquals(5, reader.reads.size(), "writable again: the whole window");
        window.stop();
    }

    @Test
    void chunksEndOnMultiplesOfTheAlignmentAndTheRangeEndsWhereItEnds() {
        reader.alignment = 4096;
        ChunkWindow window = new ChunkWindow(reader, 100, 20_000, 8, listener);
        window.fill(8192);
        assertEquals(3, reader.reads.size());
        assertRead(reader.reads.get(0), 100, 8192);
        assertRead(reader.reads.get(1), 8192, 16384);
        assertRead(reader.reads.get(2), 16384, 20_000);
        window.stop();
    }

    @Test
    void stoppingReleasesReadyChunksAndEveryChunkThatArrivesAfter() {
        ChunkWindow window = new ChunkWindow(reader, 0, 30, 3, listener);
        window.fill(10);
        ByteBuf ready = reader.reads.get(0).complete();
        window.stop();
        assertTrue(window.isStopped());
        assertEquals(0, ready.refCnt(), "a chunk read and not handed out is freed at once");
        assertTrue(reader.reads.get(1).sink().isCancelled(), "a read not started need not be done");

        ByteBuf late = reader.reads.get(1).complete();
        assertEquals(0, late.refCnt(), "a chunk that arrives after is freed as it arrives");
        reader.reads.get(2).sink().failed(new IOException("after"));
        assertEquals(1, listener.arrivals, "nothing is reported after the stop");
        assertTrue(listener.failures.isEmpty());
        assertNull(window.take());
        window.fill(10);
        assertEquals(3, reader.reads.size(), "no read starts after the stop");
    }

    @Test
    void aFailedReadIsReportedToTheListener() {
        ChunkWindow window = new ChunkWindow(reader, 0, 30, 3, listener);
        window.fill(10);
        IOException cause = new IOException("EIO");
        reader.reads.get(1).sink().failed(cause);
        assertEquals(List.of(cause), listener.failures);
        window.stop();
    }
}
