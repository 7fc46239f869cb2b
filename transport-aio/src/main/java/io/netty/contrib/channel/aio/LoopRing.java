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

import io.netty.channel.unix.Buffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The loop's own kernel AIO context: a fixed number of slots, each an {@link AioOperation} and its control block,
 * submitted in batches and reaped by slot. Used by {@link AioLoop} on the loop's thread only, so it skips what the
 * public {@link AioContext} checks for any caller: no compare-and-set on entry, no map from block addresses to blocks
 * (an event's {@code aio_data} is its slot), no buffer retained per block (an operation keeps its own buffer until it
 * ends: {@link AioOperation}).
 *
 * <p>Completions are reaped from the ring the kernel maps into the process ({@code struct aio_ring}, {@code fs/aio.c}):
 * the tail read with acquire ordering, the events between head and tail copied, the new head stored with release
 * ordering, as the kernel's own {@code io_getevents} does under its lock. Only this class consumes the ring, so
 * nothing races for its head; the kernel reads the head to know how much room it has. Used only if the ring's header
 * has the magic, the header length and no incompatible features this code knows ({@link #reapsInUserSpace()});
 * otherwise every reap is an {@code io_getevents} call.
 */
final class LoopRing {

    /** {@code struct aio_ring}'s fields, in bytes from the ring's start: {@code id, nr, head, tail, magic, ...}. */
    private static final int RING_NR = 4;
    private static final int RING_HEAD = 8;
    private static final int RING_TAIL = 12;
    private static final int RING_EVENTS = 32;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final long ctx;
    /** The kernel's ring, or {@code null}: reap with {@code io_getevents}. */
    private final ByteBuffer ring;
    private final LoopRecorder metrics;
    private final AioControlBlock[] blocks;
    private final AioOperation[] slots;
    private final int[] freeSlots;
    private int freeCount;
    /** Slots set up for the next {@code io_submit}, in order, from {@link #batchStart}. */
    private final int[] batch;
    private int batchStart;
    private int batchEnd;
    private final ByteBuffer pointers;
    /** Events for {@code io_getevents}, and what the last reap found: operations and their results. */
    private final ByteBuffer events;
    private final AioOperation[] reaped;
    private final long[] results;
    private final int resFd;
    private boolean destroyed;

    /**
     * @param slots operations in flight at most
     * @param contextEvents events asked of {@code io_setup}
     * @param maxReap events one reap returns at most
     * @param resFd the eventfd every completion signals ({@code IOCB_FLAG_RESFD})
     */
    LoopRing(int slots, int contextEvents, int maxReap, int resFd, LoopRecorder metrics) throws IOException {
        this(slots, contextEvents, maxReap, resFd, metrics, true);
    }

    /** As above; without {@code userSpace}, every reap is an {@code io_getevents} call (to compare the two). */
    LoopRing(int slots, int contextEvents, int maxReap, int resFd, LoopRecorder metrics, boolean userSpace)
            throws IOException {
        long res = Native.ioSetup(contextEvents);
        if (res < 0) {
            throw AioSetup.failure(contextEvents, res);
        }
        ctx = res;
        try {
            ring = userSpace ? Native.ringBuffer(ctx) : null;
            pointers = ByteBuffer.allocateDirect(slots * Long.BYTES).order(ByteOrder.nativeOrder());
            events = ByteBuffer.allocateDirect(maxReap * Native.SIZEOF_IO_EVENT).order(ByteOrder.nativeOrder());
        } catch (Throwable t) {
            // Nothing is in flight yet: the context goes at once.
            Native.ioDestroy(ctx);
            throw t;
        }
        this.metrics = metrics;
        this.resFd = resFd;
        blocks = new AioControlBlock[slots];
        this.slots = new AioOperation[slots];
        freeSlots = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeSlots[i] = slots - 1 - i;
        }
        freeCount = slots;
        batch = new int[slots];
        reaped = new AioOperation[maxReap];
        results = new long[maxReap];
    }

    /** {@code true} if the completions are read from the kernel's ring without a system call. */
    boolean reapsInUserSpace() {
        return ring != null;
    }

    /** {@code true} if a slot is free for {@link #stage}. */
    boolean hasRoom() {
        return freeCount > 0;
    }

    /** Operations submitted and not yet reaped. */
    int inFlight() {
        return slots.length - freeCount - (batchEnd - batchStart);
    }

    /** Operations staged for the next {@link #submit}. */
    int staged() {
        return batchEnd - batchStart;
    }

    /**
     * Gives {@code op} a free slot and sets up its block for the next {@link #submit}. Call only if {@link #hasRoom}.
     *
     * @throws RuntimeException if the operation's buffer cannot be read (not direct, a range outside it); the slot
     *         is free again and nothing is staged
     */
    void stage(AioOperation op) {
        if (batchEnd == batch.length) {
            // Staged and in flight together hold at most every slot: moving the staged ones to the front makes room.
            System.arraycopy(batch, batchStart, batch, 0, batchEnd - batchStart);
            batchEnd -= batchStart;
            batchStart = 0;
        }
        int slot = freeSlots[--freeCount];
        AioControlBlock iocb = block(slot);
        try {
            iocb.opcode(op.opcode).fd(op.fd).offset(op.offset);
            if (op.buffer != null) {
                // The operation keeps its buffer until it ends: the block holds only the address.
                iocb.buffer(Buffers.address(op.buffer, op.index, op.length), op.length);
            } else {
                // A sync: no buffer, and none of an earlier operation of this slot may stay attached.
                iocb.buffer(0L, 0L);
            }
        } catch (RuntimeException e) {
            freeSlots[freeCount++] = slot;
            throw e;
        }
        slots[slot] = op;
        batch[batchEnd++] = slot;
    }

    /**
     * One {@code io_submit} of the staged operations, in order; those it took are in flight (and counted as reads or
     * as writes and syncs), the rest stay staged, first in line.
     *
     * @return how many were submitted, or {@code -errno} if not even the first was (it stays staged)
     */
    int submit() {
        int n = batchEnd - batchStart;
        if (n == 0) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            pointers.putLong(i * Long.BYTES, blocks[batch[batchStart + i]].address());
        }
        int res = destroyed ? -Native.EINVAL : Native.ioSubmit(ctx, n, Buffer.memoryAddress(pointers));
        if (res > 0) {
            int writes = 0;
            for (int i = 0; i < res; i++) {
                if (slots[batch[batchStart + i]].kind() != AioOperation.Kind.READ) {
                    writes++;
                }
            }
            metrics.readsSubmitted(res - writes);
            metrics.writesSubmitted(writes);
            batchStart += res;
            resetBatchIfEmpty();
        }
        return res;
    }

    /** Takes the first staged operation out of the batch (the kernel refused it): its slot is free again. */
    AioOperation unstageFirst() {
        AioOperation op = free(batch[batchStart++]);
        resetBatchIfEmpty();
        return op;
    }

    /** Takes the last staged operation out of the batch: its slot is free again. */
    AioOperation unstageLast() {
        AioOperation op = free(batch[--batchEnd]);
        resetBatchIfEmpty();
        return op;
    }

    private void resetBatchIfEmpty() {
        if (batchStart == batchEnd) {
            batchStart = batchEnd = 0;
        }
    }

    /**
     * Reaps what has completed, at most {@code max} (and at most the {@code maxReap} given at construction) events,
     * without waiting; {@link #takeReaped} hands each out.
     *
     * @return how many, or {@code -errno}
     */
    int reap(int max) {
        if (destroyed) {
            // The ring is unmapped with the context: never read it again.
            return -Native.EINVAL;
        }
        int n = Math.min(max, reaped.length);
        return ring != null ? reapRing(n) : getEvents(0, n, 0);
    }

    /** Waits up to {@code timeoutNanos} for at least one completion and reaps up to {@code max}; or {@code -errno}. */
    int await(int max, long timeoutNanos) {
        return getEvents(1, Math.min(max, reaped.length), timeoutNanos);
    }

    /** The {@code i}th operation of the last reap (its slot is free again) and its {@link #result}. */
    AioOperation takeReaped(int i) {
        AioOperation op = reaped[i];
        reaped[i] = null;
        return op;
    }

    /** The kernel's result for the {@code i}th operation of the last reap. */
    long result(int i) {
        return results[i];
    }

    private int reapRing(int max) {
        ByteBuffer r = ring;
        int nr = r.getInt(RING_NR);
        int head = r.getInt(RING_HEAD);
        // Acquire: the events before the tail the kernel published are written.
        int tail = (int) INT.getAcquire(r, RING_TAIL);
        int n = 0;
        while (head != tail && n < max) {
            int at = RING_EVENTS + head * Native.SIZEOF_IO_EVENT;
            reaped(n++, r.getLong(at + Native.IO_EVENT_DATA), r.getLong(at + Native.IO_EVENT_RES));
            if (++head == nr) {
                head = 0;
            }
        }
        if (n > 0) {
            // Release: the kernel may write the entries read here once it sees the new head.
            INT.setRelease(r, RING_HEAD, head);
        }
        return n;
    }

    private int getEvents(int minNr, int max, long timeoutNanos) {
        if (destroyed) {
            return -Native.EINVAL;
        }
        int res = Native.ioGetEvents(ctx, minNr, max, Buffer.memoryAddress(events), timeoutNanos);
        for (int i = 0; i < res; i++) {
            int at = i * Native.SIZEOF_IO_EVENT;
            reaped(i, events.getLong(at + Native.IO_EVENT_DATA), events.getLong(at + Native.IO_EVENT_RES));
        }
        return res;
    }

    private void reaped(int i, long slot, long res) {
        AioOperation op = free((int) slot);
        reaped[i] = op;
        results[i] = res;
        completed(op, res);
    }

    private void completed(AioOperation op, long res) {
        if (op.kind() == AioOperation.Kind.READ) {
            metrics.readCompleted(res);
        } else {
            metrics.writeCompleted(op.kind() == AioOperation.Kind.WRITE ? res : 0);
        }
    }

    private AioOperation free(int slot) {
        AioOperation op = slots[slot];
        slots[slot] = null;
        freeSlots[freeCount++] = slot;
        return op;
    }

    private AioControlBlock block(int slot) {
        AioControlBlock iocb = blocks[slot];
        if (iocb == null) {
            iocb = blocks[slot] = new AioControlBlock()
                    .flags(AioControlBlock.IOCB_FLAG_RESFD).resFd(resFd).data(slot);
        }
        return iocb;
    }

    /**
     * {@code io_destroy}, which returns once every operation in flight has completed: 0 or {@code -errno}. Once.
     * Unstage what is staged first.
     */
    int destroy() {
        if (destroyed) {
            return 0;
        }
        destroyed = true;
        return Native.ioDestroy(ctx);
    }

    /**
     * After {@link #destroy}: the operations that were in flight and never reaped (their results are lost), each
     * counted as completed with nothing; their slots are free.
     */
    AioOperation[] takeStranded() {
        int n = 0;
        AioOperation[] stranded = new AioOperation[slots.length];
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] != null) {
                AioOperation op = free(slot);
                completed(op, 0);
                stranded[n++] = op;
            }
        }
        return Arrays.copyOf(stranded, n);
    }

    @Override
    public String toString() {
        return "LoopRing(0x" + Long.toHexString(ctx) + ", slots: " + slots.length + ", in flight: " + inFlight()
                + (ring != null ? ", reaped in user space" : "") + (destroyed ? ", destroyed)" : ")");
    }
}
