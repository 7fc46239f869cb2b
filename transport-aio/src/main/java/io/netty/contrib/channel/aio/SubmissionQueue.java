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

import io.netty.contrib.channel.aio.AioOperation.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The operations of one loop waiting to be offered to the kernel, in the order they go: first those whose memory is
 * in hand (writes, syncs, reads given their buffer), so that a read waiting for memory never holds back a write whose
 * completion would give memory back; then the reads that take memory from the budget, first come, first served. Reads
 * of stalled channels may be set aside ({@link #parkHead()}) while more than half of the budget is in use, and go back
 * to the head of the queue later ({@link #unpark}). Used on the loop's thread.
 */
final class SubmissionQueue {

    /** Operations whose memory is already in hand. */
    private final ArrayDeque<AioOperation> ready = new ArrayDeque<>();
    /** Reads that still need a buffer. */
    private final ArrayDeque<AioOperation> pending = new ArrayDeque<>();
    /** Reads of stalled channels set aside, in their order. */
    private final ArrayDeque<AioOperation> parked = new ArrayDeque<>();

    private ArrayDeque<AioOperation> queueOf(AioOperation op) {
        return op.buffer == null && op.kind() == Kind.READ ? pending : ready;
    }

    private ArrayDeque<AioOperation> head() {
        return ready.isEmpty() ? pending : ready;
    }

    /** Adds {@code op} at the end of its queue. */
    void add(AioOperation op) {
        queueOf(op).add(op);
    }

    /** Puts {@code op} back at the front of its queue (the kernel refused it for now). */
    void addFirst(AioOperation op) {
        queueOf(op).addFirst(op);
    }

    /** {@code true} if an operation waits (parked reads aside). */
    boolean hasWaiting() {
        return !ready.isEmpty() || !pending.isEmpty();
    }

    /** {@code true} if an operation whose memory is in hand waits. */
    boolean hasReady() {
        return !ready.isEmpty();
    }

    boolean hasParked() {
        return !parked.isEmpty();
    }

    /** The operation to offer next, or {@code null}. */
    AioOperation peek() {
        return head().peek();
    }

    /** {@code true} if the operation to offer next still needs a buffer from the budget. */
    boolean headNeedsMemory() {
        return ready.isEmpty() && !pending.isEmpty();
    }

    /** Removes the operation to offer next. */
    AioOperation poll() {
        return head().poll();
    }

    /** Sets the next read, which needs memory, aside until {@link #unpark}. */
    void parkHead() {
        parked.add(pending.poll());
    }

    /**
     * Parked reads go back to the head of the queue, in their order: all of them when {@code room} (less than half of
     * the budget is used), else those whose channel became writable again, or whose owner gave up.
     */
    void unpark(boolean room) {
        for (Iterator<AioOperation> it = parked.descendingIterator(); it.hasNext(); ) {
            AioOperation read = it.next();
            if (room || !read.isStalled() || read.isCancelled()) {
                it.remove();
                pending.addFirst(read);
            }
        }
    }

    /** Removes and returns the reads waiting for memory whose owners can do without it (see {@code mayDivert}). */
    List<AioOperation> takeDivertible() {
        List<AioOperation> divertible = null;
        for (Iterator<AioOperation> it = pending.iterator(); it.hasNext(); ) {
            AioOperation read = it.next();
            if (read.mayDivert) {
                it.remove();
                if (divertible == null) {
                    divertible = new ArrayList<>();
                }
                divertible.add(read);
            }
        }
        return divertible != null ? divertible : List.of();
    }

    /** Removes and returns every waiting operation, parked reads aside, in the order they would have gone. */
    List<AioOperation> takeWaiting() {
        List<AioOperation> all = new ArrayList<>(ready);
        all.addAll(pending);
        ready.clear();
        pending.clear();
        return all;
    }

    /** Removes and returns every operation, parked reads included. */
    List<AioOperation> takeAll() {
        List<AioOperation> all = takeWaiting();
        all.addAll(parked);
        parked.clear();
        return all;
    }
}
