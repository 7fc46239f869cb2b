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

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.contrib.channel.aio.Aio;
import io.netty.contrib.channel.aio.AioIoHandler;
import io.netty.contrib.channel.aio.AioMetrics;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP static file server: {@code java -jar examples/target/file-server.jar [--root DIR] [--port N]
 * [--bind ADDR] [--threads N] [--mode aio|sendfile|chunked] [--tls] …} ({@code --help} lists every option). SIGINT
 * or SIGTERM stops it gracefully: it stops accepting, lets the transfers in flight finish (HTTP/2 connections get
 * GOAWAY), and within {@code --stop-timeout} (10 s by default) it has closed what is left and exits with 0. Started
 * in a locale whose file names are not UTF-8 (such as {@code LC_ALL=C}), it runs itself again under
 * {@code C.UTF-8}: see {@code relaunchWithUtf8Names}.
 */
public final class FileServer implements AutoCloseable {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(FileServer.class);


    private static final String UTF8_LOCALE = "C.UTF-8";
    /** Set in the environment of a server relaunched for UTF-8 file names: the launcher's process id. */
    private static final String RELAUNCHED_BY = "FILE_SERVER_LAUNCHER_PID";

    private final FileServerOptions options;
    private final FileServerOptions.Transport transport;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final FailureLog failureLog = new FailureLog();
    private final AccessLog accessLog;
    private final MetadataLookup metadataLookup;
    /** The files open for the regions being sent, each once. */
    private final SharedFiles sharedFiles = new SharedFiles();
    private final ServerStats stats;
    /** {@code GET /metrics} of {@code --metrics}, or {@code null}. */
    private MetricsEndpoint metrics;
    /** The PEM file of the certificate made for {@code --tls} without {@code --cert}, or {@code null}. */
    private Path generatedPem;
    private GeneratedCertificate generated;
    private volatile boolean stopping;

    private FileServer(FileServerOptions options) throws Exception {
        this.options = options;
        transport = resolve(options.transport);
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channelClass;
        switch (transport) {
            case EPOLL:
                Epoll.ensureAvailability();
                factory = EpollIoHandler.newFactory();
                channelClass = EpollServerSocketChannel.class;
                break;
            case IO_URING:
                IoUring.ensureAvailability();
                factory = IoUringIoHandler.newFactory();
                channelClass = IoUringServerSocketChannel.class;
                break;
            default:
                factory = NioIoHandler.newFactory();
                channelClass = NioServerSocketChannel.class;
        }
        accessLog = openAccessLog(options.accessLog, options.accessLogFormat);
        metadataLookup = new MetadataLookup(options.root, options.metadataLookup, options.metadataThreads,
                options.metadataQueue);
        try {
            // Each loop's AIO state is part of it, on the options' settings (the memory budget); measured: --stats and
            // the line printed at stop report the loops' iteration times.
            group = new MultiThreadIoEventLoopGroup(options.threads,
                    AioMetrics.measured(AioIoHandler.newFactory(factory, options.aio.loopConfig())));
        } catch (RuntimeException e) {
            metadataLookup.shutdown(0);
            closeAccessLog();
            throw e;
        }
        try {
            SslContext ssl = null;
            if (options.cert != null) {
                // PEM: the certificate chain (the server's first) and its unencrypted PKCS#8 key.
                ssl = SslContextBuilder.forServer(options.cert.toFile(), options.key.toFile())
                        .applicationProtocolConfig(ProtocolNegotiation.ALPN).build();
            } else if (options.tls) {
                generated = GeneratedCertificate.create(Instant.now());
                generatedPem = generated.writePem();
                ssl = SslContextBuilder.forServer(generated.key, generated.certificate)
                        .applicationProtocolConfig(ProtocolNegotiation.ALPN).build();
            }
            InetSocketAddress address = new InetSocketAddress(options.bind, options.port);
            try {
                serverChannel = new ServerBootstrap().group(group).channel(channelClass)
                        .childHandler(new FileServerInitializer(this, ssl)).bind(address).sync().channel();
            } catch (Exception e) {
                throw new IOException("cannot listen on " + options.bind.getHostAddress() + ':' + options.port + ": "
                        + e.getMessage(), e);
            }
            if (options.metrics != null) {
                try {
                    metrics = new MetricsEndpoint(group, channelClass, options.metrics);
                } catch (IOException e) {
                    serverChannel.close().syncUninterruptibly(); // the port is free when the constructor throws
                    throw e;
                }
            }
        } catch (Exception e) {
            deleteGeneratedCertificate();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            metadataLookup.shutdown(0);
            closeAccessLog();
            throw e;
        }
        stats = new ServerStats(group, logger::info);
        if (options.statsSeconds > 0) {
            stats.start(options.statsSeconds);
        }
    }

