package io.netty.contrib.channel.aio;

import io.netty.util.internal.SystemPropertyUtil;

/**
 * Tells whether Linux native AIO can be used in this JVM: the native library loaded and the kernel created an AIO
 * context and an eventfd. Same contract as Netty's {@code Epoll}.
 */
public final class Aio {

    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        Throwable cause = null;
        if (SystemPropertyUtil.getBoolean("io.netty.transport.noNative", false)) {
            cause = new UnsupportedOperationException(
                    "Native transport was explicit disabled with -Dio.netty.transport.noNative=true");
        } else {
            try (AioContext probe = new AioContext(1); AioEventFd probeFd = new AioEventFd()) {
                // Both kernel objects exist: AIO works here. Leaving the block destroys them again.
            } catch (Throwable t) {
                cause = t;
            }
        }
        UNAVAILABILITY_CAUSE = cause;
    }

    private Aio() {
    }

    /**
     * Returns {@code true} if and only if the native library is loaded and the kernel supports AIO.
     */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Throws the cause of unavailability wrapped in an {@link UnsatisfiedLinkError} if AIO cannot be used.
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError(
                    "failed to load the required native library").initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * Returns the cause of unavailability, or {@code null} if AIO is available.
     */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }
}
