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

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;

/**
 * Where an {@link AioLoop} learns that its reads completed: the loop's eventfd ({@code IOCB_FLAG_RESFD}), watched by
 * the channel's own event loop. The one place where epoll and io_uring loops differ; the rest of {@link AioLoop}
 * does not know which it runs on.
 * <p>
 * {@link #register()} starts watching; each wake-up calls {@link AioLoop#completionsReady()} on the loop's thread;
 * Netty closing the handle on loop shutdown calls {@link AioLoop#close()}, which {@link #cancel() cancels} the watch
 * first and {@link #release() releases} the eventfd last, after {@code io_destroy}.
 */
abstract class CompletionSource {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CompletionSource.class);

    /**
     * {@code true} if Netty's io_uring transport is on the class path. It is an optional dependency: without it no
     * io_uring class may be loaded, so {@link IoUringCompletionSource} is named only after this check.
     */
    private static final boolean IO_URING_CLASSES = ioUringClassesPresent();

    final IoEventLoop loop;
    final AioEventFd eventFd;
    final AioLoop aio;

    CompletionSource(IoEventLoop loop, AioEventFd eventFd, AioLoop aio) {
        this.loop = loop;
        this.eventFd = eventFd;
        this.aio = aio;
    }

    /** {@code true} if completions can be delivered on {@code loop}: an epoll or an io_uring event loop. */
    static boolean supports(IoEventLoop loop) {
        return loop.isCompatible(EpollCompletionSource.class) || isIoUring(loop);
    }

    /** {@code true} if {@code loop} is an io_uring event loop. */
    static boolean isIoUring(EventLoop loop) {
        return loop instanceof IoEventLoop && isIoUring((IoEventLoop) loop);
    }

    private static boolean isIoUring(IoEventLoop loop) {
        return IO_URING_CLASSES && IoUringCompletionSource.isIoUring(loop);
    }

    /**
     * The source for {@code loop}.
     *
     * @throws IllegalArgumentException if the loop is neither epoll nor io_uring (see {@link #supports})
     */
    static CompletionSource create(IoEventLoop loop, AioEventFd eventFd, AioLoop aio) {
        if (loop.isCompatible(EpollCompletionSource.class)) {
            return new EpollCompletionSource(loop, eventFd, aio);
        }
        if (isIoUring(loop)) {
            // A factory that returns the base type: naming the io_uring class here would make the verifier load it.
            return IoUringCompletionSource.create(loop, eventFd, aio);
        }
        throw new IllegalArgumentException("AIO completions need an epoll or io_uring event loop: " + loop);
    }

    private static boolean ioUringClassesPresent() {
        try {
            Class.forName("io.netty.channel.uring.IoUringIoHandle", false, CompletionSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            logger.debug("Netty's io_uring transport is not on the class path: AIO on io_uring loops is off", e);
            return false;
        }
    }

    /** Registers with the loop and starts watching the eventfd. Call on the loop's thread. */
    abstract void register();

    /** Stops watching: the loop's AIO state is closing. Call on the loop's thread. */
    abstract void cancel();

    /**
     * Closes the eventfd as soon as the loop no longer watches it (at once on epoll; on io_uring once the ring has
     * given up its poll). Called last, after {@code io_destroy}: no read can signal the eventfd any more.
     */
    abstract void release();

    /** Closes the eventfd; logs a failure. */
    final void closeEventFd() {
        if (eventFd.isOpen()) {
            try {
                eventFd.close();
            } catch (IOException e) {
                logger.debug("Could not close the AIO eventfd of {}", loop, e);
            }
        }
    }
}
