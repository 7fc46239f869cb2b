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
package io.netty.contrib.channel.aio.frameworks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.contrib.channel.aio.AioFileRegionConfig;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.contrib.channel.aio.PageCache;
import io.netty.contrib.channel.aio.TestFiles;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.stream.ChunkedInput;
import org.junit.jupiter.api.function.Executable;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the framework tests share: cold files under {@code target/}, downloads with curl, a raw HTTP/1.1 client that
 * reads at its own pace, the AIO counters before and after, and a recorder of what a framework writes.
 */
final class FrameworkTesting {

    /** The host every server binds to and every client connects to. */
    static final String HOST = "127.0.0.1";

    private FrameworkTesting() {
    }

    /**
     * A file of pseudo-random bytes, written back to the disk and dropped from the page cache: the next read of it
     * comes from the disk.
     */
    static File coldFile(Path dir, String name, long size, long seed) throws IOException {
        File file = TestFiles.create(dir, name, size, seed);
        PageCache.evict(file);
        return file;
    }

    /** What one transfer of a curl run gave: the status, whether it opened a connection, and the body's digest. */
    record Download(int status, int connects, String contentRange, long size, String sha256) {
    }

    /** Given to {@link #curl} instead of a header: HTTP/2 in cleartext with prior knowledge, not HTTP/1.1. */
    static final String HTTP2_PRIOR_KNOWLEDGE = "--http2-prior-knowledge";

