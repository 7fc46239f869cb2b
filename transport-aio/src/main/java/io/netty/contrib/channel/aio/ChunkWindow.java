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

import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * The chunk engine of one range of a file, shared by {@link AioFileStream} and {@link AioChunkedInput}: starts the
 * reads that the read-ahead window and the channel's writability allow, keeps the chunks in file order whatever order
 * the disk completes them in, and hands out the head once it is read. A chunk handed out stays in the window until its
 * memory comes back ({@link #returned()}): a slow peer must not get the range buffered in its channel.
 * <p>
 * The window's rule: at most {@code readAhead} chunks (fewer when the reader is short of memory) are being read, ready,
 * or out; and no new chunk starts while the channel is not writable, unless none is under way at all, so that the disk
 * works while the socket drains. Used on the channel's event loop (also when the loop ends without closing the
 * channel: see {@link AioLoop.Owner}).
 */
final class ChunkWindow {

    /** The window's user: told when chunks arrive and reads fail, asked whether its channel takes more. */
    interface Listener {

        /** A chunk was read: the head may be ready now. Not called once the window is stopped. */
        void arrived();

        /** A chunk could not be read (see {@link ChunkReader.Sink#failed}). Not called once the window is stopped. */
        void readFailed(Throwable cause);

        /** {@code true} while the channel is writable: chunks would be written at once. */
        boolean isWritable();
    }

    private final ChunkReader reader;
    private final Listener listener;
    private final long end;
    private final int readAhead;
    /** Chunks asked of the reader and not handed out yet, in file order. */
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    /** The next byte to ask the reader for. */
    private long next;
    /** Chunks handed out whose memory has not come back: they still count against the window. */
    private int out;
    private boolean stopped;

    /**
     * A window over bytes {@code [start, end)}, read through {@code reader}.
     *
     * @param readAhead the configured read-ahead, in chunks (see {@link ChunkReader#readAhead})
     */
    ChunkWindow(ChunkReader reader, long start, long end, int readAhead, Listener listener) {
        this.reader = reader;
        this.listener = listener;
        this.end = end;
        this.readAhead = readAhead;
        next = start;
    }

    /**
     * Starts the reads the window allows, of chunks of {@code size} bytes that end on multiples of the reader's
     * alignment (the range's last chunk ends where the range ends). A read may complete at once, calling the listener
     * from inside this method.
     */
    void fill(int size) {
        int alignment = reader.alignment();
        boolean writable = listener.isWritable();
        int window = reader.readAhead(readAhead, writable);
        while (!stopped && next < end && chunks.size() + out < window
                && (chunks.isEmpty() && out == 0 || writable)) {
            long chunkStart = next;
            long chunkEnd = Math.min(end, chunkStart - chunkStart % alignment + size);
            next = chunkEnd;
            Chunk chunk = new Chunk(chunkStart, chunkEnd);
            chunks.add(chunk);
            reader.read(chunkStart, chunkEnd, chunk);
        }
    }

    /** {@code true} if the head chunk has been read: {@link #take()} would hand it out. */
    boolean isHeadReady() {
        Chunk head = chunks.peek();
        return !stopped && head != null && head.msg != null;
    }

    /**
     * Hands out the head chunk if it has been read: it counts against the window until {@link #returned()}.
     *
     * @return the chunk, whose {@link Chunk#take()} is its bytes; {@code null} if the head is still being read (or
     *         there is none, or the window is stopped)
     */
    Chunk take() {
        if (!isHeadReady()) {
            return null;
        }
        out++;
        return chunks.poll();
    }

    /** The memory of a chunk handed out came back (its write completed, or its buffer was freed). */
    void returned() {
        out--;
    }

    /**
     * Stops the window: no read starts any more, the chunks read and not handed out are released now, and a read
     * still in flight releases its chunk when it completes.
     */
    void stop() {
        stopped = true;
        for (Chunk chunk : chunks) {
            Object msg = chunk.msg;
            if (msg != null) {
                chunk.msg = null;
                ReferenceCountUtil.release(msg);
            }
        }
        chunks.clear();
    }

    boolean isStopped() {
        return stopped;
    }

    /** {@code true} if every chunk before {@code chunk} has been read: it is the next one to be handed out. */
    private boolean isNext(Chunk chunk) {
        for (Chunk c : chunks) {
            if (c == chunk) {
                return true;
            }
            if (c.msg == null) {
                return false;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "next: " + next + ", chunks: " + chunks.size() + ", out: " + out + (stopped ? ", stopped" : "");
    }

    /** One chunk of the range: asked of the reader, then its bytes, waiting for their turn to be handed out. */
    final class Chunk implements ChunkReader.Sink {
        final long start;
        final long end;
        /** The chunk once read (a {@code ByteBuf} or a {@code FileRegion}); {@code null} before, and once taken. */
        private Object msg;

        private Chunk(long start, long end) {
            this.start = start;
            this.end = end;
        }

        /** The chunk's bytes, which the caller owns from now on. */
        Object take() {
            Object m = msg;
            msg = null;
            return m;
        }

        /** {@code true} for the range's last chunk. */
        boolean isLast() {
            return end == ChunkWindow.this.end;
        }

        @Override
        public void filled(Object read) {
            if (stopped) {
                ReferenceCountUtil.release(read);
                return;
            }
            msg = read;
            listener.arrived();
        }

        @Override
        public void failed(Throwable cause) {
            if (!stopped) {
                listener.readFailed(cause);
            }
        }

        @Override
        public boolean isCancelled() {
            return stopped;
        }

        @Override
        public boolean isStalled() {
            return !listener.isWritable();
        }

        @Override
        public boolean isNext() {
            return ChunkWindow.this.isNext(this);
        }
    }
}
