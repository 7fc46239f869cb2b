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

import io.netty.contrib.channel.aio.AioFileRegionConfig;
import io.netty.contrib.channel.aio.AioLoopConfig;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/** The file server's command line. */
final class FileServerOptions {

    /** How file bodies are written. */
    enum Mode {
        /** {@code DefaultFileRegion} through {@code AioFileRegionHandler}: O_DIRECT AIO on the channel's loop. */
        AIO,
        /** {@code DefaultFileRegion} without the handler: {@code sendfile(2)} on the loop. */
        SENDFILE,
        /** {@code ChunkedNioFile} through {@code ChunkedWriteHandler}: blocking reads and a copy, on the loop. */
        CHUNKED
    }

    /** How upload bodies are written. */
    enum UploadIo {
        /** {@code AioFileSink}: O_DIRECT AIO writes on the connection's loop. */
        AIO,
        /** {@code FileChannel.write} and {@code force} on the loop, for comparison. */
        BLOCKING
    }

    /** Which Netty transport carries the connections. */
    enum Transport {
        /** epoll when available, else NIO. */
        AUTO,
        EPOLL,
        IO_URING,
        NIO
    }

    static final String USAGE = String.join("\n",
            "usage: java -jar file-server.jar [options]",
            "  --root DIR      directory to serve (default: the current directory)",
            "  --port N        TCP port, 0 for any free port (default: 8080)",
            "  --bind ADDR     address to listen on (default: 127.0.0.1)",
            "  --threads N     event loops (default: the number of cores)",
            "  --mode MODE     aio | sendfile | chunked (default: aio)",
            "  --transport T   auto | epoll | io_uring | nio (default: auto, epoll when available)",
            "  --idle-timeout S  close idle connections and stalled responses after S seconds (default: 60)",
            "  --header-timeout S  close a connection whose request head is not complete in S seconds (default: 30)",
            "  --stop-timeout S  on SIGINT or SIGTERM, let transfers in flight finish for at most S seconds, then",
            "                  close them; the server has stopped within S seconds (default: 10)",
            "  --max-pipelined N  requests read ahead of the response being sent; then reading pauses (default: 16)",
            "  --max-ranges N  a Range header with more ranges is ignored: the whole file is sent (default: 16)",
            "  --dotfiles D    hide | allow: names that start with '.' are hidden from listings and answered with 404",
            "                  unless allowed (default: hide)",
            "  --access-log F  one line per response, Common Log Format, to file F or '-' for standard output",
            "                  (default: none)",
            "  --access-log-format F  common | combined (with referer and user agent) | json (one object a line)",
            "                  (default: common)",
            "  --metrics ADDR  serve the meters for Prometheus (GET /metrics, text format) on ADDR: PORT (on",
            "                  127.0.0.1), HOST:PORT or [IPv6]:PORT (default: none)",
            "  --stats S       every S seconds, one log line: how busy the event loops were",
            "                  (iteration times, lag) and what AIO read (default: 0, off)",
            "  --metadata-lookup P  where a request's path lookup, open and stat run: auto (on the event loop when",
            "                  the kernel has them cached, else on a metadata thread) | threads | loop (default:",
            "                  auto); with --uploads also where PUT and DELETE create, rename and delete files (auto:",
            "                  on a metadata thread, as the kernel cannot tell in advance that they will not wait)",
            "  --metadata-threads N  threads for lookups that must read the disk (default: 2)",
            "  --metadata-queue N  lookups that may wait for a metadata thread; a GET, PUT or DELETE that finds",
            "                  more waiting is answered 503 (default: 256)",
            "  --tls           HTTPS with a self-signed certificate made at start for localhost, 127.0.0.1 and ::1",
            "                  (the log names its PEM file, for clients to trust); ALPN offers h2 and http/1.1",
            "                  (cleartext connections speak HTTP/1.1, or h2c when they start with the HTTP/2 preface)",
            "  --cert FILE --key FILE  HTTPS with this certificate chain and private key (PEM; the key PKCS#8,",
            "                  unencrypted); implies --tls",
            "  --gzip          compress text, JSON, JS, XML and SVG files of 1 KiB and more for clients that accept",
            "                  gzip (on the fly; ranges are served uncompressed)",
            "  --uploads       accept PUT (upload, replace) and DELETE of files under the root (default: off)",
            "  --max-upload N  largest PUT body in bytes, with an optional k, m or g suffix (default: 1g)",
            "  --upload-io IO  aio | blocking (FileChannel.write on the loop, for comparison) (default: aio)",
            "  --memory-budget N  bytes of AIO chunk buffers per event loop, with an optional k, m or g suffix",
            "                  (default: a quarter of the JVM's direct memory over twice the cores, 16m to 1g)",
            "  --help          this text",
            "Options that take a value may also be written --option=value.");

