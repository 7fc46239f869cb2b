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
import io.netty.channel.Channel;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The bytes given to an {@link AioFileSink}, turned into blocks: the data that waits for a block, the block being
 * filled, and the sealed blocks that wait to be written, in file order. Through AIO a block comes from the loop's chunk
 * pool within its memory budget, and data waits while the budget has no room; for blocking writes, from the channel's
 * allocator. Used on the channel's event loop.
 */
final class SinkBlocks {

    /** The size of a block begun while the loop's memory budget is more than half in use. */
    private static final int SHORT_BLOCK_SIZE = 64 << 10;

    private final Channel channel;
    /** The loop's AIO state, or {@code null} for blocking writes. */
    private final AioLoop aio;
    private final SinkFile out;
    private final int blockSize;
    private final SinkWrite.Listener listener;
    /** Why a block cannot be had once the loop's AIO state closed. */
    private final Supplier<IOException> loopGone;
    /** Runs once memory comes back, after {@link #copyHeld} stopped for lack of it. */
    private final Runnable memoryReturned;
    /**
     * Data that waits for a block: the loop's memory budget had no room. The sink pauses reading while there is any,
     * so that it holds at most what one read of the channel brought.
     */
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private final ArrayDeque<SinkWrite> queued = new ArrayDeque<>();
    /** The block being filled, or {@code null}. */
    private SinkWrite block;
    private boolean waitingForMemory;
    /** Bytes taken into blocks: the file's length so far. */
    private long received;

    SinkBlocks(Channel channel, AioLoop aio, SinkFile out, int blockSize, SinkWrite.Listener listener,
               Supplier<IOException> loopGone, Runnable memoryReturned) {
        this.channel = channel;
        this.aio = aio;
        this.out = out;
        this.blockSize = blockSize;
        this.listener = listener;
        this.loopGone = loopGone;
        this.memoryReturned = memoryReturned;
    }

    /** Bytes copied into blocks so far. */
    long received() {
        return received;
    }

    /** Keeps {@code data} (released once copied) for {@link #copyHeld}. */
    void hold(ByteBuf data) {
        held.add(data);
    }

    boolean hasHeld() {
        return !held.isEmpty();
    }

    /** Sealed blocks waiting to be written. */
    int queuedCount() {
        return queued.size();
    }

    /** {@code true} if nothing waits: no data, no block being filled, no block to write. */
    boolean isEmpty() {
        return held.isEmpty() && block == null && queued.isEmpty();
    }

    /** The next block to write, or {@code null}. */
    SinkWrite peekQueued() {
        return queued.peek();
    }

    SinkWrite pollQueued() {
        return queued.poll();
    }

    /**
     * Copies the data that waits into blocks, in order, sealing each full one. When no block can be had (the loop's
     * memory budget is in use), the rest waits for memory to come back, and then {@code memoryReturned} runs.
     *
     * @throws IOException if direct memory ran out, or the loop's AIO state closed
     */
    void copyHeld() throws IOException {
        while (!held.isEmpty()) {
            ByteBuf data = held.peek();
            while (data.isReadable()) {
                if (block == null) {
                    block = newBlock();
                    if (block == null) {
                        waitForMemory();
                        return;
                    }
                }
                ByteBuf buf = block.buffer;
                int n = Math.min(data.readableBytes(), block.index + block.capacity - buf.writerIndex());
                buf.writeBytes(data, n);
                received += n;
                if (buf.writerIndex() == block.index + block.capacity) {
                    seal();
                }
            }
            held.poll().release();
        }
    }

    /** The last block: once no data waits, the block being filled (if any) is sealed as it is. */
    void sealLast() {
        if (held.isEmpty() && block != null) {
            seal();
        }
    }

    /** The sink failed: every buffer not under a write is freed, and the blocks' offsets count as lost. */
    void freeAll() {
        if (block != null) {
            out.lost(received - block.buffer.readableBytes());
            block.free();
            block = null;
        }
        while (!queued.isEmpty()) {
            SinkWrite w = queued.poll();
            out.lost(w.offset);
            w.free();
        }
        while (!held.isEmpty()) {
            held.poll().release();
        }
    }

    private void waitForMemory() {
        if (!waitingForMemory) {
            waitingForMemory = true;
            aio.memory().whenMemoryReturns(() -> {
                waitingForMemory = false;
                memoryReturned.run();
            });
        }
    }

    /**
     * A block to fill: through AIO, from the loop's chunk pool within its memory budget ({@code null} if it has no
     * room now), of {@link #SHORT_BLOCK_SIZE} while the budget is more than half in use (an upload whose client pauses
     * holds the block it is filling); for blocking writes, from the channel's allocator.
     *
     * @throws IOException if direct memory ran out (for a blocking write's block; for an AIO block when the loop
     *         holds none that could come back), or the loop's AIO state closed
     */
    private SinkWrite newBlock() throws IOException {
        ByteBuf buf;
        int capacity = blockSize;
        if (aio != null) {
            if (aio.isClosed()) {
                throw loopGone.get();
            }
            if (aio.memory().isShortOfMemory() && blockSize > SHORT_BLOCK_SIZE
                    && SHORT_BLOCK_SIZE % out.alignment == 0) {
                capacity = SHORT_BLOCK_SIZE;
            }
            buf = aio.memory().tryAllocate(capacity, out.memoryAlignment);
            if (buf == null) {
                if (aio.memory().isOutOfDirectMemory()) {
                    throw new IOException("no direct memory for a block of " + capacity + " bytes of " + out.file
                            + ": the JVM's direct memory is used up, and the loop holds none to give back");
                }
                return null;
            }
        } else {
            try {
                buf = channel.alloc().directBuffer(blockSize);
            } catch (OutOfMemoryError e) {
                throw new IOException("no direct memory for a block of " + blockSize + " bytes of " + out.file, e);
            }
        }
        SinkWrite w = new SinkWrite(listener);
        w.buffer = buf;
        w.capacity = capacity;
        w.index = LoopMemory.alignedIndex(buf, out.memoryAlignment);
        buf.setIndex(w.index, w.index);
        return w;
    }

    /** The block being filled is done: it is queued for writing, padded to the alignment if it is the last. */
    private void seal() {
        SinkWrite w = block;
        block = null;
        ByteBuf buf = w.buffer;
        int data = buf.readableBytes();
        if (data == 0) {
            w.free();
            return;
        }
        int padded = (int) out.roundUp(data);
        buf.writeZero(padded - data);
        w.length = padded;
        w.offset = received - data;
        queued.add(w);
    }
}
