/**
 * Benchmarks: {@link io.netty.contrib.channel.aio.microbench.FileServerLoad} drives the file server in each mode
 * with cold and hot files and prints throughput, latency and event-loop CPU side by side.
 */
package io.netty.contrib.channel.aio.microbench;
