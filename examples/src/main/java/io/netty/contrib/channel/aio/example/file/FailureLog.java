package io.netty.contrib.channel.aio.example.file;

import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's log of failed connections. What a client does to its own connection (hangs up mid-response, resets,
 * sends what is not HTTP) is logged at DEBUG: a burst of hostile clients must not flood the log. Other failures (a
 * file that shrank, a read error, no descriptor left) are logged at INFO, at most one line a second for the whole
 * server; a line says how many were left out before it. A failed TLS handshake is one such INFO line, written by
 * {@link TlsHandshakeLog} through {@link #notice}.
 */
final class FailureLog {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(FailureLog.class);
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong nextInfo = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    /** Logs one failure of {@code channel} while doing {@code what}. */
    void failed(Channel channel, String what, Throwable cause) {
        String line = channel.remoteAddress() + " " + what + ": " + cause;
        if (causedByClient(channel, cause)) {
            logger.debug(line);
        } else {
            notice(line);
        }
    }

    /**
     * Logs {@code line} at INFO if no INFO line was logged in the last second, else at DEBUG (and counts it for the
     * next INFO line). The line should be complete in itself: no stack trace is logged.
     */
    void notice(String line) {
        long now = System.nanoTime();
        long next = nextInfo.get();
        if (now - next >= 0 && nextInfo.compareAndSet(next, now + INTERVAL)) {
            long left = suppressed.getAndSet(0);
            logger.info(left == 0 ? line : line + " (" + left + " similar failures not logged in the last second)");
        } else {
            suppressed.incrementAndGet();
            logger.debug(line);
        }
    }

    /** Logs {@code line} at DEBUG: what needs no attention. */
    void debug(String line) {
        logger.debug(line);
    }

    /**
     * A failure of the connection itself: it is already closed (the peer reset or hung up), or what came in was not
     * HTTP or not TLS.
     */
    private static boolean causedByClient(Channel channel, Throwable cause) {
        return !channel.isActive() || cause instanceof ClosedChannelException || cause instanceof DecoderException;
    }
}
