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

/** A file's identity, its device and inode: equal for every descriptor and every name of one file. */
final class FileKey {

    private final long device;
    private final long inode;

    FileKey(long device, long inode) {
        this.device = device;
        this.inode = inode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileKey && ((FileKey) o).device == device && ((FileKey) o).inode == inode;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(inode * 31 + device);
    }

    @Override
    public String toString() {
        return "(dev=" + device + ",ino=" + inode + ')';
    }
}
