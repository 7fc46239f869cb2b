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

/**
 * A completion event, the Java form of {@code struct io_event}. {@link AioContext#getEvents} fills instances of it;
 * they may be reused from call to call.
 */
public final class AioEvent {

    private long data;
    private long obj;
    private long res;
    private long res2;
    private AioControlBlock controlBlock;

    /**
     * Creates an empty event, to be filled by {@link AioContext#getEvents} or {@link AioContext#cancel}.
     */
    public AioEvent() {
    }

    void set(long data, long obj, long res, long res2, AioControlBlock controlBlock) {
        this.data = data;
        this.obj = obj;
        this.res = res;
        this.res2 = res2;
        this.controlBlock = controlBlock;
    }

    /** {@return the {@code aio_data} of the control block that completed} */
    public long data() {
        return data;
    }

    /** {@return the user-space address of the {@code struct iocb} that completed} */
    public long obj() {
        return obj;
    }

    /** {@return the result: bytes transferred, or {@code -errno}} */
    public long res() {
        return res;
    }

    /** {@return the secondary result (0 for reads and writes)} */
    public long res2() {
        return res2;
    }

    /**
     * The control block that completed, if it was submitted through the same {@link AioContext}; else {@code null}.
     *
     * @return the control block that completed, or {@code null} if another context submitted it
     */
    public AioControlBlock controlBlock() {
        return controlBlock;
    }

    @Override
    public String toString() {
        return "AioEvent(data: " + data + ", obj: 0x" + Long.toHexString(obj) + ", res: " + res + ", res2: " + res2
                + ')';
    }
}
