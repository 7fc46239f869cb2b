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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.TestAbortedException;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The delivery tests on a file system of the subclass's choosing, mounted for the class under {@code target/} (root
 * only; skipped with the reason otherwise): byte-exact regions whose sizes and offsets lie around the 512 and 4096
 * boundaries, regions that end at an unaligned end of file, small chunks, TLS, hot files, many connections at once.
 * <p>
 * Which way a region goes ({@link Route}) is decided by facts probed on the mounted file system: whether it accepts
 * {@code O_DIRECT}, whether eviction really drops a file's pages, and whether it serves cached data to
 * {@code preadv2(RWF_NOWAIT)}. The subclass asserts those facts for its file system; the delivery tests then check
 * through {@link AioMetrics} that each region went that way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFileSystemDeliveryTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    /** File sizes around the sector (512), page (4096) and chunk (1 MiB) sizes. */
    private static final long[] SIZES = {1, 511, 512, 513, 4095, 4096, 4097, 8191, 8193, 1_048_575, 1_048_577,
        2_100_003};

    private static final AioFileRegionConfig SMALL_CHUNKS = AioFileRegionConfig.builder().chunkSize(4096)
            .readAhead(8).pageCachePolicy(AioFileRegionConfig.PageCachePolicy.ALWAYS_DIRECT).build();

    /** How the handler serves a region. */
    enum Route {
        /** O_DIRECT reads through the loop's AIO context. */
        AIO,
        /** From the page cache: {@code sendfile}, or under TLS a {@code preadv2(RWF_NOWAIT)} copy per chunk. */
        PAGE_CACHE,
        /** The region's own path, counted as {@link AioMetrics.Fallback#DIRECT_IO_REFUSED}. */
        REFUSED
    }

    TestMount mount;
    /** {@code open(O_DIRECT)} succeeds on this file system. */
    boolean directIoAccepted;
    /** A written, fsync'ed and evicted file still has all its pages cached ({@code null} without cachestat). */
    Boolean residentAfterEvict;
    /** A buffered {@code preadv2(RWF_NOWAIT)} of cached data succeeds (the handler's page-cache copy under TLS). */
    boolean nowaitCopyAccepted;
    AioFiles.DirectIoAlignment alignment;
    private TestServer server;
    /** Why the file system could not be mounted, or {@code null}. */
    private String skipped;

    /** Mounts the file system under test. */
    abstract TestMount mount() throws Exception;

    @BeforeAll
    void mountAndStart() throws Exception {
        Aio.ensureAvailability();
        long start = System.nanoTime();
        try {
            mount = mount();
        } catch (TestAbortedException e) {
            // Skipped in @BeforeAll, a class reports no tests at all (surefire): each test skips with the reason.
            skipped = e.getMessage().replaceFirst("^Assumption failed: ", "");
            System.out.println(getClass().getSimpleName() + " skipped: " + skipped);
            return;
        }
        long mountMillis = (System.nanoTime() - start) / 1_000_000;
        File probe = TestFiles.create(mount.dir, "probe", 64 << 10, 1);
        PageCache.evict(probe);
        if (PageCache.isResidencySupported()) {
            residentAfterEvict = PageCache.residentBytes(probe, 0, probe.length()) == probe.length();
        }
        TestFiles.sha256(probe, 0, probe.length()); // cached again
        ByteBuf buf = Unpooled.directBuffer(4096);
        try (AioFileDescriptor fd = AioFiles.open(probe, AioFiles.O_RDONLY)) {
            nowaitCopyAccepted = AioFiles.preadv2(fd, buf, 0, 4096, 0, AioFiles.RWF_NOWAIT) == 4096;
        } catch (IOException e) {
            System.out.println(mount.type + " refuses preadv2(RWF_NOWAIT): " + e.getMessage());
        } finally {
            buf.release();
        }
        try (AioFileDescriptor fd = AioFiles.open(probe, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            directIoAccepted = true;
            alignment = AioFiles.alignment(fd);
        } catch (IOException e) {
            directIoAccepted = false;
            System.out.println(mount.type + " refuses O_DIRECT: " + e.getMessage());
        }
        System.out.println(mount + " (made and mounted in " + mountMillis + " ms): O_DIRECT "
                + (directIoAccepted ? "accepted, " + alignment : "refused")
                + ", resident after eviction: " + residentAfterEvict + ", RWF_NOWAIT copy of cached data: "
                + (nowaitCopyAccepted ? "works" : "refused") + ", kernel " + System.getProperty("os.version"));
        server = new TestServer(mount.dir, true, false, AioDeliveryTest.SERVE_RESIDENT);
    }

    @BeforeEach
    void skipWithoutTheFileSystem() {
        assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void stopAndUnmount() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (mount != null) {
                mount.close();
            }
        }
    }

    /** The route of a cold region under {@code config}, as this file system's facts decide it. */
    Route expectedRoute(AioFileRegionConfig config, boolean tls) {
        return route(config, tls, Boolean.TRUE.equals(residentAfterEvict));
    }

    /**
     * The route of a region whose pages are all cached ({@code resident}) or none. Without TLS a resident region goes
     * to sendfile before O_DIRECT is tried; with TLS the stream opens the file with O_DIRECT first, then copies each
     * resident chunk with {@code preadv2(RWF_NOWAIT)}, and reads it with AIO where that copy is refused.
     */
    Route route(AioFileRegionConfig config, boolean tls, boolean resident) {
        boolean cached = resident && PageCache.isResidencySupported()
                && config.pageCachePolicy() == AioFileRegionConfig.PageCachePolicy.SERVE_RESIDENT;
        if (cached && !tls) {
            return Route.PAGE_CACHE;
        }
        if (!directIoAccepted) {
            return Route.REFUSED;
        }
        return cached && nowaitCopyAccepted ? Route.PAGE_CACHE : Route.AIO;
    }

    /** {@code true} if the running kernel's version is at least {@code major.minor}. */
    static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int maj = Integer.parseInt(v[0]);
        int min = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        return maj > major || maj == major && min >= minor;
    }

    /** Whole files and ranges that start or end next to 512 and 4096 boundaries, many ending at an unaligned EOF. */
    static List<long[]> ranges(long size) {
        List<long[]> ranges = new ArrayList<>();
        ranges.add(new long[] {0, size});
        if (size > 2) {
            ranges.add(new long[] {1, size - 2});
            ranges.add(new long[] {size - 1, 1});
        }
        for (long start : new long[] {511, 512, 513, 4095, 4096, 4097}) {
            if (size > start) {
                ranges.add(new long[] {start, size - start}); // to the end of the file
            }
        }
        if (size > 4095 + 4098) {
            ranges.add(new long[] {4095, 4098}); // across the first page boundary, both ends unaligned
        }
        return ranges;
    }

    @Test
    void alignmentEdgesArriveByteExact() throws Exception {
        List<File> files = new ArrayList<>();
        for (long size : SIZES) {
            files.add(TestFiles.create(mount.dir, "edge-" + size, size, size));
        }
        deliver(server, false, AioDeliveryTest.SERVE_RESIDENT, files);
    }

    @Test
    void smallChunksCrossEveryBoundary() throws Exception {
        List<File> files = new ArrayList<>();
        files.add(TestFiles.create(mount.dir, "small-chunks-a", 300_001, 31));
        files.add(TestFiles.create(mount.dir, "small-chunks-b", 8193, 32));
        try (TestServer own = new TestServer(mount.dir, true, false, SMALL_CHUNKS)) {
            Delta delta = deliver(own, false, SMALL_CHUNKS, files);
            if (expectedRoute(SMALL_CHUNKS, false) == Route.AIO) {
                assertTrue(delta.readsCompleted >= delta.bytes / 4096, delta.toString());
            }
        }
    }

    @Test
    void tlsDeliveryTakesTheSameRoute() throws Exception {
        List<File> files = new ArrayList<>();
        files.add(TestFiles.create(mount.dir, "tls-a", 4097, 41));
        files.add(TestFiles.create(mount.dir, "tls-b", 1_048_577, 42));
        try (TestServer tls = new TestServer(mount.dir, true, true, AioDeliveryTest.SERVE_RESIDENT)) {
            deliver(tls, true, AioDeliveryTest.SERVE_RESIDENT, files);
        }
    }

    @Test
    void aHotFileIsServedFromThePageCache() throws Exception {
        deliverHot(server, false);
    }

    @Test
    void aHotFileUnderTls() throws Exception {
        try (TestServer tls = new TestServer(mount.dir, true, true, AioDeliveryTest.SERVE_RESIDENT)) {
            deliverHot(tls, true);
        }
    }

    private void deliverHot(TestServer server, boolean tls) throws Exception {
        File file = TestFiles.create(mount.dir, tls ? "hot-tls" : "hot", 2_000_003, 51);
        String expected = TestFiles.sha256(file, 0, file.length()); // and now it is cached
        if (PageCache.isResidencySupported()) {
            assertEquals(file.length(), PageCache.residentBytes(file, 0, file.length()));
        } // else the handler cannot know and reads it with AIO like a cold file
        Counts before = new Counts(server.metrics());
        try (TestClient client = new TestClient(server.port(), tls)) {
            client.send("REGION " + file.getName() + " 0 " + file.length());
            assertEquals(expected, client.sha256(file.length()));
            assertNull(server.nextResult());
        }
        Delta delta = new Counts(server.metrics()).minus(before, file.length());
        Route route = route(AioDeliveryTest.SERVE_RESIDENT, tls, true);
        System.out.println(mount.type + (tls ? " TLS" : " plain") + ", hot: " + route + ", " + delta);
        assertRoute(route, delta);
    }

    @Test
    void sixteenConnectionsAtOnce() throws Exception {
        List<File> files = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 16; i++) {
            File file = TestFiles.create(mount.dir, "conn-" + i, (1 << 20) + 4099L * i, 600 + i);
            files.add(file);
            expected.add(TestFiles.sha256(file, 0, file.length()));
            PageCache.evict(file);
            bytes += file.length();
        }
        Counts before = new Counts(server.metrics());
        long start = System.nanoTime();
        AioDeliveryTest.downloadAtOnce(server, files, expected);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Delta delta = new Counts(server.metrics()).minus(before, bytes);
        System.out.println(mount.type + ": 16 cold files at once, " + (bytes >> 20) + " MiB in " + millis + " ms: "
                + delta);
        assertRoute(expectedRoute(AioDeliveryTest.SERVE_RESIDENT, false), delta);
    }

    /** The low-level binding on this file system: a misaligned O_DIRECT read, refused or served. */
    @Test
    void aMisalignedDirectRead() throws Exception {
        assumeTrue(directIoAccepted, mount.type + " refuses O_DIRECT");
        ByteBuffer buffer = alignedBuffer();
        long res = directRead(3, buffer);
        System.out.println(mount.type + ": O_DIRECT read of 4096 bytes at offset 3 -> res " + res);
        assertMisalignedRead(res, TestFiles.read(directReadFile(), 3, 4096), buffer);
    }

    /** 4096 bytes of direct memory aligned to 4096. */
    static ByteBuffer alignedBuffer() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16384).alignedSlice(4096);
        buffer.limit(4096);
        return buffer;
    }

    /**
     * One O_DIRECT {@code IOCB_CMD_PREAD} of {@code buffer.remaining()} bytes at {@code offset} of a cold 16 KiB file,
     * through a context of its own; returns the completion's {@code res}.
     */
    long directRead(long offset, ByteBuffer buffer) throws IOException {
        File file = directReadFile();
        PageCache.evict(file);
        AioEvent[] events = new AioEvent[1];
        try (AioContext ctx = new AioContext(4);
             AioFileDescriptor fd = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT)) {
            ctx.submit(new AioControlBlock().opcode(AioControlBlock.IOCB_CMD_PREAD).fd(fd.intValue()).offset(offset)
                    .buffer(buffer));
            assertEquals(1, ctx.getEvents(1, events, Duration.ofSeconds(30)));
        }
        return events[0].res();
    }

    private File directReadFile() throws IOException {
        File file = mount.dir.resolve("direct-read").toFile();
        return file.length() == 16384 ? file : TestFiles.create(mount.dir, "direct-read", 16384, 61);
    }

    /** Checks what the file system did with a 4096-byte O_DIRECT read at offset 3 ({@code res}, the buffer). */
    abstract void assertMisalignedRead(long res, byte[] expected, ByteBuffer buffer);

    /** Asserts that a misaligned O_DIRECT read was served byte for byte (the file system went through its cache). */
    static void assertServed(long res, byte[] expected, ByteBuffer buffer) {
        assertEquals(expected.length, res);
        byte[] got = new byte[expected.length];
        buffer.duplicate().position(0).get(got);
        assertTrue(Arrays.equals(expected, got), "the misaligned read's bytes");
    }

    /**
     * Downloads every range of every file, each cold, on one connection; checks the bytes and that the regions took
     * the route this file system's facts predict.
     */
    Delta deliver(TestServer server, boolean tls, AioFileRegionConfig config, List<File> files) throws Exception {
        Counts before = new Counts(server.metrics());
        long bytes = 0;
        try (TestClient client = new TestClient(server.port(), tls)) {
            for (File file : files) {
                for (long[] range : ranges(file.length())) {
                    AioDeliveryTest.download(server, client, "REGION", file, range[0], range[1]);
                    bytes += range[1];
                }
            }
        }
        Delta delta = new Counts(server.metrics()).minus(before, bytes);
        Route route = expectedRoute(config, tls);
        System.out.println(mount.type + (tls ? " TLS " : " plain ") + config + ": " + route + ", " + delta);
        assertRoute(route, delta);
        return delta;
    }

    static void assertRoute(Route route, Delta delta) {
        assertEquals(0, delta.errors, delta.toString());
        switch (route) {
            case AIO:
                assertTrue(delta.readsCompleted >= delta.regions, "every region is read with AIO: " + delta);
                assertTrue(delta.bytesRead >= delta.bytes, "AIO read at least the regions' bytes: " + delta);
                assertEquals(0, delta.pageCacheBytes, "nothing from the page cache: " + delta);
                assertEquals(0, delta.fallbacks, "no fallback: " + delta);
                break;
            case PAGE_CACHE:
                // Resident: from the page cache. Under TLS a chunk is copied with RWF_NOWAIT, which may refuse a
                // cached page for a moment on a loaded machine (seen once on btrfs while another build ran): that
                // chunk is read with AIO instead, as the loop must not wait. Most bytes still come from the cache.
                assertTrue(delta.pageCacheBytes * 2 >= delta.bytes, "resident regions come from the page cache: "
                        + delta);
                assertTrue(delta.pageCacheBytes + delta.bytesRead >= delta.bytes, "every byte sent: " + delta);
                assertEquals(0, delta.fallbacks, "no fallback: " + delta);
                break;
            case REFUSED:
                assertEquals(0, delta.readsSubmitted, "no AIO read where O_DIRECT is refused: " + delta);
                assertEquals(delta.regions, delta.refused, "each region counts the refusal: " + delta);
                break;
            default:
                throw new AssertionError(route);
        }
    }

    /** A snapshot of a loop's counters. */
    static final class Counts {
        final long regions;
        final long readsSubmitted;
        final long readsCompleted;
        final long bytesRead;
        final long pageCacheBytes;
        final long fallbacks;
        final long refused;
        final long errors;

        Counts(AioMetrics m) {
            regions = m.regions();
            readsSubmitted = m.readsSubmitted();
            readsCompleted = m.readsCompleted();
            bytesRead = m.bytesRead();
            pageCacheBytes = m.pageCacheBytes();
            fallbacks = m.fallbacks();
            refused = m.fallbacks(AioMetrics.Fallback.DIRECT_IO_REFUSED);
            errors = m.errors();
        }

        /** What changed since {@code before}, while {@code bytes} bytes of regions were delivered. */
        Delta minus(Counts before, long bytes) {
            return new Delta(this, before, bytes);
        }
    }

    /** The change of a loop's counters over some deliveries. */
    static final class Delta {
        final long bytes;
        final long regions;
        final long readsSubmitted;
        final long readsCompleted;
        final long bytesRead;
        final long pageCacheBytes;
        final long fallbacks;
        final long refused;
        final long errors;

        Delta(Counts after, Counts before, long bytes) {
            this.bytes = bytes;
            regions = after.regions - before.regions;
            readsSubmitted = after.readsSubmitted - before.readsSubmitted;
            readsCompleted = after.readsCompleted - before.readsCompleted;
            bytesRead = after.bytesRead - before.bytesRead;
            pageCacheBytes = after.pageCacheBytes - before.pageCacheBytes;
            fallbacks = after.fallbacks - before.fallbacks;
            refused = after.refused - before.refused;
            errors = after.errors - before.errors;
        }

        @Override
        public String toString() {
            return "regions " + regions + " (" + bytes + " bytes), AIO reads " + readsSubmitted + '/' + readsCompleted
                    + " (" + bytesRead + " bytes), page cache " + pageCacheBytes + " bytes, fallbacks " + fallbacks
                    + " (O_DIRECT refused " + refused + "), errors " + errors;
        }
    }
}
