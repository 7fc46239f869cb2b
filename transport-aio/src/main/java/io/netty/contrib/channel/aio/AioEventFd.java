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
import io.netty.channel.unix.FileDescriptor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An {@code eventfd(2)}: the descriptor that {@link AioControlBlock#IOCB_FLAG_RESFD} signals when an operation
 * completes. Close it when done.
 */
public final class AioEventFd implements Closeable {

    private final FileDescriptor fd;
    private final boolean nonBlocking;
    /** Where {@code read(2)} puts the 8-byte counter. */
    private final ByteBuffer counter;
    private final long counterAddress;

    /**
     * A non-blocking, close-on-exec eventfd with a counter of 0.
     *
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public AioEventFd() throws IOException {
        this(0, true, false);
    }

    /**
     *
     * @param initialValue the counter's first value
     * @param nonBlocking {@code EFD_NONBLOCK}: {@link #read()} returns 0 instead of waiting
     * @param semaphore {@code EFD_SEMAPHORE}: each read takes 1 from the counter
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public AioEventFd(int initialValue, boolean nonBlocking, boolean semaphore) throws IOException {
        if (initialValue < 0) {
            throw new IllegalArgumentException("initialValue: " + initialValue + " (expected: >= 0)");
        }
        int flags = Native.EFD_CLOEXEC | (nonBlocking ? Native.EFD_NONBLOCK : 0)
                | (semaphore ? Native.EFD_SEMAPHORE : 0);
        int res = Native.eventFd(initialValue, flags);
        Native.check("eventfd", res);
        fd = new FileDescriptor(res);
        this.nonBlocking = nonBlocking;
        counter = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
        counterAddress = Buffer.memoryAddress(counter);
    }

    /** {@return the descriptor, to register with epoll or to put in {@link AioControlBlock#resFd(int)}} */
    public FileDescriptor fd() {
        return fd;
    }

    /** {@return the descriptor's number} */
    public int intValue() {
        return fd.intValue();
    }

    /** {@return {@code false} once {@link #close()} has been called} */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /**
     * Reads and resets the counter (takes 1 from it with {@code EFD_SEMAPHORE}). A non-blocking eventfd whose counter
     * is 0 returns 0.
     * <p>
     * The counter is an unsigned 64-bit number that can reach {@code 0xfffffffffffffffe} ({@code eventfd(2)}): a value
     * above {@link Long#MAX_VALUE} comes back negative, read it with {@link Long#toUnsignedString(long)} or compare it
     * with {@link Long#compareUnsigned(long, long)}.
     *
     * @return the counter, as an unsigned {@code long}
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public long read() throws IOException {
        checkOpen();
        int res = Native.eventFdRead(fd.intValue(), counterAddress);
        if (res == -Native.EAGAIN && nonBlocking) {
            return 0;
        }
        Native.check("eventfd_read", res);
        return counter.getLong(0);
    }

    /**
     * Adds {@code value} (at least 1) to the counter.
     *
     * @param value the amount to add, at least 1
     * @throws IOException if the system call fails; the message names it and the errno
     */
    public void write(long value) throws IOException {
        checkOpen();
        if (value <= 0) {
            throw new IllegalArgumentException("value: " + value + " (expected: > 0)");
        }
        Native.check("eventfd_write", Native.eventFdWrite(fd.intValue(), value));
    }

    private void checkOpen() throws IOException {
        if (!fd.isOpen()) {
            throw new IOException("eventfd is closed");
        }
    }

    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "AioEventFd(" + fd.intValue() + ')';
    }
}
