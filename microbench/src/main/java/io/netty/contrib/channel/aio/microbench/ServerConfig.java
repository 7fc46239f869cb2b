package io.netty.contrib.channel.aio.microbench;

/**
 * A server configuration by name: {@code mode[@transport]} of the project's file server ({@code aio},
 * {@code sendfile}, {@code chunked}, {@code aio@io_uring}, {@code sendfile@io_uring}; the transport defaults to
 * epoll), or Debian's nginx: {@code nginx} ({@code sendfile on}) and {@code nginx-threads} ({@code aio threads;
 * directio 4k}: O_DIRECT reads in nginx's thread pool; Debian builds nginx without Linux native AIO).
 */
final class ServerConfig {
    final String name;
    final String mode;
    final String transport;
    final boolean nginx;

    private ServerConfig(String name, String mode, String transport, boolean nginx) {
        this.name = name;
        this.mode = mode;
        this.transport = transport;
        this.nginx = nginx;
    }

    static ServerConfig parse(String name) {
        if (name.equals("nginx") || name.equals("nginx-threads")) {
            return new ServerConfig(name, name.equals("nginx") ? "sendfile" : "threads", null, true);
        }
        String[] parts = name.split("@", -1);
        if (parts.length > 2 || !(parts[0].equals("aio") || parts[0].equals("sendfile")
                || parts[0].equals("chunked"))) {
            throw new IllegalArgumentException("--configs: unknown configuration '" + name
                    + "' (aio, sendfile, chunked, MODE@io_uring, MODE@nio, nginx, nginx-threads)");
        }
        String transport = parts.length == 2 ? parts[1] : "epoll";
        if (!(transport.equals("epoll") || transport.equals("io_uring") || transport.equals("nio"))) {
            throw new IllegalArgumentException("--configs: unknown transport in '" + name + "'");
        }
        return new ServerConfig(name, parts[0], transport, false);
    }

    @Override
    public String toString() {
        return name;
    }
}
