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

import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A part of a region that is in the page cache, written on its own so that the channel sends it with
 * {@code sendfile}. It shares the region's {@link FileChannel}: it holds a reference to the region instead of
 * closing the channel when it is released.
 */
final class RegionSlice extends DefaultFileRegion {

    private final DefaultFileRegion parent;

    RegionSlice(DefaultFileRegion parent, FileChannel channel, long position, long count) {
        super(channel, position, count);
        this.parent = parent;
        parent.retain();
    }

    @Override
    protected void deallocate() {
        parent.release();
    }
}
