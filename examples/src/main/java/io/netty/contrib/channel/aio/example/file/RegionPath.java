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

import java.util.Locale;

/**
 * Which path the bodies of files take, in words, from the server's real configuration: the mode, the transport of
 * its event loops, TLS, and whether AIO works here. The start line prints it, for example
 * {@code mode aio: files are read with Linux AIO, so disk reads do not block the epoll loops} or
 * {@code mode sendfile: files are sent with sendfile(2) on epoll loops, and a disk read blocks the loop}.
 */
final class RegionPath {

    private RegionPath() {
    }

    /**
     * {@code true} if {@code AioFileRegionHandler} streams regions through AIO on event loops of {@code transport}.
     * Epoll and io_uring loops carry the AIO completions; NIO loops do not.
     */
    static boolean loopsRunAio(FileServerOptions.Transport transport) {
        return transport == FileServerOptions.Transport.EPOLL || transport == FileServerOptions.Transport.IO_URING;
    }

    /**
     * How file bodies travel.
     *
     * @param mode the {@code --mode}
     * @param transport the transport of the event loops (resolved: not {@code AUTO})
     * @param tls {@code true} with {@code --tls}
     * @param aioUnavailable why AIO cannot be used in this process ({@code Aio.unavailabilityCause()}), or
     *                       {@code null} if it can
     */
    static String describe(FileServerOptions.Mode mode, FileServerOptions.Transport transport, boolean tls,
                           Throwable aioUnavailable) {
        String loops = name(transport) + " loops";
        switch (mode) {
            case AIO:
                if (!loopsRunAio(transport)) {
                    return "mode aio on " + loops + ": Linux AIO needs epoll or io_uring loops; files are sent with "
                            + ownPath(transport, tls) + ", and a disk read blocks the loop";
                }
                if (aioUnavailable != null) {
                    return "mode aio: Linux AIO is unavailable (" + aioUnavailable + "); files are sent with "
                            + ownPath(transport, tls) + ", and a disk read blocks the loop";
                }
                return "mode aio: files are read with Linux AIO, so disk reads do not block the " + loops
                        + (tls ? "; TLS on the loops" : "");
            case SENDFILE:
                return "mode sendfile: files are sent with " + ownPath(transport, tls) + " on " + loops
                        + ", and a disk read blocks the loop";
            default:
                return "mode chunked: files are read and copied by ChunkedNioFile on " + loops
                        + ", and a disk read blocks the loop" + (tls ? "; TLS on the loops" : "");
        }
    }

    /** What the transport does with a {@code DefaultFileRegion} written to it (under TLS: the handler's copy). */
    private static String ownPath(FileServerOptions.Transport transport, boolean tls) {
        if (tls) {
            return "blocking reads and a copy, then TLS";
        }
        switch (transport) {
            case EPOLL:
                return "sendfile(2)";
            case IO_URING:
                return "splice(2)";
            default:
                return "FileChannel.transferTo";
        }
    }

    private static String name(FileServerOptions.Transport transport) {
        return transport.name().toLowerCase(Locale.ROOT);
    }
}