    /** The log of {@code --access-log}, or {@code null}; an {@link IllegalArgumentException} if it cannot open. */
    private static AccessLog openAccessLog(String target, AccessLog.Format format) {
        if (target == null) {
            return null;
        }
        try {
            return AccessLog.open(target, format);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such directory"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException("--access-log: cannot open " + target + ": " + why);
        }
    }

    private void closeAccessLog() throws InterruptedException {
        if (accessLog != null) {
            accessLog.close();
        }
    }

    private static FileServerOptions.Transport resolve(FileServerOptions.Transport transport) {
        if (transport != FileServerOptions.Transport.AUTO) {
            return transport;
        }
        return Epoll.isAvailable() ? FileServerOptions.Transport.EPOLL : FileServerOptions.Transport.NIO;
    }

    /** Starts a server; it runs until {@link #close()}. */
    public static FileServer start(String... args) throws Exception {
        NettyLogs.install();
        return new FileServer(FileServerOptions.parse(args));
    }

    /** Runs the server until SIGINT or SIGTERM; exits with 0 after a graceful stop, 2 for bad options. */
    public static void main(String[] args) throws Exception {
        String relaunchedBy = System.getenv(RELAUNCHED_BY);
        if (!namesAreUtf8() && relaunchedBy == null) {
            System.exit(relaunchWithUtf8Names(args));
            return;
        }
        LogFormat.install();
        FileServerOptions options;
        try {
            options = FileServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("file-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(FileServerOptions.USAGE);
            return;
        }
        // sun.misc.Signal, not a shutdown hook: a JVM ended by a signal exits with 128 + signal even when its hooks
        // complete, and a graceful stop must exit with 0.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        FileServer server;
        try {
            NettyLogs.install();
            server = new FileServer(options);
        } catch (IllegalArgumentException e) {
            System.err.println("file-server: " + e.getMessage());
            System.exit(2);
            return;
        } catch (UnsatisfiedLinkError e) {
            System.err.println("file-server: --transport " + options.transport.name().toLowerCase(java.util.Locale.ROOT)
                    + " is not available here: " + e.getCause());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("file-server: " + e.getMessage());
            System.exit(1);
            return;
        }
        logger.info(server.describe());
        if (server.metrics != null) {
            logger.info("Meters for Prometheus: " + server.metricsUrl());
        }
        if (server.generated != null) {
            logger.info(server.generated.describe(server.generatedPem));
        }
        if (!namesAreUtf8()) {
            logger.warn("File names are " + System.getProperty("sun.jnu.encoding") + " here (no " + UTF8_LOCALE
                    + " locale?): names that are not ASCII cannot be served");
        }
        if (relaunchedBy != null) {
            // The launcher that started this JVM forwards signals; should it die without doing so, stop anyway.
            ProcessHandle.of(Long.parseLong(relaunchedBy)).ifPresent(p -> p.onExit().thenRun(stop::countDown));
        }
        stop.await();
        logger.info("Stopping: transfers in flight have " + options.stopTimeoutSeconds + " s to finish");
        server.close();
        logger.info(server.metadataLookup().toString());
        logger.info(server.stats.metrics().toString());
        logger.info("Stopped");
        System.exit(0);
    }

    /** {@code true} if the JDK turns file names into Strings as UTF-8 (its {@code sun.jnu.encoding}). */
    static boolean namesAreUtf8() {
        String encoding = System.getProperty("sun.jnu.encoding", "");
        return encoding.equalsIgnoreCase("UTF-8") || encoding.equalsIgnoreCase("UTF8");
    }

    /**
     * Runs the server again in a child JVM whose locale makes file names UTF-8, forwards SIGINT and SIGTERM to it,
     * and returns its exit status.
     *
     * <p>Linux file names are bytes; the JDK decodes and encodes them with {@code sun.jnu.encoding}, which it takes
     * from the locale when it starts ({@code LC_ALL}, {@code LC_CTYPE}, {@code LANG}) and which cannot be set with
     * {@code -D}. Under the C (POSIX) locale it is ASCII: a file named {@code café.txt} can be neither opened
     * ({@code InvalidPathException}) nor listed (its name comes out mangled). URLs carry UTF-8, so the server must
     * name files in UTF-8 whatever locale it was started in. The child gets {@code LC_ALL=C.UTF-8} (built into glibc
     * 2.35 and Debian's since 2.13); the same JVM options, class path and arguments; and the parent's stdin, stdout
     * and stderr.
     */
    private static int relaunchWithUtf8Names(String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FileServer.class.getName());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = builder.environment();
        // Their options are already in the input arguments above: given twice, an agent would start twice.
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.put("LC_ALL", UTF8_LOCALE);
        env.put(RELAUNCHED_BY, Long.toString(ProcessHandle.current().pid()));
        Process child = builder.start();
        Signal.handle(new Signal("INT"), s -> child.destroy());
        Signal.handle(new Signal("TERM"), s -> child.destroy());
        return child.waitFor();
    }

