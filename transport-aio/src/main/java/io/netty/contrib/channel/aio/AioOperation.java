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
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * One operation of the loop's AIO, a read, a write or a sync ({@link #kind()}): the owner fills the fields, the loop
 * ends it with exactly one call of {@link #completed} or {@link #aborted}, on the loop's thread (also when the loop
 * ends without closing its registrations). The owner frees the buffer there, never before.
 */
abstract class AioOperation {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioOperation.class);

    /** Why a read ended without a result from the kernel. */
    enum Abort {
        /** The loop shut down before the read reached the kernel, or before its result could be reaped. */
        LOOP_CLOSED,
        /** Its owner gave up before it was submitted. */
        CANCELLED,
        /** {@code io_submit} kept refusing it with {@code EAGAIN}: the owner may read synchronously. */
        SUBMIT_STARVED,
        /**
         * A sync that cannot go through AIO ({@code io_submit} refused it with {@code EINVAL}: no {@code fsync}
         * operation, as in procfs; or its block could not be set up): the owner syncs with a blocking call.
         */
        NO_AIO_SYNC,
        /**
         * The memory budget had no room for it, and its owner said it can do without
         * ({@link AioOperation#mayDivert}): a region sent with {@code sendfile} reads it through the page cache
         * instead of waiting.
         */
        NO_MEMORY
    }

    /**
     * {@code IOCB_CMD_PREAD} (0 in the kernel's ABI, so the default; left unset, the class needs no native library:
     * a sink's blocking writes use it too), or {@code IOCB_CMD_PWRITE} (the owner gives the buffer) or
     * {@code IOCB_CMD_FDSYNC} / {@code IOCB_CMD_FSYNC} (no buffer).
     */
    int opcode;
    int fd;
    /**
     * Where the bytes go. Left {@code null}, the loop takes it from its {@link ChunkPool} when it submits the read,
     * within its memory budget; {@link #index} is where the aligned bytes start. Its last {@code release()} gives
     * the memory back.
     */
    ByteBuf buffer;
    int index;
    int length;
    long offset;
    int memoryAlignment = 1;
    /**
     * The owner can do without memory: when the budget has no room, the read is ended as
     * {@link Abort#NO_MEMORY} instead of waiting behind the reads that need bytes.
     */
    boolean mayDivert;

    /** The kernel's result: the bytes read, or {@code -errno} (also when {@code io_submit} refused this read). */
    abstract void completed(long res);

    /** The read got no result from the kernel. */
    abstract void aborted(Abort reason);

    /** {@code true} if the owner no longer wants the read: it is aborted as {@link Abort#CANCELLED} unsubmitted. */
    abstract boolean isCancelled();

    /**
     * {@code true} while the owner's channel is not writable: what the read brings would wait in the channel for
     * its peer, so it takes memory only from the half of the budget that is not kept for channels that make
     * progress.
     */
    boolean isStalled() {
        return false;
    }

    /** Hands {@code op} its result; a handler that throws is logged, so that the loop goes on with the others. */
    static void complete(AioOperation op, long res) {
        try {
            op.completed(res);
        } catch (Throwable t) {
            logger.warn("An AIO operation's completion handler threw", t);
        }
    }

    /** Ends {@code op} without a result; a handler that throws is logged, so that the loop goes on with the others. */
    static void abort(AioOperation op, Abort reason) {
        try {
            op.aborted(reason);
        } catch (Throwable t) {
            logger.warn("An AIO operation's abort handler threw", t);
        }
    }

    /** What the operation does, by its {@link #opcode}. */
    enum Kind {
        READ,
        WRITE,
        SYNC
    }

    final Kind kind() {
        return opcode == Native.IOCB_CMD_PREAD ? Kind.READ : opcode == Native.IOCB_CMD_PWRITE ? Kind.WRITE : Kind.SYNC;
    }

    /** {@code true} for an {@code fsync} or {@code fdatasync}. */
    final boolean isSync() {
        return kind() == Kind.SYNC;
    }
}
