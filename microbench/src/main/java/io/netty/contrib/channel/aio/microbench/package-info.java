/**
 * Benchmarks: {@link io.netty.contrib.channel.aio.microbench.LoadBench} drives the file server and nginx, each in a
 * process of its own, with {@code wrk} (hot, cold, isolation, Zipf, size and scale workloads) and writes a Markdown
 * report with charts; {@code AioReadBenchmark} is the JMH benchmark of the binding's per-read cost.
 */
package io.netty.contrib.channel.aio.microbench;
