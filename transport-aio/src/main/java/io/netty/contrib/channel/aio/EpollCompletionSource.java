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

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Completions on an epoll loop: the eventfd is registered with the loop's epoll set through
 * {@link IoEventLoop#register} and watched for {@code EPOLLIN}. Netty registers it level-triggered, so an eventfd
 * that {@link AioLoop} writes again (its completion budget ran out) wakes the loop on its next iteration.
 */
final class EpollCompletionSource extends CompletionSource implements EpollIoHandle {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EpollCompletionSource.class);

    private IoRegistration registration;
    private boolean cancelled;

    EpollCompletionSource(IoEventLoop loop, AioEventFd eventFd, AioLoop aio) {
        super(loop, eventFd, aio);
    }

    @Override
    void register() {
        Future<IoRegistration> future = loop.register(this);
        future.addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                if (cancelled) {
                    registration.cancel();
                } else {
                    registration.submit(EpollIoOps.EPOLLIN);
                }
            } else {
                logger.warn("Could not register the AIO eventfd with {}", loop, f.cause());
                aio.close();
            }
        });
    }

    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        aio.completionsReady();
    }

    @Override
    public FileDescriptor fd() {
        return eventFd.fd();
    }

    /** Netty closes its registrations when the loop shuts down. */
    @Override
    public void close() {
        aio.close();
    }

    @Override
    void cancel() {
        cancelled = true;
        if (registration != null && !aio.isLoopGone()) {
            registration.cancel();
        }
    }

    @Override
    void release() {
        // Removed from the epoll set by cancel(): nothing watches the eventfd.
        closeEventFd();
    }

    @Override
    public String toString() {
        return "EpollCompletionSource(" + eventFd + ')';
    }
}
