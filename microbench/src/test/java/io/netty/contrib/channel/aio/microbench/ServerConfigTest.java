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
package io.netty.contrib.channel.aio.microbench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration names: a {@code +base} configuration runs the server of the build given with {@code --baseline}. */
class ServerConfigTest {

    @Test
    void aBaselineConfigurationIsTheSameServerOfAnotherBuild() {
        ServerConfig base = ServerConfig.parse("aio@io_uring+base");
        assertTrue(base.baseline);
        assertEquals("aio", base.mode);
        assertEquals("io_uring", base.transport);
        assertEquals("aio@io_uring+base", base.name);
        assertFalse(ServerConfig.parse("aio@io_uring").baseline);
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.parse("nginx+base"));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.parse("vertx-aio+base"));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.parse("aio+base+base"));
    }

    @Test
    void aBaselineConfigurationNeedsTheBaselineClassPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse("--configs", "aio,aio+base"));
        assertTrue(e.getMessage().contains("--baseline"), e.getMessage());
        assertEquals("/tmp/old.jar", BenchOptions.parse("--configs", "aio,aio+base", "--baseline", "/tmp/old.jar")
                .baseline);
    }
}
