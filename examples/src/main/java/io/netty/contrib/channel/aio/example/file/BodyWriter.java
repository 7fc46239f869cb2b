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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.contrib.channel.aio.AioChunkedInput;
import io.netty.contrib.channel.aio.AioFileRegionConfig;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * How a file body is written on a channel: as a {@link DefaultFileRegion} where the pipeline can carry one, else as a
 * chunked input of {@link HttpContent}s for the channel's {@code ChunkedWriteHandler}.
 *
 * <p>A region (sendfile, or AIO through {@code AioFileRegionHandler}) is written on HTTP/1.1 connections in the aio
 * and sendfile modes. Chunks are needed in chunked mode, on an HTTP/2 stream (a DATA frame carries bytes, not a
 * region) and for a body that is compressed (the compressor takes {@code HttpContent}s). Their flow control is the
 * channel's writability: on an HTTP/2 stream, the stream's flow-control window.
 *
 * <p>Chunks are read by {@link AioChunkedInput} in aio mode (by AIO on the channel's loop, never blocking it; it falls
 * back to plain reads where AIO cannot be used, as a region does), and by a {@code ChunkedNioFile} in the other modes
 * (blocking reads on the loop, as the modes without AIO are meant to show).
 */
final class BodyWriter {

    /** Bytes per chunk of a blocking chunked input ({@code AioChunkedInput} uses its configuration's). */
    static final int CHUNK_SIZE = 64 * 1024;

    private final FileServerOptions.Mode mode;
    private final AioFileRegionConfig aio;
    private final SharedFiles files;

    /**
     * @param files the server's files open for regions, shared by the responses that send the same file
     */
    BodyWriter(FileServerOptions.Mode mode, AioFileRegionConfig aio, SharedFiles files) {
        this.aio = aio;
        this.mode = mode;
        this.files = files;
    }

    /**
     * {@code true} if a body on {@code channel} travels as chunks, given whether it is compressed and where it ends in
     * its file.
     */
    boolean chunks(Channel channel, boolean compressed, long end) {
        return compressed || mode == FileServerOptions.Mode.CHUNKED || channel instanceof Http2StreamChannel
                || mode == FileServerOptions.Mode.SENDFILE && end > Integer.MAX_VALUE
                && regionsNeedSmallOffsets(channel);
    }

    /**
     * {@code true} for a channel whose file regions must end within 2 GiB: Netty's io_uring channels keep a region's
     * offset and length in an {@code int} (4.2.18), and would send the bytes of another part of the file. (In aio mode
     * {@code AioFileRegionHandler} copies such regions into buffers itself.) The first such body adds a
     * {@code ChunkedWriteHandler} to the connection's pipeline.
     */
    static boolean regionsNeedSmallOffsets(Channel channel) {
        return channel instanceof IoUringSocketChannel;
    }

    /**
     * The message that carries {@code count} bytes of {@code file} from {@code position} on {@code ctx}'s channel. It
     * owns {@code file} from now on: the file is closed when the message has been written or dropped (a region's file
     * may be closed at once, when a region of another response already has the same file open: {@link SharedFiles}).
     *
     * @param fileKey the file's device and inode, or {@code null} if unknown (the region keeps {@code file})
     *
     * @throws IOException if a chunked input cannot be made (the file is closed then)
     */
    Object body(ChannelHandlerContext ctx, FileChannel file, Object fileKey, long position, long count,
                boolean compressed) throws IOException {
        if (!chunks(ctx.channel(), compressed, position + count)) {
            return files.region(file, fileKey, position, count);
        }
        if (mode == FileServerOptions.Mode.AIO) {
            // Reads on the loop of the channel the chunks are written to: on an HTTP/2 stream, the connection's.
            return new Contents(new AioChunkedInput(ctx.channel(), file, position, count, aio));
        }
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            // Sendfile mode on io_uring, a range past 2 GiB: chunks, which need the handler that writes them.
            ctx.pipeline().addBefore(ctx.name(), null, new ChunkedWriteHandler());
        }
        try {
            return new Contents(new CheckedChunkedNioFile(file, position, count, CHUNK_SIZE));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * The chunks of a byte input as {@link HttpContent}s, none of them the last: the response's
     * {@code LastHttpContent} is written after the body (and, in a multipart response, after the parts that follow).
     */
    static final class Contents implements ChunkedInput<HttpContent> {

        private final ChunkedInput<ByteBuf> bytes;

        Contents(ChunkedInput<ByteBuf> bytes) {
            this.bytes = bytes;
        }

        @Override
        public boolean isEndOfInput() throws Exception {
            return bytes.isEndOfInput();
        }

        @Override
        public void close() throws Exception {
            bytes.close();
        }

        @Deprecated
        @Override
        public HttpContent readChunk(ChannelHandlerContext ctx) throws Exception {
            return readChunk(ctx.alloc());
        }

        @Override
        public HttpContent readChunk(ByteBufAllocator allocator) throws Exception {
            ByteBuf chunk = bytes.readChunk(allocator);
            return chunk == null ? null : new DefaultHttpContent(chunk);
        }

        @Override
        public long length() {
            return bytes.length();
        }

        @Override
        public long progress() {
            return bytes.progress();
        }
    }
}
