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
}
