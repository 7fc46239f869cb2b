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

import io.netty.channel.unix.FileDescriptor;

import java.io.Closeable;

/**
 * A Netty {@link FileDescriptor} that can be used in try-with-resources; what {@link AioFiles#open} returns.
 */
public final class AioFileDescriptor extends FileDescriptor implements Closeable {

    AioFileDescriptor(int fd) {
        super(fd);
    }

    /**
     * Marks this object closed without closing the descriptor, whose new owner closes it.
     *
     * @return {@code false} if it was closed already
     */
    boolean handOver() {
        return markClosed();
    }
}
