package io.netty.contrib.channel.aio.microbench;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load harness itself works (no timing is asserted: numbers belong in the README, not in tests). */
class FileServerLoadTest {

    @ParameterizedTest
    @ValueSource(strings = {"aio", "sendfile", "chunked"})
    void eachModeServesCleanly(String mode) throws Exception {
        Path dir = Paths.get("target", "load-bench-smoke").toAbsolutePath();
        FileServerLoad.Result r = FileServerLoad.run(mode, dir, 8, 256 * 1024, 4, 1, true);
        assertEquals(0, r.errors, r.toString());
        assertTrue(r.requests > 0 && r.mibPerSecond > 0, r.toString());
        assertTrue(r.probeP50Ms > 0, r.toString());
    }
}
