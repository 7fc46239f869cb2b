/**
 * Linux native AIO for Netty: O_DIRECT file reads completed on the channel's own epoll or io_uring event loop.
 * <p>
 * Servers use {@link io.netty.contrib.channel.aio.AioFileRegionHandler} (one line in a child initializer);
 * {@link io.netty.contrib.channel.aio.AioContext}, {@link io.netty.contrib.channel.aio.AioControlBlock} and
 * {@link io.netty.contrib.channel.aio.AioEvent} are the complete low-level binding.
 */
package io.netty.contrib.channel.aio;
