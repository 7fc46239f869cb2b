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

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order in which a loop offers its operations to the kernel: those with their memory in hand first, then the
 * reads that need memory, first come first served; stalled reads set aside and put back in their order.
 */
class SubmissionQueueTest {

    /** An operation with a name, whose owner's channel is stalled or not, and that may be cancelled. */
    static final class Op extends AioOperation {
        final String name;
        boolean stalled;
        boolean cancelled;

        Op(String name) {
            this.name = name;
        }

        /** A write, which brings its own buffer. */
        static Op write(String name) {
            Op op = new Op(name);
            op.opcode = Native.IOCB_CMD_PWRITE;
            op.buffer = Unpooled.EMPTY_BUFFER;
            return op;
        }

        @Override
        void completed(long res) {
        }

        @Override
        void aborted(Abort reason) {
        }

        @Override
        boolean isCancelled() {
            return cancelled;
        }

        @Override
        boolean isStalled() {
            return stalled;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void nativeLibrary() {
        Aio.ensureAvailability(); // the opcodes come from the kernel's headers
    }

    @Test
    void operationsWithTheirMemoryGoBeforeReadsThatNeedSome() {
        SubmissionQueue queue = new SubmissionQueue();
        Op read1 = new Op("read1");
        Op read2 = new Op("read2");
        Op write = Op.write("write");
        queue.add(read1);
        queue.add(write);
        queue.add(read2);
        assertTrue(queue.hasReady());
        assertSame(write, queue.peek());
        assertFalse(queue.headNeedsMemory());
        assertSame(write, queue.poll());
        assertSame(read1, queue.peek());
        assertTrue(queue.headNeedsMemory());
        assertSame(read1, queue.poll());
        queue.addFirst(read1); // refused by the kernel for now: first again
        assertSame(read1, queue.poll());
        assertSame(read2, queue.poll());
        assertFalse(queue.hasWaiting());
        assertNull(queue.peek());
    }

    @Test
    void parkedReadsComeBackInTheirOrderWhenThereIsRoomOrTheirChannelMoves() {
        SubmissionQueue queue = new SubmissionQueue();
        Op a = new Op("a");
        Op b = new Op("b");
        Op c = new Op("c");
        Op next = new Op("next");
        for (Op op : List.of(a, b, c)) {
            op.stalled = true;
            queue.add(op);
            queue.parkHead();
        }
        queue.add(next);
        assertTrue(queue.hasParked());
        assertSame(next, queue.peek());

        b.stalled = false; // its channel became writable
        c.cancelled = true; // its owner gave up: it goes back to be dropped
        queue.unpark(false);
        assertEquals(List.of(b, c, next), queue.takeWaiting());
        assertTrue(queue.hasParked(), "a is still stalled");

        queue.add(next);
        queue.unpark(true);
        assertFalse(queue.hasParked());
        assertEquals(List.of(a, next), queue.takeAll());
    }

    @Test
    void readsThatCanDoWithoutMemoryAreTakenOutOfTheQueue() {
        SubmissionQueue queue = new SubmissionQueue();
        Op keep = new Op("keep");
        Op divert = new Op("divert");
        divert.mayDivert = true;
        Op write = Op.write("write");
        queue.add(keep);
        queue.add(divert);
        queue.add(write);
        assertEquals(List.of(divert), queue.takeDivertible());
        assertEquals(List.of(write, keep), queue.takeAll());
    }
}
