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
package io.netty.contrib.channel.aio.microbench;

/**
 * A server configuration by name: {@code mode[-variant][@transport]} of the project's file server (mode {@code aio},
 * {@code sendfile} or {@code chunked}; the transport defaults to epoll), or Debian's nginx: {@code nginx}
 * ({@code sendfile on}) and {@code nginx-threads} ({@code aio threads; directio 4k}: O_DIRECT reads in nginx's thread
 * pool; Debian builds nginx without Linux native AIO); or a file server on a framework ({@link FrameworkServer}):
 * {@code reactor}, {@code webflux}, {@code vertx} as their users write it, and {@code reactor-aio},
 * {@code webflux-aio}, {@code vertx-aio} with the one line that adds the {@code AioFileRegionHandler}. The variant
 * says how the load is made:
 * <ul>
 *   <li>none: {@code wrk}, HTTP/1.1;</li>
 *   <li>{@code -h2c}: {@code h2load}, HTTP/2 in cleartext with prior knowledge (in the stalled workload: its own
 *   zero-window client and {@code curl --http2-prior-knowledge}, see {@link StalledRun});</li>
 *   <li>{@code -h1}: {@code h2load --h1}, HTTP/1.1 from the same client as {@code -h2c}, for reference;</li>
 *   <li>{@code -gzip}: the server with {@code --gzip}, {@code wrk} asking with {@code Accept-Encoding: gzip}.</li>
 * </ul>
 */
final class ServerConfig {
    /** The suffix of a configuration run by the build given with {@code --baseline}. */
    static final String BASELINE = "+base";

    /** Who makes the load. */
    enum Client {
        /** {@code wrk}, HTTP/1.1. */
        WRK,
        /** {@code h2load}, h2c with prior knowledge. */
        H2LOAD_H2C,
        /** {@code h2load --h1}. */
        H2LOAD_H1
    }

    final String name;
    final String mode;
    final String transport;
    final boolean nginx;
    /** {@code reactor}, {@code webflux} or {@code vertx}; {@code null} for the project's server and nginx. */
    final String framework;
    final Client client;
    final boolean gzip;
    /** The project's server of another build ({@code --baseline}): a name ending in {@code +base}. */
    final boolean baseline;

    private ServerConfig(String name, String mode, String transport, boolean nginx, String framework, Client client,
                         boolean gzip, boolean baseline) {
        this.name = name;
        this.mode = mode;
        this.transport = transport;
        this.nginx = nginx;
        this.framework = framework;
        this.client = client;
        this.gzip = gzip;
        this.baseline = baseline;
    }

    private ServerConfig(String name, String mode, String transport, boolean nginx, String framework, Client client,
                         boolean gzip) {
        this(name, mode, transport, nginx, framework, client, gzip, false);
    }

    static ServerConfig parse(String name) {
        if (name.endsWith(BASELINE)) {
            ServerConfig c = parse(name.substring(0, name.length() - BASELINE.length()));
            if (c.nginx || c.framework != null || c.baseline) {
                throw new IllegalArgumentException("--configs: '" + name + "': only the project's server has a "
                        + BASELINE + " variant");
            }
            return new ServerConfig(name, c.mode, c.transport, false, null, c.client, c.gzip, true);
        }
        if (name.equals("nginx") || name.equals("nginx-threads")) {
            return new ServerConfig(name, name.equals("nginx") ? "sendfile" : "threads", null, true, null,
                    Client.WRK, false);
        }
        String framework = name.endsWith("-aio") ? name.substring(0, name.length() - "-aio".length()) : name;
        if (FrameworkServer.FRAMEWORKS.contains(framework)) {
            // Plain: the framework writes DefaultFileRegions, sent with sendfile; -aio: they go through AIO.
            return new ServerConfig(name, name.endsWith("-aio") ? "aio" : "sendfile", "epoll", false, framework,
                    Client.WRK, false);
        }
        String[] parts = name.split("@", -1);
        String mode = parts[0];
        Client client = Client.WRK;
        boolean gzip = false;
        int dash = mode.indexOf('-');
        if (dash >= 0) {
            String variant = mode.substring(dash + 1);
            mode = mode.substring(0, dash);
            switch (variant) {
                case "h2c":
                    client = Client.H2LOAD_H2C;
                    break;
                case "h1":
                    client = Client.H2LOAD_H1;
                    break;
                case "gzip":
                    gzip = true;
                    break;
                default:
                    throw new IllegalArgumentException("--configs: unknown variant '-" + variant + "' in '" + name
                            + "' (-h2c, -h1, -gzip)");
            }
        }
        if (parts.length > 2 || !(mode.equals("aio") || mode.equals("sendfile") || mode.equals("chunked"))) {
            throw new IllegalArgumentException("--configs: unknown configuration '" + name
                    + "' (aio, sendfile, chunked, MODE-h2c, MODE-h1, MODE-gzip, MODE@io_uring, MODE@nio, nginx,"
                    + " nginx-threads, reactor[-aio], webflux[-aio], vertx[-aio])");
        }
        String transport = parts.length == 2 ? parts[1] : "epoll";
        if (!(transport.equals("epoll") || transport.equals("io_uring") || transport.equals("nio"))) {
            throw new IllegalArgumentException("--configs: unknown transport in '" + name + "'");
        }
        return new ServerConfig(name, mode, transport, false, null, client, gzip);
    }

    /** {@code true} if {@code h2load} makes the load. */
    boolean h2load() {
        return client != Client.WRK;
    }

    /**
     * {@code true} if this configuration belongs in workload {@code w}: h2load ones in h2, gzip ones in gzip; in
     * stalled, the plain ones (HTTP/1.1) and the {@code -h2c} ones (its HTTP/2 variant, without h2load).
     */
    boolean fits(Workload w) {
        if (w == Workload.STALLED) {
            return !gzip && (client == Client.WRK || client == Client.H2LOAD_H2C);
        }
        if (w == Workload.H2) {
            return h2load();
        }
        if (w == Workload.GZIP) {
            return gzip;
        }
        return !h2load() && !gzip;
    }

    @Override
    public String toString() {
        return name;
    }
}
