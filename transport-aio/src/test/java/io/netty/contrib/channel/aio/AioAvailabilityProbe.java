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

/**
 * Run in a child JVM by {@link AioUnavailableTest}: asks {@link Aio} three times and prints what it answered.
 */
public final class AioAvailabilityProbe {

    private AioAvailabilityProbe() {
    }

    public static void main(String[] args) {
        boolean available = Aio.isAvailable();
        try {
            Aio.ensureAvailability();
        } catch (UnsatisfiedLinkError expected) {
            System.out.println("ensureAvailability=" + expected.getMessage());
        }
        Throwable cause = Aio.unavailabilityCause();
        System.out.println("available=" + available);
        System.out.println("cause=" + (cause == null ? "null" : cause.getClass().getName()));
    }
}
