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
package io.netty.contrib.channel.aio.example.file;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log ({@code --access-log FILE}, or {@code -} for standard output): one line per response, in the format
 * of {@code --access-log-format}: the Common Log Format ({@code common}, the default),
 * {@code host ident authuser [date] "request line" status bytes}, for example
 * {@code 127.0.0.1 - - [26/Nov/2026:14:03:12 +0000] "GET /big.bin HTTP/1.1" 206 1000}; the Combined Log Format
 * ({@code combined}), the same and {@code "referer" "user agent"}; or one JSON object per line ({@code json}) with
 * {@code time} (ISO 8601, UTC), {@code remote}, {@code method}, {@code uri}, {@code protocol}, {@code status},
 * {@code bytes}, {@code referer} and {@code user_agent}. {@code bytes} is the size of the body ({@code -} or 0 for
 * none: HEAD, 304); the date is when the response ended. A request on an HTTP/2 stream has the protocol
 * {@code HTTP/2.0}, as nginx writes it.
 *
 * <p>The event loops never wait for the disk: {@link #log} puts an entry in a bounded queue ({@value #CAPACITY}
 * entries) and returns; one background thread formats and writes the entries, and flushes whenever the queue is
 * empty. When the queue is full (the disk is slower than the server) the entry is dropped, counted, and a warning
 * says how many at most once a second; the server itself does not slow down. A write error is logged once, and the
 * entries after it are dropped. {@link #close()} writes what is queued, flushes and closes the file.
 */
final class AccessLog implements AutoCloseable {

    /** The line format ({@code --access-log-format}). */
    enum Format {
        COMMON,
        COMBINED,
        JSON
    }

    /** Entries the queue holds before new ones are dropped. */
    static final int CAPACITY = 16384;

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AccessLog.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US)
            .withZone(ZoneId.systemDefault());
    private static final long REPORT_INTERVAL = TimeUnit.SECONDS.toNanos(1);

    /** One response to log: what the event loop hands over; formatted on the writer thread. */
    private static final class Entry {
        final String host;
        final String method;
        final String uri;
        final String version;
        final int status;
        final long bytes;
        final long millis;
        final String referer;
        final String userAgent;

        Entry(String host, String method, String uri, String version, int status, long bytes, long millis,
              String referer, String userAgent) {
            this.host = host;
            this.method = method;
            this.uri = uri;
            this.version = version;
            this.status = status;
            this.bytes = bytes;
            this.millis = millis;
            this.referer = referer;
            this.userAgent = userAgent;
        }
    }

    private final String name;
    private final Format format;
    private final Writer out;
    private final boolean closeOut;
    private final int capacity;
    private final BlockingQueue<Entry> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;
    private long reported;
    private long nextReport = System.nanoTime();
    private boolean broken;

    AccessLog(String name, Writer out, boolean closeOut, int capacity) {
        this(name, Format.COMMON, out, closeOut, capacity);
    }

    AccessLog(String name, Format format, Writer out, boolean closeOut, int capacity) {
        this.name = name;
        this.format = format;
        this.out = out;
        this.closeOut = closeOut;
        this.capacity = capacity;
        queue = new ArrayBlockingQueue<>(capacity);
        writer = new Thread(this::drain, "file-server-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens the log named on the command line: {@code -} is standard output, anything else a file, created if need
     * be and appended to.
     *
     * @throws IOException if the file cannot be opened for writing
     */
    static AccessLog open(String target, Format format) throws IOException {
        if ("-".equals(target)) {
            return new AccessLog("(standard output)", format,
                    new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false,
                    CAPACITY);
        }
        Path file = Paths.get(target);
        Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), StandardCharsets.UTF_8), 1 << 16);
        return new AccessLog(file.toString(), format, w, true, CAPACITY);
    }

    /**
     * Logs one response to {@code request} from {@code remote}; {@code bytes} is the body's size. Never blocks:
     * when the queue is full the entry is dropped and counted.
     */
    void log(SocketAddress remote, HttpRequest request, int status, long bytes) {
        log(remote, request, false, status, bytes);
    }

    /** As {@link #log(SocketAddress, HttpRequest, int, long)}; {@code http2}: the request came on an HTTP/2 stream. */
    void log(SocketAddress remote, HttpRequest request, boolean http2, int status, long bytes) {
        if (closed) {
            return;
        }
        String host = remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress().getHostAddress()
                : String.valueOf(remote);
        String referer = request.headers().get(HttpHeaderNames.REFERER);
        String agent = request.headers().get(HttpHeaderNames.USER_AGENT);
        Entry e = request.decoderResult().isFailure()
                ? new Entry(host, null, null, null, status, bytes, System.currentTimeMillis(), referer, agent)
                : new Entry(host, request.method().name(), request.uri(),
                        http2 ? "HTTP/2.0" : request.protocolVersion().text(), status, bytes,
                        System.currentTimeMillis(), referer, agent);
        if (!queue.offer(e)) {
            dropped.incrementAndGet();
        }
    }

    /** Entries dropped so far because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /**
     * Writes what is queued, flushes and closes the file (standard output is flushed, not closed). Call it once no
     * more responses are being sent: entries logged after it are ignored.
     */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void drain() {
        try {
            while (true) {
                Entry e = queue.poll();
                if (e == null) {
                    flush();
                    report(false);
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    e = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (e == null) {
                        continue;
                    }
                }
                write(e);
            }
        } catch (InterruptedException ignore) {
            // the JVM is going away: write what was written so far
        } finally {
            flush();
            report(true);
            if (closeOut) {
                try {
                    out.close();
                } catch (IOException e) {
                    logger.warn("access log {}: close failed: {}", name, e.toString());
                }
            }
        }
    }

    private void write(Entry e) {
        if (broken) {
            return;
        }
        try {
            out.write(format == Format.JSON ? json(e) : format(e, format == Format.COMBINED));
        } catch (IOException ex) {
            failed(ex);
        }
    }

    private void flush() {
        if (broken) {
            return;
        }
        try {
            out.flush();
        } catch (IOException ex) {
            failed(ex);
        }
    }

    private void failed(IOException e) {
        broken = true;
        logger.warn("access log {}: write failed, no more lines will be written: {}", name, e.toString());
    }

    private void report(boolean last) {
        long n = dropped.get();
        long now = System.nanoTime();
        if (n > reported && (last || now - nextReport >= 0)) {
            logger.warn("access log {}: {} lines dropped in all: its queue of {} was full (the disk is slower than "
                    + "the server)", name, n, capacity);
            reported = n;
            nextReport = now + REPORT_INTERVAL;
        }
    }

    /** The Common (or Combined) Log Format line of {@code e}, with its line feed. */
    private static String format(Entry e, boolean combined) {
        StringBuilder sb = new StringBuilder(128).append(e.host).append(" - - [")
                .append(DATE.format(Instant.ofEpochMilli(e.millis))).append("] \"");
        if (e.method == null) {
            sb.append('-'); // no request line could be read
        } else {
            escape(sb, e.method);
            sb.append(' ');
            escape(sb, e.uri);
            sb.append(' ');
            escape(sb, e.version);
        }
        sb.append("\" ").append(e.status).append(' ');
        if (e.bytes > 0) {
            sb.append(e.bytes);
        } else {
            sb.append('-');
        }
        if (combined) {
            sb.append(" \"");
            escape(sb, e.referer == null ? "-" : e.referer);
            sb.append("\" \"");
            escape(sb, e.userAgent == null ? "-" : e.userAgent);
            sb.append('"');
        }
        return sb.append('\n').toString();
    }

    /** The JSON line of {@code e}: one object, strings escaped as JSON requires, with its line feed. */
    private static String json(Entry e) {
        StringBuilder sb = new StringBuilder(192).append("{\"time\":\"")
                .append(Instant.ofEpochMilli(e.millis)).append("\",\"remote\":");
        jsonString(sb, e.host);
        sb.append(",\"method\":");
        jsonString(sb, e.method);
        sb.append(",\"uri\":");
        jsonString(sb, e.uri);
        sb.append(",\"protocol\":");
        jsonString(sb, e.version);
        sb.append(",\"status\":").append(e.status).append(",\"bytes\":").append(Math.max(0, e.bytes))
                .append(",\"referer\":");
        jsonString(sb, e.referer);
        sb.append(",\"user_agent\":");
        jsonString(sb, e.userAgent);
        return sb.append("}\n").toString();
    }

    /** {@code s} as a JSON string ({@code null} as {@code null}); control characters as {@code \\u00XX}. */
    private static void jsonString(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    /**
     * Appends {@code s} so that the line stays one line and the quotes stay balanced: {@code "} and {@code \} get a
     * backslash, control and non-ASCII bytes become {@code \xHH}, as nginx writes them.
     */
    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else if (c < 0x100) {
                hex(sb, c); // the decoder read the request line's bytes as ISO-8859-1: c is the byte
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    hex(sb, b & 0xff);
                }
            }
        }
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }
}
