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
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in one line why a TLS handshake failed, for example {@code TLS handshake with /127.0.0.1:54321 failed: the
 * client rejected the certificate (alert: unknown_ca)}: logged through {@link FailureLog#notice}, so at most one
 * INFO line a second, and without a stack trace.
 *
 * <p>It sits in front of the {@code SslHandler} and watches the TLS records the client sends until the handshake
 * is done (then it leaves the pipeline). The JDK's engine does not always say what happened: a client such as curl
 * that does not trust the certificate sends its alert in a plaintext record, which a TLS 1.3 server expects to be
 * encrypted, and the engine reports {@code Insufficient buffer remaining for AEAD cipher fragment}. The alert read
 * here names the real reason. Plain HTTP sent to the TLS port is reported with its request line. A connection
 * closed before it sent anything (a port probe) is logged at DEBUG only.
 */
final class TlsHandshakeLog extends ChannelInboundHandlerAdapter {

    /** The client's bytes looked at, at most: a handshake's records from a client are a few KiB. */
    private static final int MAX_SCANNED = 64 * 1024;
    private static final int CONTENT_TYPE_ALERT = 21;
    private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: (\\w+)");

    private final Future<?> handshake;
    /** {@link PlainHttpOnTlsPort} answered the client's plain HTTP (the handshake then fails as the channel closes). */
    private boolean plainHttp;
    private final FailureLog log;
    private final byte[] first = new byte[80];
    private int firstLength;
    private int scanned;
    /** Of the record being read: header bytes seen (0 to 5), content type, length, body bytes seen. */
    private int headerSeen;
    private int recordType;
    private int recordLength;
    private int bodySeen;
    /** The description of the last alert record the client sent in plaintext, or -1. */
    private int alert = -1;

    /**
     * @param handshake the {@code SslHandler}'s handshake future
     * @param log where the line goes
     */
    TlsHandshakeLog(Future<?> handshake, FailureLog log) {
        this.handshake = handshake;
        this.log = log;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshake.addListener(f -> {
            if (f.isSuccess()) {
                if (!ctx.isRemoved()) {
                    ctx.pipeline().remove(this);
                }
            } else {
                failed(ctx, f.cause());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf && !handshake.isDone() && scanned < MAX_SCANNED) {
            scan((ByteBuf) msg);
        }
        ctx.fireChannelRead(msg);
    }

    /** Follows the TLS record framing (RFC 8446, section 5.1) through {@code buf}, without consuming it. */
    private void scan(ByteBuf buf) {
        int end = buf.writerIndex();
        int keep = Math.min(first.length - firstLength, buf.readableBytes());
        buf.getBytes(buf.readerIndex(), first, firstLength, keep);
        firstLength += keep;
        for (int i = buf.readerIndex(); i < end; i++) {
            int b = buf.getByte(i) & 0xff;
            if (headerSeen < 5) {
                if (headerSeen == 0) {
                    recordType = b;
                } else if (headerSeen == 3) {
                    recordLength = b << 8;
                } else if (headerSeen == 4) {
                    recordLength |= b;
                    bodySeen = 0;
                }
                headerSeen++;
                if (headerSeen == 5 && recordLength == 0) {
                    headerSeen = 0;
                }
            } else if (recordType == CONTENT_TYPE_ALERT && recordLength == 2) {
                if (bodySeen == 1) {
                    alert = b; // after the level
                }
                if (++bodySeen == recordLength) {
                    headerSeen = 0;
                }
            } else {
                // Skip the rest of the record's body in one step.
                int skip = Math.min(recordLength - bodySeen, end - i) - 1;
                i += skip;
                bodySeen += skip + 1;
                if (bodySeen == recordLength) {
                    headerSeen = 0;
                }
            }
        }
        scanned += end - buf.readerIndex();
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        String prefix = "TLS handshake with " + ctx.channel().remoteAddress() + " failed: ";
        if (alert < 0 && firstLength == 0 && isClosed(cause)) {
            log.debug(prefix + "the client closed the connection without sending anything");
            return;
        }
        log.notice(prefix + reason(cause));
    }

    private static boolean isClosed(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException || String.valueOf(t.getMessage()).startsWith("Connection closed")) {
                return true;
            }
        }
        return false;
    }

    /** The client sent plain HTTP, answered with a {@code 400}: the reason logged says so. */
    void plainHttpAnswered() {
        plainHttp = true;
    }

    /** Why the handshake failed, in words. */
    String reason(Throwable cause) {
        if (plainHttp) {
            String line = requestLine();
            return "the client sent plain HTTP, not TLS (\"" + (line != null ? line : hex()) + "\")";
        }
        int description = alert;
        if (description < 0) {
            Matcher m = RECEIVED_ALERT.matcher(String.valueOf(messages(cause)));
            if (m.find()) {
                return alertReason(m.group(1));
            }
        } else {
            return alertReason(alertName(description));
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                String line = requestLine();
                return line != null ? "the client sent plain HTTP, not TLS (\"" + line + "\")"
                        : "the client did not send TLS (it began with " + hex() + ')';
            }
            if (t instanceof SslHandshakeTimeoutException) {
                return t.getMessage();
            }
        }
        if (isClosed(cause)) {
            return "the client closed the connection during the handshake";
        }
        Throwable ssl = cause;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                ssl = t;
            }
        }
        return ssl.getMessage() != null ? ssl.getMessage() : ssl.toString();
    }

    private static String messages(Throwable cause) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String alertReason(String name) {
        switch (name) {
            case "bad_certificate":
            case "unsupported_certificate":
            case "certificate_revoked":
            case "certificate_expired":
            case "certificate_unknown":
            case "unknown_ca":
                return "the client rejected the certificate (alert: " + name + ')';
            default:
                return "the client ended it (alert: " + name + ')';
        }
    }

    /** The name of a TLS alert description (RFC 8446, section 6). */
    static String alertName(int description) {
        switch (description) {
            case 0: return "close_notify";
            case 10: return "unexpected_message";
            case 20: return "bad_record_mac";
            case 22: return "record_overflow";
            case 40: return "handshake_failure";
            case 42: return "bad_certificate";
            case 43: return "unsupported_certificate";
            case 44: return "certificate_revoked";
            case 45: return "certificate_expired";
            case 46: return "certificate_unknown";
            case 47: return "illegal_parameter";
            case 48: return "unknown_ca";
            case 49: return "access_denied";
            case 50: return "decode_error";
            case 51: return "decrypt_error";
            case 70: return "protocol_version";
            case 71: return "insufficient_security";
            case 80: return "internal_error";
            case 86: return "inappropriate_fallback";
            case 90: return "user_canceled";
            case 109: return "missing_extension";
            case 110: return "unsupported_extension";
            case 112: return "unrecognized_name";
            case 113: return "bad_certificate_status_response";
            case 115: return "unknown_psk_identity";
            case 116: return "certificate_required";
            case 120: return "no_application_protocol";
            default: return "alert " + description;
        }
    }

    /** The first line the client sent, if it looks like an HTTP request line; else {@code null}. */
    private String requestLine() {
        int end = 0;
        while (end < firstLength && first[end] != '\r' && first[end] != '\n') {
            if (first[end] < 0x20 || first[end] >= 0x7f) {
                return null;
            }
            end++;
        }
        String line = new String(first, 0, end, StandardCharsets.US_ASCII);
        int space = line.indexOf(' ');
        if (space <= 0 || !line.substring(0, space).chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            return null;
        }
        return end < firstLength ? line : line + "...";
    }

    private String hex() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(firstLength, 8); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", first[i] & 0xff));
        }
        return sb.toString();
    }
}
