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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The one format of every line the server logs once started: local date and time, the level's name (not a
 * translation: {@code INFO} in any locale) and the message, for example
 * {@code 2026-12-06 23:22:28 INFO Serving /srv on …}; a stack trace, when there is one, follows on its own lines.
 * Option errors before the start are {@code file-server: …} lines, as a command's are; the access log has its own
 * formats.
 */
final class LogFormat extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /**
     * Formats the handlers of the root logger (Java logging's console handler, on standard error) this way, unless
     * the JVM was given a format of its own ({@code -Djava.util.logging.SimpleFormatter.format=…}). Also loads the
     * time-zone data now: loaded by the first log line instead, a failure logged while the process is out of
     * descriptors ({@code EMFILE}) would throw an {@code Error} from the handler instead of being written.
     */
    static void install() {
        LogFormat format = new LogFormat();
        format.format(new LogRecord(java.util.logging.Level.INFO, "file-server"));
        if (System.getProperty("java.util.logging.SimpleFormatter.format") != null) {
            return;
        }
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(format);
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(TIME.format(record.getInstant())).append(' ')
                .append(record.getLevel().getName()).append(' ').append(formatMessage(record)).append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
