package io.netty.contrib.channel.aio;

import java.io.IOException;

/** A file opened a second time with {@code O_DIRECT} for AIO reads, with its direct-I/O alignment. */
final class DirectFile {

    private final AioFileDescriptor fd;
    private final AioFiles.DirectIoAlignment alignment;

    DirectFile(AioFileDescriptor fd, AioFiles.DirectIoAlignment alignment) {
        this.fd = fd;
        this.alignment = alignment;
    }

    int fd() {
        return fd.intValue();
    }

    AioFiles.DirectIoAlignment alignment() {
        return alignment;
    }

    /** Done with the file. Reads still in flight hold their own reference to the open file: this is safe. */
    void release() {
        try {
            fd.close();
        } catch (IOException ignore) {
            // nothing to do: the descriptor is gone either way
        }
    }
}