    /**
     * The line logged at start: root, address, event loops, and how file bodies are read (see {@link RegionPath}),
     * for example {@code Serving /srv on http://127.0.0.1:8080/ (2 epoll event loops; mode aio: files are read with
     * Linux AIO, so disk reads do not block the epoll loops)}.
     */
    String describe() {
        String loops = options.threads + " " + transport.name().toLowerCase(java.util.Locale.ROOT) + " event loop"
                + (options.threads == 1 ? "" : "s");
        return "Serving " + options.root + " on " + url() + " (" + loops + "; " + regionPath() + ')';
    }

    /** The path file bodies take with this server's mode, transport and TLS, in words. */
    String regionPath() {
        return RegionPath.describe(options.mode, transport, options.tls,
                Aio.isAvailable() ? null : Aio.unavailabilityCause());
    }

    /** The server's base URL. */
    public String url() {
        return (options.tls ? "https" : "http") + "://" + urlHost(options.bind) + ':' + port() + '/';
    }

    /** An address as the host of a URL: an IPv6 one in brackets. */
    private static String urlHost(InetAddress address) {
        String host = address.getHostAddress();
        return address instanceof Inet6Address ? '[' + host + ']' : host;
    }

    /** The port the server listens on (the one chosen when {@code --port 0}). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The server's event loops, made with {@link AioMetrics#measured}: their iteration times are measured. */
    public EventLoopGroup group() {
        return group;
    }

    /** An event loop of the server (the only one with {@code --threads 1}). */
    public EventLoop loop() {
        return group.next();
    }

    /**
     * The PEM file of the self-signed certificate made at start ({@code --tls} without {@code --cert}), for clients
     * to trust; {@code null} otherwise.
     */
    Path generatedCertificate() {
        return generatedPem;
    }

    /** The URL of {@code --metrics}, or {@code null} without it. */
    String metricsUrl() {
        if (metrics == null) {
            return null;
        }
        return metrics.url(urlHost(options.metrics.getAddress()));
    }

    private void deleteGeneratedCertificate() {
        if (generatedPem != null) {
            try {
                Files.deleteIfExists(generatedPem);
            } catch (IOException ignore) {
                // deleted at exit
            }
        }
    }

    FileServerOptions options() {
        return options;
    }

    FailureLog failureLog() {
        return failureLog;
    }

    /** The access log, or {@code null} without {@code --access-log}. */
    AccessLog accessLog() {
        return accessLog;
    }

    /** Where path lookups run, and how many ran where. */
    MetadataLookup metadataLookup() {
        return metadataLookup;
    }

    SharedFiles sharedFiles() {
        return sharedFiles;
    }

    private static long left(long end) {
        return Math.max(0, end - System.nanoTime());
    }

    boolean isStopping() {
        return stopping;
    }

    void track(Channel channel) {
        connections.add(channel);
    }

    /**
     * Stops accepting, closes idle connections, lets responses in flight finish (then closes their connections; an
     * HTTP/2 connection gets GOAWAY at once and closes when its streams are done), closes what is left when the stop
     * timeout ({@code --stop-timeout}) is near, and returns within it: the loops and the metadata threads stop in
     * what remains of it. Then writes out and closes the access log.
     */
    @Override
    public void close() throws InterruptedException {
        long stopNanos = TimeUnit.SECONDS.toNanos(options.stopTimeoutSeconds);
        long end = System.nanoTime() + stopNanos;
        // The last tenth (at most 1 s) is for closing what is left and stopping the threads.
        long deadline = end - Math.min(stopNanos / 10, TimeUnit.SECONDS.toNanos(1));
        stopping = true;
        stats.stop();
        try {
            serverChannel.close().sync();
            if (metrics != null) {
                metrics.close();
            }
        } finally {
            deleteGeneratedCertificate();
        }
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                FileServerHandler handler = ch.pipeline().get(FileServerHandler.class);
                if (handler == null || handler.isIdle()) {
                    ch.close();
                }
            });
        }
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        connections.close().awaitUninterruptibly(left(end) / 2, TimeUnit.NANOSECONDS);
        try {
            group.shutdownGracefully(0, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left(end))), TimeUnit.MILLISECONDS)
                    .await(left(end), TimeUnit.NANOSECONDS);
        } finally {
            try {
                metadataLookup.shutdown(TimeUnit.NANOSECONDS.toMillis(left(end)));
            } finally {
                closeAccessLog();
            }
        }
    }
}
