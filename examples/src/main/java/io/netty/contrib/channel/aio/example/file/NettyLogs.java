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

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Netty's own log lines go through the server's limit too. Netty logs what a client did to its connection (a flood
 * of PING or SETTINGS frames, too many resets, a bad frame) at INFO or WARNING, with a stack trace: one hostile client
 * could write thousands of lines. Installed once per JVM, a handler on the {@code io.netty} logger takes the records
 * of Netty's loggers (the server's own are limited where they are made) and logs each as one line through a
 * {@link FailureLog}: at most one INFO line a second, the others, and every stack trace, at DEBUG.
 */
final class NettyLogs extends Handler {

    private static final String OWN = FileServer.class.getPackageName();
    private static boolean installed;

    private final FailureLog limit = new FailureLog();

    private NettyLogs() {
    }

    /** Routes Netty's log records through the limit, once per JVM; later calls do nothing. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Logger netty = Logger.getLogger("io.netty");
        netty.setUseParentHandlers(false);
        netty.addHandler(new NettyLogs());
    }

    @Override
    public void publish(LogRecord record) {
        String name = record.getLoggerName();
        if (name != null && name.startsWith(OWN) || record.getLevel().intValue() < Level.INFO.intValue()) {
            Logger.getLogger("").log(record); // to the usual handlers, as if this one were not here
            return;
        }
        String line = name.substring(name.lastIndexOf('.') + 1) + ": " + record.getMessage();
        if (record.getThrown() != null) {
            line += ": " + record.getThrown();
            limit.debug(line + " " + java.util.Arrays.toString(record.getThrown().getStackTrace()));
        }
        limit.notice(line);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
