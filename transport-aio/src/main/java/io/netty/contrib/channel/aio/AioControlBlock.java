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
import io.netty.channel.unix.Buffer;
import io.netty.util.internal.ObjectUtil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A mutable I/O control block, the Java form of {@code struct iocb}, stored in native memory of its own.
 * <p>
 * Setters are named after the struct's fields without {@code aio_} and return {@code this}; getters have the same
 * names. While the block is in flight (between {@link AioContext#submit} and the reaping of its event) it cannot be
 * changed, and the buffer object given to it stays reachable; a {@link ByteBuf} is retained on submit and released
 * when the event is reaped, so memory under a read can never be freed before the kernel is done with it.
 * <p>
 * Instances are not thread-safe.
 */
public final class AioControlBlock {

    /** {@code IOCB_CMD_PREAD}: positional read into {@code buf}. */
    public static final int IOCB_CMD_PREAD = Native.IOCB_CMD_PREAD;
    /** {@code IOCB_CMD_PWRITE}: positional write from {@code buf}. */
    public static final int IOCB_CMD_PWRITE = Native.IOCB_CMD_PWRITE;
    /** {@code IOCB_CMD_FSYNC}. */
    public static final int IOCB_CMD_FSYNC = Native.IOCB_CMD_FSYNC;
    /** {@code IOCB_CMD_FDSYNC}. */
    public static final int IOCB_CMD_FDSYNC = Native.IOCB_CMD_FDSYNC;
    /** {@code IOCB_CMD_POLL}: one-shot poll, the event mask in {@code buf}. */
    public static final int IOCB_CMD_POLL = Native.IOCB_CMD_POLL;
    /** {@code IOCB_CMD_NOOP}. */
    public static final int IOCB_CMD_NOOP = Native.IOCB_CMD_NOOP;
    /** {@code IOCB_CMD_PREADV}: {@code buf} points at an iovec array of {@code nbytes} entries. */
    public static final int IOCB_CMD_PREADV = Native.IOCB_CMD_PREADV;
    /** {@code IOCB_CMD_PWRITEV}: {@code buf} points at an iovec array of {@code nbytes} entries. */
    public static final int IOCB_CMD_PWRITEV = Native.IOCB_CMD_PWRITEV;
    /** {@code IOCB_FLAG_RESFD}: signal the eventfd in {@code resfd} on completion. */
    public static final int IOCB_FLAG_RESFD = Native.IOCB_FLAG_RESFD;
    /** {@code IOCB_FLAG_IOPRIO}: {@code reqprio} holds an I/O priority. */
    public static final int IOCB_FLAG_IOPRIO = Native.IOCB_FLAG_IOPRIO;

    private final ByteBuffer iocb;
    private final long address;
    private Object buffer;
    private ByteBuf retained;
    private Object owner;

    /**
     * Creates a control block with every field zero.
     */
    public AioControlBlock() {
        iocb = ByteBuffer.allocateDirect(Native.SIZEOF_IOCB).order(ByteOrder.nativeOrder());
        address = Buffer.memoryAddress(iocb);
    }

    /** {@return the native address of the {@code struct iocb}: what {@link AioEvent#obj()} reports on completion} */
    public long address() {
        return address;
    }

    /** {@return {@code true} between {@link AioContext#submit} and the reaping of its event} */
    public boolean isInFlight() {
        return owner != null;
    }

    /**
     * {@code aio_data}: a value of the caller's, returned in {@link AioEvent#data()}.
     *
     * @param data the caller's value
     * @return this control block
     */
    public AioControlBlock data(long data) {
        checkMutable();
        iocb.putLong(Native.IOCB_DATA, data);
        return this;
    }

    /** {@return {@code aio_data}} */
    public long data() {
        return iocb.getLong(Native.IOCB_DATA);
    }

    /** {@return {@code aio_key}: set by the kernel on submit} */
    public int key() {
        return iocb.getInt(Native.IOCB_KEY);
    }

    /**
     * {@code aio_rw_flags}: {@code RWF_*} flags, as for {@code preadv2(2)}.
     *
     * @param rwFlags {@code RWF_*} flags, or 0
     * @return this control block
     */
    public AioControlBlock rwFlags(int rwFlags) {
        checkMutable();
        iocb.putInt(Native.IOCB_RW_FLAGS, rwFlags);
        return this;
    }

    /** {@return {@code aio_rw_flags}} */
    public int rwFlags() {
        return iocb.getInt(Native.IOCB_RW_FLAGS);
    }

    /**
     * {@code aio_lio_opcode}: one of the {@code IOCB_CMD_*} constants.
     *
     * @param opcode one of the {@code IOCB_CMD_*} constants
     * @return this control block
     */
    public AioControlBlock opcode(int opcode) {
        checkMutable();
        checkRange(opcode, 0, 0xFFFF, "opcode");
        iocb.putShort(Native.IOCB_OPCODE, (short) opcode);
        return this;
    }

    /** {@return {@code aio_lio_opcode}} */
    public int opcode() {
        return iocb.getShort(Native.IOCB_OPCODE) & 0xFFFF;
    }

    /**
     * {@code aio_reqprio}: used with {@link #IOCB_FLAG_IOPRIO}.
     *
     * @param reqPrio the I/O priority
     * @return this control block
     */
    public AioControlBlock reqPrio(int reqPrio) {
        checkMutable();
        checkRange(reqPrio, Short.MIN_VALUE, Short.MAX_VALUE, "reqPrio");
        iocb.putShort(Native.IOCB_REQPRIO, (short) reqPrio);
        return this;
    }

    /** {@return {@code aio_reqprio}} */
    public int reqPrio() {
        return iocb.getShort(Native.IOCB_REQPRIO);
    }

    /**
     * {@code aio_fildes}: the file descriptor to operate on.
     *
     * @param fd the file descriptor
     * @return this control block
     */
    public AioControlBlock fd(int fd) {
        checkMutable();
        ObjectUtil.checkPositiveOrZero(fd, "fd");
        iocb.putInt(Native.IOCB_FD, fd);
        return this;
    }

    /** {@return {@code aio_fildes}} */
    public int fd() {
        return iocb.getInt(Native.IOCB_FD);
    }

    /**
     * {@code aio_offset}: the file offset.
     *
     * @param offset the file offset, in bytes
     * @return this control block
     */
    public AioControlBlock offset(long offset) {
        checkMutable();
        ObjectUtil.checkPositiveOrZero(offset, "offset");
        iocb.putLong(Native.IOCB_OFFSET, offset);
        return this;
    }

    /** {@return {@code aio_offset}} */
    public long offset() {
        return iocb.getLong(Native.IOCB_OFFSET);
    }

    /**
     * {@code aio_flags}: {@link #IOCB_FLAG_RESFD} and/or {@link #IOCB_FLAG_IOPRIO}.
     *
     * @param flags {@link #IOCB_FLAG_RESFD} and/or {@link #IOCB_FLAG_IOPRIO}, or 0
     * @return this control block
     */
    public AioControlBlock flags(int flags) {
        checkMutable();
        iocb.putInt(Native.IOCB_FLAGS, flags);
        return this;
    }

    /** {@return {@code aio_flags}} */
    public int flags() {
        return iocb.getInt(Native.IOCB_FLAGS);
    }

    /**
     * {@code aio_resfd}: the eventfd signalled on completion when {@link #IOCB_FLAG_RESFD} is set.
     *
     * @param resFd the eventfd's descriptor
     * @return this control block
     */
    public AioControlBlock resFd(int resFd) {
        checkMutable();
        ObjectUtil.checkPositiveOrZero(resFd, "resFd");
        iocb.putInt(Native.IOCB_RESFD, resFd);
        return this;
    }

    /** {@return {@code aio_resfd}} */
    public int resFd() {
        return iocb.getInt(Native.IOCB_RESFD);
    }

    /**
     * Points {@code aio_buf}/{@code aio_nbytes} at the bytes between the buffer's position and limit.
     *
     * @param buffer a direct buffer
     * @return this control block
     * @throws IllegalArgumentException if the buffer is not direct
     */
    public AioControlBlock buffer(ByteBuffer buffer) {
        checkMutable();
        ObjectUtil.checkNotNull(buffer, "buffer");
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer must be direct: the kernel reads and writes native memory");
        }
        setBuffer(Buffer.memoryAddress(buffer) + buffer.position(), buffer.remaining(), buffer);
        return this;
    }

    /**
     * Points {@code aio_buf}/{@code aio_nbytes} at {@code length} bytes of {@code buffer} from {@code index}. The
     * buffer is retained while the block is in flight.
     *
     * @param buffer a direct buffer
     * @param index the index of the first byte in {@code buffer}
     * @param length the number of bytes
     * @return this control block
     * @throws IllegalArgumentException if the buffer is not direct or not one contiguous region
     * @throws IndexOutOfBoundsException if the range is outside the buffer's capacity
     */
    public AioControlBlock buffer(ByteBuf buffer, int index, int length) {
        checkMutable();
        ObjectUtil.checkNotNull(buffer, "buffer");
        long bufferAddress = Buffers.address(buffer, index, length);
        setBuffer(bufferAddress, length, buffer);
        return this;
    }

    /**
     * Points {@code aio_buf}/{@code aio_nbytes} at raw native memory (an iovec array for the vectored opcodes, an
     * event mask for {@link #IOCB_CMD_POLL}).
     * <p>
     * <b>Unchecked memory access.</b> Nothing can check the address: the kernel reads or writes whatever memory of
     * this process it names, and a wrong address or length corrupts the JVM or crashes it, possibly long after the
     * call. The caller keeps the memory allocated, and nothing else uses it, until the block's event has been reaped
     * (or its context closed). Prefer {@link #buffer(ByteBuffer)} or {@link #buffer(ByteBuf, int, int)}, which are
     * checked and keep their buffer alive.
     *
     * @param address the native address
     * @param length the number of bytes
     * @return this control block
     */
    public AioControlBlock buffer(long address, long length) {
        checkMutable();
        ObjectUtil.checkPositiveOrZero(length, "length");
        if (address == 0 && length != 0) {
            throw new IllegalArgumentException("address is 0 (NULL) with a length of " + length);
        }
        setBuffer(address, length, null);
        return this;
    }

    /** {@return {@code aio_buf}: the address of the buffer (or what the opcode puts there)} */
    public long bufferAddress() {
        return iocb.getLong(Native.IOCB_BUF);
    }

    /** {@return {@code aio_nbytes}: the buffer's length in bytes (or iovec count for the vectored opcodes)} */
    public long bufferLength() {
        return iocb.getLong(Native.IOCB_NBYTES);
    }

    /** {@return the buffer object last given to a {@code buffer(..)} setter, or {@code null}} */
    public Object bufferObject() {
        return buffer;
    }

    /**
     * Zeroes every field and forgets the buffer.
     *
     * @return this control block
     */
    public AioControlBlock clear() {
        checkMutable();
        for (int i = 0; i < Native.SIZEOF_IOCB; i++) {
            iocb.put(i, (byte) 0);
        }
        buffer = null;
        return this;
    }

    private void setBuffer(long bufferAddress, long length, Object object) {
        iocb.putLong(Native.IOCB_BUF, bufferAddress);
        iocb.putLong(Native.IOCB_NBYTES, length);
        buffer = object;
    }

    /**
     * Marks the block in flight in {@code context} (the context's kernel-side state, never the {@link AioContext}
     * itself, so that a dropped context can be collected while its blocks are in flight). A {@link ByteBuf} is retained
     * first: if it was already released, this throws and the block is left as it was.
     */
    void markInFlight(Object context) {
        if (buffer instanceof ByteBuf) {
            retained = ((ByteBuf) buffer).retain();
        }
        owner = context;
    }

    void markDone() {
        owner = null;
        ByteBuf buf = retained;
        if (buf != null) {
            retained = null;
            buf.release();
        }
    }

    Object owner() {
        return owner;
    }

    private void checkMutable() {
        if (owner != null) {
            throw new IllegalStateException("control block is in flight: it cannot change before its event is reaped");
        }
    }

    private static void checkRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ')');
        }
    }

    @Override
    public String toString() {
        return "AioControlBlock(opcode: " + opcode() + ", fd: " + fd() + ", offset: " + offset() + ", buf: 0x"
                + Long.toHexString(bufferAddress()) + ", nbytes: " + bufferLength() + ", data: " + data()
                + ", flags: " + flags() + ", resfd: " + resFd() + (isInFlight() ? ", in flight)" : ")");
    }
}
