package io.netty.contrib.channel.aio;

import io.netty.channel.DefaultFileRegion;

import java.io.File;
import java.nio.channels.FileChannel;

/**
 * A file region that {@link AioFileRegionHandler} streams through O_DIRECT AIO on the channel's event loop.
 * <p>
 * It is a {@link DefaultFileRegion}: reference counted the same way, and never worse than what it replaces. Without
 * the handler an epoll channel sends it with {@code sendfile}, an io_uring channel with {@code splice}, and any other
 * channel through {@link #transferTo}.
 * (The handler intercepts plain {@link DefaultFileRegion}s too; this class names the intent in application code.)
 */
public class AioFileRegion extends DefaultFileRegion {

    /**
     * A region of {@code count} bytes of {@code file} from {@code position}; the file is opened lazily.
     *
     * @param file the file
     * @param position the offset of the region's first byte in the file
     * @param count the number of bytes
     */
    public AioFileRegion(File file, long position, long count) {
        super(file, position, count);
    }

    /**
     * A region of {@code count} bytes of an open {@code channel} from {@code position}; the channel is closed when
     * the region is released.
     *
     * @param channel an open channel of the file
     * @param position the offset of the region's first byte in the file
     * @param count the number of bytes
     */
    public AioFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    public AioFileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public AioFileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public AioFileRegion touch() {
        return this;
    }

    @Override
    public AioFileRegion touch(Object hint) {
        return this;
    }
}