    Path root = Paths.get("").toAbsolutePath();
    int port = 8080;
    InetAddress bind;
    int threads = Runtime.getRuntime().availableProcessors();
    Mode mode = Mode.AIO;
    Transport transport = Transport.AUTO;
    int idleTimeoutSeconds = 60;
    int headerTimeoutSeconds = 30;
    int stopTimeoutSeconds = 10;
    int maxPipelined = 16;
    int maxRanges = 16;
    boolean dotfiles;
    /** A file name, {@code -} for standard output, or {@code null} for no access log. */
    String accessLog;
    AccessLog.Format accessLogFormat = AccessLog.Format.COMMON;
    /** Where {@code GET /metrics} is served ({@code --metrics}), or {@code null}. */
    InetSocketAddress metrics;
    /** Seconds between two lines of statistics; 0 for none. */
    int statsSeconds;
    boolean tls;
    /** PEM files of the certificate chain and its key ({@code --cert}, {@code --key}), or {@code null}. */
    Path cert;
    Path key;
    boolean gzip;
    boolean uploads;
    long maxUpload = 1L << 30;
    UploadIo uploadIo = UploadIo.AIO;
    boolean help;
    MetadataLookup.Policy metadataLookup = MetadataLookup.Policy.AUTO;
    int metadataThreads = 2;
    int metadataQueue = 256;
    /** The AIO settings of regions, chunked inputs and upload sinks ({@code --memory-budget}). */
    AioFileRegionConfig aio = AioFileRegionConfig.DEFAULT;

