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
 * Linux native AIO for Netty: O_DIRECT file reads completed on the channel's own epoll or io_uring event loop, so a
 * file that is not in the page cache never blocks the loop, and no other thread is involved.
 * <p>
 * A server turns it on with one line in its child initializer, nearest the socket (with TLS, right after the
 * {@code SslHandler}), and writes its {@code DefaultFileRegion}s as before:
 *
 * <pre>{@code
 * new ServerBootstrap()
 *         .group(new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory()))
 *         .channel(EpollServerSocketChannel.class)
 *         .childHandler(new ChannelInitializer<SocketChannel>() {
 *             @Override
 *             protected void initChannel(SocketChannel ch) {
 *                 ch.pipeline().addLast(new AioFileRegionHandler());   // before the codecs
 *                 ch.pipeline().addLast(new HttpServerCodec(), new MyFileHandler());
 *             }
 *         });
 * // in MyFileHandler, unchanged: ctx.write(new DefaultFileRegion(file, 0, file.length()));
 * }</pre>
 *
 * The classes come from {@code io.netty.contrib:netty-transport-aio}, the JNI library from
 * {@code io.netty.contrib:netty-transport-aio-native} with the platform's classifier ({@code linux-x86_64} or
 * {@code linux-aarch_64}); {@code io.netty.contrib:netty-transport-aio-bom} sets their version:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.netty.contrib</groupId>
 *   <artifactId>netty-transport-aio</artifactId>
 * </dependency>
 * <dependency>
 *   <groupId>io.netty.contrib</groupId>
 *   <artifactId>netty-transport-aio-native</artifactId>
 *   <classifier>linux-x86_64</classifier>
 * </dependency>
 * }</pre>
 *
 * <h2>Netty integration</h2>
 * <ul>
 *   <li>{@link io.netty.contrib.channel.aio.AioFileRegionHandler}: streams {@code DefaultFileRegion}s and
 *   {@link io.netty.contrib.channel.aio.AioFileRegion}s through AIO, configured by
 *   {@link io.netty.contrib.channel.aio.AioFileRegionConfig} and, per event loop,
 *   {@link io.netty.contrib.channel.aio.AioLoopConfig} (given to the loops themselves with
 *   {@link io.netty.contrib.channel.aio.AioIoHandler});</li>
 *   <li>{@link io.netty.contrib.channel.aio.AioChunkedInput}: a {@code ChunkedInput<ByteBuf>} read by AIO, for
 *   HTTP/2, compression and other pipelines that need bytes;</li>
 *   <li>{@link io.netty.contrib.channel.aio.AioFileSink}: writes a stream of buffers to a file with AIO;</li>
 *   <li>{@link io.netty.contrib.channel.aio.AioMetrics} and {@link io.netty.contrib.channel.aio.DurationHistogram}:
 *   per-loop counters, loop lag and iteration times;</li>
 *   <li>{@link io.netty.contrib.channel.aio.Aio}: whether the native library and the kernel's AIO are
 *   available.</li>
 * </ul>
 *
 * <h2>Raw Linux AIO binding</h2>
 * <ul>
 *   <li>{@link io.netty.contrib.channel.aio.AioContext}, {@link io.netty.contrib.channel.aio.AioControlBlock} and
 *   {@link io.netty.contrib.channel.aio.AioEvent}: {@code io_setup}, {@code io_submit}, {@code io_getevents},
 *   {@code io_cancel} and {@code io_destroy}, without libaio;</li>
 *   <li>{@link io.netty.contrib.channel.aio.AioEventFd}: an eventfd for {@code IOCB_FLAG_RESFD};</li>
 *   <li>{@link io.netty.contrib.channel.aio.AioFiles} and {@link io.netty.contrib.channel.aio.AioFileDescriptor}:
 *   {@code O_DIRECT} opens, {@code statx} alignment, {@code preadv2};</li>
 *   <li>{@link io.netty.contrib.channel.aio.PageCache}: page-cache residency ({@code cachestat}) and eviction
 *   ({@code posix_fadvise}).</li>
 * </ul>
 *
 * <h2>For servers that look files up on the event loop</h2>
 * <ul>
 *   <li>{@link io.netty.contrib.channel.aio.FileLookups}: {@code openat2} beneath a directory or from the kernel's
 *   caches only, {@code fstat} of a descriptor, a {@code FileChannel} from a descriptor (the file server example
 *   uses them; the handler does not need them).</li>
 * </ul>
 */
package io.netty.contrib.channel.aio;
