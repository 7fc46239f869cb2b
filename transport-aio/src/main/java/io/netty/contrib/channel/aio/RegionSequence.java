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
 * What a channel's last region read: its file and where it ended. A framework may send one response's file as
 * several regions one after the other (Vert.x writes 1 MiB at a time); a region that goes on from where the last one
 * of the same file ended is the same request, and gets the same page-cache decision instead of counting as the file
 * asked for again. Used on the channel's loop.
 */
final class RegionSequence {

    private long device = -1;
    private long inode = -1;
    private long end = -1;
    private boolean admitted;

    /** {@code true} if a region of {@code stat}'s file starting at {@code start} goes on from the last one. */
    boolean continues(FileStat stat, long start) {
        return stat.inode == inode && stat.device == device && start == end;
    }

    /** The page-cache decision of the last region (see {@link #continues}). */
    boolean admitted() {
        return admitted;
    }

    /** Records the region just routed: its file, its end, and whether it was admitted to the page cache. */
    void routed(FileStat stat, long end, boolean admitted) {
        device = stat.device;
        inode = stat.inode;
        this.end = end;
        this.admitted = admitted;
    }
}
