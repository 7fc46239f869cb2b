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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The self-signed certificate of {@code --tls} without {@code --cert}: made when the server starts, for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1} (subjectAltName, which clients check; the common name is
 * {@code localhost}), an ECDSA P-256 key, valid from a day before the start until 30 days after it, usable only by a
 * TLS server (basicConstraints CA:FALSE, extendedKeyUsage serverAuth; no keyUsage, which OpenSSL 1.1 would need to
 * allow certificate signing to take the certificate as its own issuer). Its PEM goes to a file that a
 * client can trust ({@code curl --cacert FILE}) instead of turning checks off.
 *
 * <p>The DER is written here: the JDK signs, parses and checks certificates but has no public API to make one.
 */
final class GeneratedCertificate {

    /** The names the certificate is for. */
    static final List<String> NAMES = List.of("localhost", "127.0.0.1", "::1");
    static final Duration VALIDITY = Duration.ofDays(30);

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    final PrivateKey key;
    final X509Certificate certificate;

    private GeneratedCertificate(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** A new key and a certificate for {@link #NAMES}, valid from a day before {@code now} to 30 days after it. */
    static GeneratedCertificate create(Instant now) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] algorithm = seq(oid(ECDSA_WITH_SHA256));
        byte[] name = seq(tlv(0x31, seq(oid(COMMON_NAME), tlv(0x0c, NAMES.get(0).getBytes(StandardCharsets.UTF_8)))));
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f; // positive
        byte[] altNames = seq(
                tlv(0x82, NAMES.get(0).getBytes(StandardCharsets.US_ASCII)),
                tlv(0x87, address(NAMES.get(1))),
                tlv(0x87, address(NAMES.get(2))));
        byte[] extensions = seq(
                extension(BASIC_CONSTRAINTS, true, seq()),
                extension(EXTENDED_KEY_USAGE, false, seq(oid(SERVER_AUTH))),
                extension(SUBJECT_ALT_NAME, false, altNames));
        Instant from = now.minus(Duration.ofDays(1));
        byte[] toBeSigned = seq(
                tlv(0xa0, integer(BigInteger.valueOf(2))), // version 3
                integer(new BigInteger(serial)),
                algorithm,
                name,
                seq(time(from), time(now.plus(VALIDITY))),
                name,
                pair.getPublic().getEncoded(), // SubjectPublicKeyInfo
                tlv(0xa3, extensions));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(toBeSigned);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] der = seq(toBeSigned, algorithm, tlv(0x03, bits));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        certificate.verify(pair.getPublic());
        return new GeneratedCertificate(pair.getPrivate(), certificate);
    }

    /** Writes the certificate (not the key) as PEM to a new file, readable by all, deleted when the JVM exits. */
    Path writePem() throws IOException, GeneralSecurityException {
        Path file = Files.createTempFile("file-server-", ".pem");
        file.toFile().deleteOnExit();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
        Files.write(file, ("-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n")
                .getBytes(StandardCharsets.US_ASCII));
        return file;
    }

    /**
     * The line logged at start: the names, the expiry, the fingerprint and where the PEM file {@code pem} (made by
     * {@link #writePem()}) is, for clients to trust.
     */
    String describe(Path pem) throws GeneralSecurityException {
        return "TLS: a self-signed certificate made now for " + String.join(", ", NAMES) + ", valid until "
                + certificate.getNotAfter().toInstant() + ", SHA-256 " + fingerprint() + "; clients trust it with "
                + pem + " (curl --cacert FILE), or use --cert and --key";
    }

    /** The SHA-256 fingerprint, as {@code openssl x509 -fingerprint -sha256} prints it. */
    String fingerprint() throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        StringBuilder sb = new StringBuilder();
        for (byte b : digest) {
            sb.append(sb.length() == 0 ? "" : ":").append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        return sb.toString();
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: nothing is looked up
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        byte[] id = oid(oid);
        byte[] octets = tlv(0x04, value);
        return critical ? seq(id, tlv(0x01, new byte[] {(byte) 0xff}), octets) : seq(id, octets);
    }

    /** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280, 4.1.2.5). */
    private static byte[] time(Instant t) {
        int year = t.atZone(ZoneOffset.UTC).getYear();
        String pattern = year < 2050 ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'";
        String text = DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC).format(t);
        return tlv(year < 2050 ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g == 0 ? 0 : 0x80));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, parts);
    }

    /** Tag, definite length, and the parts one after the other. */
    private static byte[] tlv(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }
}