    /** Parses the arguments; throws {@link IllegalArgumentException} with a one-line message on a bad one. */
    static FileServerOptions parse(String... given) {
        String[] args = splitEquals(given);
        FileServerOptions o = new FileServerOptions();
        String bind = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                case "--tls":
                    o.tls = true;
                    break;
                case "--gzip":
                    o.gzip = true;
                    break;
                case "--cert":
                    o.cert = readableFile(value(args, ++i, arg), arg);
                    break;
                case "--key":
                    o.key = readableFile(value(args, ++i, arg), arg);
                    break;
                case "--uploads":
                    o.uploads = true;
                    break;
                case "--max-upload":
                    o.maxUpload = sizeValue(args, ++i, arg);
                    break;
                case "--memory-budget":
                    long budget = sizeValue(args, ++i, arg);
                    if (budget < 64 << 10) {
                        throw new IllegalArgumentException("--memory-budget must be at least 64k, not " + budget);
                    }
                    o.aio = AioFileRegionConfig.builder()
                            .loopConfig(AioLoopConfig.builder().memoryBudgetBytes(budget).build()).build();
                    break;
                case "--upload-io":
                    o.uploadIo = choice(args, ++i, arg, UploadIo.class);
                    break;
                case "--root":
                    o.root = Paths.get(value(args, ++i, arg));
                    break;
                case "--port":
                    o.port = intValue(args, ++i, arg, 0, 65535);
                    break;
                case "--bind":
                    bind = value(args, ++i, arg);
                    break;
                case "--threads":
                    o.threads = intValue(args, ++i, arg, 1, 1024);
                    break;
                case "--mode":
                    o.mode = choice(args, ++i, arg, Mode.class);
                    break;
                case "--idle-timeout":
                    o.idleTimeoutSeconds = intValue(args, ++i, arg, 1, 86400);
                    break;
                case "--header-timeout":
                    o.headerTimeoutSeconds = intValue(args, ++i, arg, 1, 86400);
                    break;
                case "--stop-timeout":
                    o.stopTimeoutSeconds = intValue(args, ++i, arg, 1, 3600);
                    break;
                case "--max-pipelined":
                    o.maxPipelined = intValue(args, ++i, arg, 1, 1024);
                    break;
                case "--max-ranges":
                    o.maxRanges = intValue(args, ++i, arg, 1, 1024);
                    break;
                case "--dotfiles":
                    String dotfiles = value(args, ++i, arg);
                    if (!dotfiles.equals("hide") && !dotfiles.equals("allow")) {
                        throw new IllegalArgumentException("--dotfiles must be hide or allow, not '" + dotfiles + "'");
                    }
                    o.dotfiles = dotfiles.equals("allow");
                    break;
                case "--access-log":
                    o.accessLog = accessLogValue(args, ++i, arg);
                    break;
                case "--access-log-format":
                    o.accessLogFormat = choice(args, ++i, arg, AccessLog.Format.class);
                    break;
                case "--metrics":
                    o.metrics = socketAddress(value(args, ++i, arg), arg);
                    break;
                case "--stats":
                    o.statsSeconds = intValue(args, ++i, arg, 0, 86400);
                    break;
                case "--metadata-lookup":
                    o.metadataLookup = choice(args, ++i, arg, MetadataLookup.Policy.class);
                    break;
                case "--metadata-threads":
                    o.metadataThreads = intValue(args, ++i, arg, 1, 256);
                    break;
                case "--metadata-queue":
                    o.metadataQueue = intValue(args, ++i, arg, 1, 65536);
                    break;
                case "--transport":
                    o.transport = choice(args, ++i, arg, Transport.class);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + arg + "' (try --help)");
            }
        }
        if (o.help) {
            return o;
        }
        try {
            o.bind = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: not an address: '" + bind + "'");
        }
        File root = o.root.toFile();
        if (!root.isDirectory()) {
            throw new IllegalArgumentException("--root: not a directory: " + o.root.toAbsolutePath());
        }
        try {
            o.root = o.root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("--root: " + o.root + ": " + e.getMessage());
        }
        if (!Files.isReadable(o.root)) {
            throw new IllegalArgumentException("--root: not readable: " + o.root);
        }
        if ((o.cert == null) != (o.key == null)) {
            throw new IllegalArgumentException("--cert and --key go together: the certificate chain and its key");
        }
        o.tls |= o.cert != null;
        if (o.tls && o.mode == Mode.SENDFILE) {
            throw new IllegalArgumentException("--mode sendfile cannot serve --tls (sendfile bypasses TLS); use aio or"
                    + " chunked");
        }
        return o;
    }

    /**
     * The constant of {@code type} that the option's value names, case aside ({@code -} for {@code _}); else an
     * {@link IllegalArgumentException} that lists them, for example "--mode must be aio, sendfile or chunked, not
     * 'turbo'".
     */
    private static <E extends Enum<E>> E choice(String[] args, int i, String option, Class<E> type) {
        String v = value(args, i, option);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            E[] all = type.getEnumConstants();
            StringBuilder names = new StringBuilder();
            for (int k = 0; k < all.length; k++) {
                names.append(k == 0 ? "" : k == all.length - 1 ? " or " : ", ")
                        .append(all[k].name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(option + " must be " + names + ", not '" + v + "'");
        }
    }

    /** Options without a value: {@code --flag=value} is refused for them. */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("--help", "-h", "--tls", "--gzip", "--uploads");

    /** {@code --option=value} as {@code --option value}. */
    private static String[] splitEquals(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>(args.length + 4);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                String name = arg.substring(0, eq);
                if (FLAGS.contains(name)) {
                    throw new IllegalArgumentException(name + " takes no value");
                }
                out.add(name);
                out.add(arg.substring(eq + 1));
            } else {
                out.add(arg);
            }
        }
        return out.toArray(new String[0]);
    }

    /** {@code PORT} (on 127.0.0.1), {@code HOST:PORT} or {@code [IPv6]:PORT}. */
    private static InetSocketAddress socketAddress(String v, String option) {
        String host = "127.0.0.1";
        String port = v;
        int colon = v.lastIndexOf(':');
        if (colon >= 0) {
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException(option + ": write an IPv6 address in brackets, [" + host + "]:"
                        + port);
            }
        }
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException(option + " must be PORT, HOST:PORT or [IPv6]:PORT, not '" + v + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), n);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host '" + host + "'");
        }
    }

    private static Path readableFile(String name, String option) {
        Path p = Paths.get(name);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(option + ": not a readable file: " + p.toAbsolutePath());
        }
        return p;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** A file name, or {@code -} for standard output. */
    private static String accessLogValue(String[] args, int i, String option) {
        String v = value(args, i, option);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a file name, or - for standard output");
        }
        return v;
    }

    private static long sizeValue(String[] args, int i, String option) {
        String v = value(args, i, option);
        String digits = v.toLowerCase(Locale.ROOT);
        int shift = 0;
        if (digits.endsWith("k") || digits.endsWith("m") || digits.endsWith("g")) {
            shift = digits.endsWith("k") ? 10 : digits.endsWith("m") ? 20 : 30;
            digits = digits.substring(0, digits.length() - 1);
        }
        try {
            long n = Long.parseLong(digits);
            if (n >= 0 && n <= Long.MAX_VALUE >> shift) {
                return n << shift;
            }
        } catch (NumberFormatException ignore) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a number of bytes (with an optional k, m or g), not '"
                + v + "'");
    }

    private static int intValue(String[] args, int i, String option, int min, int max) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignore) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a number from " + min + " to " + max + ", not '" + v
                + "'");
    }
}
