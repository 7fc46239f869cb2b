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

    /**
     * The {@code aio_data} of the control block that completed.
     *
     * @return the {@code aio_data} of the control block that completed
     */
    public long data() {
        return data;
    }

    /**
     * The user-space address of the {@code struct iocb} that completed.
     *
     * @return the user-space address of the {@code struct iocb} that completed
     */
    public long obj() {
        return obj;
    }

    /**
     * The result: bytes transferred, or {@code -errno}.
     *
     * @return the result: bytes transferred, or {@code -errno}
     */
    public long res() {
        return res;
    }

    /**
     * The secondary result (0 for reads and writes).
     *
     * @return the secondary result (0 for reads and writes)
     */
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
