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
/**
 * Benchmarks: {@link io.netty.contrib.channel.aio.microbench.LoadBench} drives the file server and nginx, each in a
 * process of its own, with {@code wrk} (hot, evicted-repeat, isolation, Zipf, size, scale and first-touch workloads),
 * {@code h2load} (h2) and stalled clients beside {@code curl} (stalled), and writes a Markdown report with charts;
 * {@code AioReadBenchmark} is the JMH benchmark of the binding's per-read cost.
 */
package io.netty.contrib.channel.aio.microbench;
