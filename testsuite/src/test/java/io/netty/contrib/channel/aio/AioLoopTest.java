package io.netty.contrib.channel.aio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The per-loop AIO state on a real epoll loop: batching, completion dispatch, a refused read failing alone. */
class AioLoopTest {

    @RegisterExtension
    static final LeakAndContextCheck CHECK = LeakAndContextCheck.perClass();

    private static final class TestRead extends AioLoop.Read {
        final CompletableFuture<Long> result = new CompletableFuture<>();

        TestRead(int fd, ByteBuf buf, int index, int length, long offset) {
            this.fd = fd;
            this.buffer = buf;
            this.index = index;
            this.length = length;
            this.offset = offset;
        }

        @Override
        void complete(long res) {
            result.complete(res);
        }

        @Override
        boolean isCancelled() {
            return false;
        }
    }

    @Test
    void aRefusedReadFailsAloneAndTheRestOfItsBatchCompletes() throws Exception {
        Aio.ensureAvailability();
        File file = TestFiles.create(TestFiles.directory("loop"), "loop.bin", 1 << 20, 31);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        List<ByteBuf> buffers = new ArrayList<>();
        try (AioFileDescriptor direct = AioFiles.open(file, AioFiles.O_RDONLY | AioFiles.O_DIRECT);
             AioFileDescriptor writeOnly = AioFiles.open(file, AioFiles.O_WRONLY)) {
            List<TestRead> reads = new ArrayList<>();
            AioMetrics metrics = AioMetrics.forLoop(loop);
            loop.submit(() -> {
                AioLoop aio = AioLoop.get(loop, metrics);
                assertNotNull(aio);
                // One loop iteration, one batch: good, refused (EBADF: not open for reading), good.
                for (int i = 0; i < 3; i++) {
                    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8192 + 4096);
                    buffers.add(buf);
                    int index = (int) ((4096 - (buf.memoryAddress() & 4095)) & 4095);
                    TestRead read = new TestRead(i == 1 ? writeOnly.intValue() : direct.intValue(), buf, index, 8192,
                            i * 65536L);
                    reads.add(read);
                    aio.read(read);
                }
            }).sync();
            assertEquals(8192L, reads.get(0).result.get(10, TimeUnit.SECONDS));
            assertEquals(-(long) Native.EBADF, reads.get(1).result.get(10, TimeUnit.SECONDS));
            assertEquals(8192L, reads.get(2).result.get(10, TimeUnit.SECONDS));
            byte[] got = new byte[8192];
            ByteBuf third = buffers.get(2);
            third.getBytes(reads.get(2).index, got);
            assertArrayEquals(TestFiles.read(file, 2 * 65536L, 8192), got);
            assertEquals(2, metrics.readsCompleted(), metrics.toString());
            assertEquals(0, metrics.inFlight(), metrics.toString());
        } finally {
            buffers.forEach(ByteBuf::release);
            group.shutdownGracefully(50, 5000, TimeUnit.MILLISECONDS).sync();
        }
    }
}
