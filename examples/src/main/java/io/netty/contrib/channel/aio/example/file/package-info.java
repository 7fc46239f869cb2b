/**
 * An HTTP/1.1 static file server on {@link io.netty.contrib.channel.aio.AioFileRegionHandler}, runnable as
 * {@code examples/target/file-server.jar}; {@code --mode aio|sendfile|chunked} serves the same files in the three
 * ways for side-by-side comparison.
 */
package io.netty.contrib.channel.aio.example.file;
