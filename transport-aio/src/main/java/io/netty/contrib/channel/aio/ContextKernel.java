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

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The kernel side of a context and what must outlive the {@link AioContext} object: the blocks in flight, whose
 * buffers the kernel may still be writing. It never refers to the {@link AioContext} (nor do blocks in flight,
 * whose owner is this object), so that a context dropped without {@link AioContext#close()} can become unreachable;
 * the context's {@link java.lang.ref.Cleaner} then runs {@link #run()} with everything the kernel uses still
 * reachable from here.
 */
final class ContextKernel implements Runnable {

    /** The context's own logger: a leak is reported as the context's. */
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioContext.class);

    final long ctx;
    final int maxEvents;
    final LongObjectMap<AioControlBlock> inFlight = new LongObjectHashMap<>();
    private boolean destroyed;

    ContextKernel(long ctx, int maxEvents) {
        this.ctx = ctx;
        this.maxEvents = maxEvents;
    }

    String name() {
        return "AioContext(0x" + Long.toHexString(ctx);
    }

    private synchronized boolean markDestroyed() {
        boolean first = !destroyed;
        destroyed = true;
        return first;
    }

    /**
     * {@code io_destroy(2)} once (it returns when every operation in flight has completed), then the blocks'
     * buffers are released; 0 or {@code -errno}.
     */
    int destroy() {
        if (!markDestroyed()) {
            return 0;
        }
        int res = Native.ioDestroy(ctx);
        for (AioControlBlock iocb : inFlight.values()) {
            iocb.markDone();
        }
        inFlight.clear();
        return res;
    }

    /** The cleaner's action; after {@link AioContext#close()} it finds the context destroyed and does nothing. */
    @Override
    public void run() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
        }
        logger.error("LEAK: {}, maxEvents: {}) was not closed before it became unreachable; destroying its kernel"
                + " context now, after its {} operation(s) in flight complete. Call AioContext.close() when done"
                + " with a context.", name(), maxEvents, inFlight.size());
        int res = destroy();
        if (res < 0) {
            logger.warn("io_destroy of a leaked {}) failed", name(), Native.newIOException("io_destroy", res));
        }
    }
}
