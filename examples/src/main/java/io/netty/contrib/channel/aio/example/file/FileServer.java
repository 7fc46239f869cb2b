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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.util.concurrent.GlobalEventExecutor;
import sun.misc.Signal;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP static file server: {@code java -jar examples/target/file-server.jar [--root DIR] [--port N]
 * [--bind ADDR] [--threads N] [--mode aio|sendfile|chunked] [--tls]}. SIGINT or SIGTERM stops it gracefully: it
 * stops accepting, lets the transfers in flight finish (at most {@link #STOP_TIMEOUT}), then exits with 0.
 */
public final class FileServer implements AutoCloseable {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final FileServerOptions options;
    private final FileServerOptions.Transport transport;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final FailureLog failureLog = new FailureLog();
    private volatile boolean stopping;

    @SuppressWarnings("deprecation") // SelfSignedCertificate: enough for --tls in an example server
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
        group = new MultiThreadIoEventLoopGroup(options.threads, factory);
        try {
            SslContext ssl = null;
            if (options.tls) {
                SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
                ssl = SslContextBuilder.forServer(cert.certificate(), cert.privateKey()).build();
            }
            serverChannel = new ServerBootstrap().group(group).channel(channelClass)
                    .childHandler(new FileServerInitializer(this, ssl))
                    .bind(new InetSocketAddress(options.bind, options.port)).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
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
        return new FileServer(FileServerOptions.parse(args));
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %5$s%6$s%n");
        }
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
            server = new FileServer(options);
        } catch (UnsatisfiedLinkError e) {
            System.err.println("file-server: --transport " + options.transport.name().toLowerCase(java.util.Locale.ROOT)
                    + " is not available here: " + e.getCause());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("file-server: cannot listen on " + options.bind.getHostAddress() + ':' + options.port
                    + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(server.describe());
        System.out.flush();
        stop.await();
        System.out.println("file-server: stopping");
        server.close();
        System.out.println("file-server: stopped");
        System.exit(0);
    }

    /** The line printed at start: address, root and mode. */
    String describe() {
        String mode = options.mode.name().toLowerCase(java.util.Locale.ROOT);
        String transport = this.transport.name().toLowerCase(java.util.Locale.ROOT);
        if (options.mode == FileServerOptions.Mode.AIO && !Aio.isAvailable()) {
            mode += " (AIO unavailable, regions take their own path: " + Aio.unavailabilityCause() + ')';
        }
        return "Serving " + options.root + " on " + url() + " (mode " + mode + ", " + transport + ", "
                + options.threads + " event loop" + (options.threads == 1 ? "" : "s") + ')';
    }

    /** The server's base URL. */
    public String url() {
        String host = options.bind.getHostAddress();
        if (options.bind instanceof Inet6Address) {
            host = '[' + host + ']';
        }
        return (options.tls ? "https" : "http") + "://" + host + ':' + port() + '/';
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** An event loop of the server (the only one with {@code --threads 1}). */
    public EventLoop loop() {
        return group.next();
    }

    FileServerOptions options() {
        return options;
    }

    FailureLog failureLog() {
        return failureLog;
    }

    boolean isStopping() {
        return stopping;
    }

    void track(Channel channel) {
        connections.add(channel);
    }

    /**
     * Stops accepting, closes idle connections, lets responses in flight finish (then closes their connections),
     * and after {@link #STOP_TIMEOUT} closes what is left.
     */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        serverChannel.close().sync();
        for (Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                FileServerHandler handler = ch.pipeline().get(FileServerHandler.class);
                if (handler == null || handler.isIdle()) {
                    ch.close();
                }
            });
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).sync();
    }
}