    /**
     * Downloads each URL in turn with one curl run over HTTP/1.1 (keep-alive: the second URL reuses the first's
     * connection), with the given request headers ({@code "Name: value"}) or {@link #HTTP2_PRIOR_KNOWLEDGE};
     * {@code -k} for self-signed certificates.
     */
    static List<Download> curl(Path scratch, List<String> urls, String... headers) throws Exception {
        boolean h2c = List.of(headers).contains(HTTP2_PRIOR_KNOWLEDGE);
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "-k",
                h2c ? HTTP2_PRIOR_KNOWLEDGE : "--http1.1", "--max-time", "60",
                "-w", "%{http_code} %{num_connects} [%header{content-range}]\\n"));
        for (String header : headers) {
            if (!header.equals(HTTP2_PRIOR_KNOWLEDGE)) {
                command.add("-H");
                command.add(header);
            }
        }
        List<File> bodies = new ArrayList<>();
        for (String url : urls) {
            File body = scratch.resolve("curl-" + System.nanoTime() + "-" + bodies.size()).toFile();
            bodies.add(body);
            command.add("-o");
            command.add(body.getPath());
            command.add(url);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, p.exitValue(), command + ": " + out);
        String[] lines = out.trim().split("\n");
        assertEquals(urls.size(), lines.length, out);
        List<Download> downloads = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            int space = line.indexOf(' ');
            int bracket = line.indexOf('[');
            File body = bodies.get(i);
            try {
                downloads.add(new Download(Integer.parseInt(line.substring(0, space)),
                        Integer.parseInt(line.substring(space + 1, bracket).trim()),
                        line.substring(bracket + 1, line.length() - 1),
                        body.length(), TestFiles.sha256(body, 0, body.length())));
            } finally {
                Files.deleteIfExists(body.toPath());
            }
        }
        return downloads;
    }

    /** One curl download: {@link #curl(Path, List, String...)} of a single URL. */
    static Download curl(Path scratch, String url, String... headers) throws Exception {
        return curl(scratch, List.of(url), headers).get(0);
    }

    /** Asserts a whole file came back with status 200, byte for byte. */
    static void assertWholeFile(File file, Download download) throws IOException {
        assertEquals(200, download.status(), download.toString());
        assertEquals(file.length(), download.size(), download.toString());
        assertEquals(TestFiles.sha256(file, 0, file.length()), download.sha256(), file.getName());
    }

    /** Asserts {@code [first, last]} of a file came back as a 206 partial response, byte for byte. */
    static void assertRange(File file, long first, long last, Download download) throws IOException {
        assertEquals(206, download.status(), download.toString());
        assertEquals("bytes " + first + '-' + last + '/' + file.length(),
                download.contentRange().toLowerCase(Locale.ROOT), download.toString());
        assertEquals(last - first + 1, download.size(), download.toString());
        assertEquals(TestFiles.sha256(file, first, last - first + 1), download.sha256(),
                file.getName() + " [" + first + ", " + last + ']');
    }

    /** The first and last byte of a {@code Range: bytes=first-last} header, or {@code null} for none or another. */
    static long[] parseRange(String header, long length) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length());
        int dash = spec.indexOf('-');
        if (dash <= 0) {
            return null;
        }
        long first = Long.parseLong(spec.substring(0, dash));
        long last = dash == spec.length() - 1 ? length - 1
                : Math.min(length - 1, Long.parseLong(spec.substring(dash + 1)));
        return first <= last ? new long[] {first, last} : null;
    }

    /** The {@code Content-Range} of a partial response. */
    static String contentRange(long first, long last, long length) {
        return "bytes " + first + '-' + last + '/' + length;
    }

    /**
     * Records the kinds of message a framework writes, placed in a pipeline just below the framework's own handler:
     * {@code "region"} (a {@link FileRegion}, what {@code AioFileRegionHandler} reads through AIO), {@code "chunked
     * input"} (a {@link ChunkedInput}, read by a {@code ChunkedWriteHandler} with blocking calls on the loop),
     * {@code "buffer"} (a buffer, or a message holding one), {@code "head"} (an HTTP message head without content),
     * or else the message's class name. One recorder may serve every connection of a server.
     */
    @ChannelHandler.Sharable
    static final class Recorder extends ChannelOutboundHandlerAdapter {
        private final Set<String> written = ConcurrentHashMap.newKeySet();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            written.add(msg instanceof FileRegion ? "region"
                    : msg instanceof ChunkedInput ? "chunked input"
                    : msg instanceof ByteBuf || msg instanceof ByteBufHolder ? "buffer"
                    : msg instanceof HttpMessage ? "head"
                    : msg.getClass().getName());
            super.write(ctx, msg, promise);
        }

        /** The kinds written so far, by every connection the recorder is in. */
        Set<String> written() {
            return Set.copyOf(written);
        }
    }

    /** The AIO counters of a group of loops at one moment, to compare with a later moment. */
    record Counts(long regions, long readsCompleted, long bytesRead, long pageCacheBytes, long fallbacks,
                  long errors, long admitted) {

        static Counts of(AioMetrics metrics) {
            return new Counts(metrics.regions(), metrics.readsCompleted(), metrics.bytesRead(),
                    metrics.pageCacheBytes(), metrics.fallbacks(), metrics.errors(), metrics.admitted());
        }

        /**
         * Asserts that since these counts were taken the given cold bytes were read from the disk through AIO: at
         * least one read per chunk, at least that many bytes, none from the page cache, no fallback and no error.
         */
        void assertReadThroughAio(AioMetrics metrics, long bytes) {
            Counts now = of(metrics);
            long chunk = AioFileRegionConfig.DEFAULT.chunkSize();
            assertTrue(now.regions - regions >= 1, "a region reached the handler: " + metrics);
            assertTrue(now.readsCompleted - readsCompleted >= (bytes + chunk - 1) / chunk,
                    "one AIO read per chunk at least: " + metrics);
            assertTrue(now.bytesRead - bytesRead >= bytes, "every byte read through AIO: " + metrics);
            assertEquals(pageCacheBytes, now.pageCacheBytes, "nothing served from the page cache: " + metrics);
            assertEquals(fallbacks, now.fallbacks, "no fallback: " + metrics);
            assertEquals(errors, now.errors, "no read error: " + metrics);
        }

        /**
         * Asserts that since these counts were taken the handler took {@code regions} regions, read at least one chunk
         * through AIO and the rest through AIO or the page cache, without fallback or error.
         */
        void assertServedByTheHandler(AioMetrics metrics, long regions, long bytes) {
            Counts now = of(metrics);
            assertEquals(regions, now.regions - this.regions, "regions: " + metrics);
            assertTrue(now.readsCompleted - readsCompleted >= 1, "AIO reads: " + metrics);
            assertTrue(now.bytesRead - bytesRead + now.pageCacheBytes - pageCacheBytes >= bytes,
                    "every byte read through AIO or served from the page cache: " + metrics);
            assertEquals(fallbacks, now.fallbacks, "no fallback: " + metrics);
            assertEquals(errors, now.errors, "no read error: " + metrics);
        }

        /** Asserts that since these counts were taken no region was admitted to the page cache. */
        void assertNoneAdmitted(AioMetrics metrics) {
            assertEquals(admitted, of(metrics).admitted, "admitted to the page cache: " + metrics);
        }

        /** Asserts that since these counts were taken the handler saw no region at all, and so read nothing. */
        void assertNoRegion(AioMetrics metrics) {
            Counts now = of(metrics);
            assertEquals(regions, now.regions, "no region reached the handler: " + metrics);
            assertEquals(readsCompleted, now.readsCompleted, "no AIO read: " + metrics);
            assertEquals(fallbacks, now.fallbacks, "no fallback either: " + metrics);
        }
    }

    /**
     * On a server of one event loop: a client asks for {@code path}, the cold file {@code big} (deleted at the end),
     * reads its first MiB and stops, so that the file is being read through AIO and most of it is not read yet (the
     * socket buffers hold a few MiB at most: Linux grows a send buffer to 4 MiB by default, and the client keeps its
     * receive buffer small). {@code small}, a request on another connection that asserts its own answer, is answered by the same loop meanwhile;
     * only then is the rest of the big file read, byte for byte. No assertion depends on how long anything took.
     *
     * @return the loop's counts from before the big file was asked for
     */
    static Counts assertAnsweredWhileABigFileIsRead(AioMetrics metrics, int port, String path, File big,
                                                    Executable small) throws Throwable {
        assertEquals(1, metrics.loopCount(), "one event loop serves every connection");
        String expected = TestFiles.sha256(big, 0, big.length());
        PageCache.evict(big);
        Counts before = Counts.of(metrics);
        try (SlowClient slow = new SlowClient(port, path)) {
            String head = slow.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            slow.readBody(1 << 20);
            long readSoFar = metrics.bytesRead() - before.bytesRead();
            assertTrue(readSoFar > 0 && readSoFar < big.length(),
                    "the big file is being read through AIO, " + readSoFar + " bytes so far: " + metrics);
            small.execute();
            long readWhenAnswered = metrics.bytesRead() - before.bytesRead();
            assertTrue(readWhenAnswered < big.length(), "the small response came before the big file was read: "
                    + readWhenAnswered + " of " + big.length() + " bytes");
            assertEquals(1 << 20, slow.received());
            assertEquals(expected, slow.readRest());
            assertEquals(big.length(), slow.received());
        } finally {
            Files.delete(big.toPath());
        }
        return before;
    }

    /** Asserts a body of the ASCII text {@code text} came back with status 200. */
    static void assertText(String text, Download download) {
        assertEquals(200, download.status(), download.toString());
        assertEquals(TestFiles.hex(TestFiles.sha256().digest(text.getBytes(StandardCharsets.US_ASCII))),
                download.sha256(), download.toString());
    }

    /**
     * A plain HTTP/1.1 GET on a socket of its own that reads the response only as far as it is told: a client that
     * is slow, or stops reading, as a real one may. It reads bodies framed by {@code Content-Length} or chunked.
     */
    static final class SlowClient implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final MessageDigest digest = TestFiles.sha256();
        private boolean chunked;
        /** Body bytes left: of the whole body, or of the current chunk when chunked. */
        private long left;
        private boolean ended;
        private long received;

        SlowClient(int port, String path) throws IOException {
            socket = new Socket();
            socket.setSoTimeout(60_000);
            // A small receive window (set before connecting), so that little of the response waits in this socket.
            socket.setReceiveBufferSize(64 << 10);
            socket.connect(new InetSocketAddress(HOST, port), 10_000);
            in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Reads the status line and headers; returns them. */
        String readHead() throws IOException {
            String head = readUntilEmptyLine();
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    left = Long.parseLong(lower.substring("content-length:".length()).trim());
                    ended = left == 0;
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            return head;
        }

        /** Reads {@code count} more bytes of the body. */
        void readBody(long count) throws IOException {
            byte[] buf = new byte[1 << 16];
            long wanted = count;
            while (wanted > 0) {
                if (!nextBytes()) {
                    throw new IOException("the body ended after " + received + " bytes");
                }
                int n = in.read(buf, 0, (int) Math.min(buf.length, Math.min(left, wanted)));
                if (n < 0) {
                    throw new IOException("connection closed after " + received + " bytes of the body");
                }
                digest.update(buf, 0, n);
                received += n;
                left -= n;
                wanted -= n;
                ended = !chunked && left == 0;
            }
        }

        /** Bytes of the body read so far. */
        long received() {
            return received;
        }

        /** Reads the rest of the body; returns the SHA-256 of the whole body. */
        String readRest() throws IOException {
            while (nextBytes()) {
                readBody(left);
            }
            return TestFiles.hex(digest.digest());
        }

        /** Whether body bytes follow; at the end of a chunk, reads the next chunk's size. */
        private boolean nextBytes() throws IOException {
            if (ended) {
                return false;
            }
            if (left > 0) {
                return true;
            }
            if (!chunked) {
                return false;
            }
            String line = readLine();
            if (line.isEmpty()) { // the CRLF that ends the previous chunk
                line = readLine();
            }
            int semicolon = line.indexOf(';');
            left = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
            if (left == 0) {
                readUntilEmptyLine(); // trailers
                ended = true;
                return false;
            }
            return true;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed in a line: " + line);
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private String readUntilEmptyLine() throws IOException {
            StringBuilder lines = new StringBuilder();
            for (String line; !(line = readLine()).isEmpty(); ) {
                lines.append(line).append("\r\n");
            }
            return lines.toString();
        }

        /** Hangs up at once, with a reset (no orderly close) as a client that gives up does. */
        void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
