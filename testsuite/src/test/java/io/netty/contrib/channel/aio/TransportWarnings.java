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

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what the transport logs at WARNING and above while it is open (Netty logs through Java logging here). */
final class TransportWarnings extends Handler implements AutoCloseable {

    /** Held, so that the handler stays attached: {@link Logger}s are only weakly referenced by their manager. */
    private static final Logger TRANSPORT_LOGGER = Logger.getLogger("io.netty.contrib.channel.aio");

    private final List<LogRecord> records = new ArrayList<>();

    /** Starts collecting. */
    static TransportWarnings collect() {
        TransportWarnings warnings = new TransportWarnings();
        TRANSPORT_LOGGER.addHandler(warnings);
        return warnings;
    }

    private TransportWarnings() {
    }

    /** The records so far. */
    List<LogRecord> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            synchronized (records) {
                records.add(record);
            }
        }
    }

    @Override
    public void flush() {
    }

    /** Stops collecting. */
    @Override
    public void close() {
        TRANSPORT_LOGGER.removeHandler(this);
    }
}
