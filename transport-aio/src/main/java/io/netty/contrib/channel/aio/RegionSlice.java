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
