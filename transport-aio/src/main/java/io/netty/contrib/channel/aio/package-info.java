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
 * Linux native AIO for Netty: O_DIRECT file reads completed on the channel's own epoll or io_uring event loop.
 * <p>
 * Servers use {@link io.netty.contrib.channel.aio.AioFileRegionHandler} (one line in a child initializer);
 * {@link io.netty.contrib.channel.aio.AioContext}, {@link io.netty.contrib.channel.aio.AioControlBlock} and
 * {@link io.netty.contrib.channel.aio.AioEvent} are the complete low-level binding.
 */
package io.netty.contrib.channel.aio;
