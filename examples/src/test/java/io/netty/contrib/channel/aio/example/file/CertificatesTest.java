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

import io.netty.contrib.channel.aio.TestFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --cert} and {@code --key}: a certificate chain signed by a CA that {@code openssl} makes here, trusted by
 * curl through that CA alone (no {@code -k}), over HTTP/1.1 and HTTP/2; {@code --option=value}; plain HTTP sent to the
 * TLS port answered {@code 400}.
 */
class CertificatesTest {

    private static Path root;
    private static Path pki;

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    @BeforeAll
    static void pki() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl makes the test's CA");
        root = TestFiles.directory("certs-root");
        Files.write(root.resolve("hello.txt"), "hello, world\n".getBytes(StandardCharsets.UTF_8));
        pki = TestFiles.directory("certs-pki");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost");
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
    }

    @Test
    void aCertificateSignedByACaIsServedWithItsChainAndTrustedThroughTheCa() throws Exception {
        try (FileServer server = TestServers.start(root, "aio", "--cert=" + pki.resolve("server.pem"),
                "--key", pki.resolve("server.key").toString())) {
            String url = "https://localhost:" + server.port() + "/hello.txt";
            for (String http : new String[] {"--http1.1", "--http2"}) {
                TestServers.Curl ok = TestServers.curlRun(root, "--cacert", pki.resolve("ca.pem").toString(), http,
                        url);
                assertEquals(200, ok.status, ok.toString());
                assertEquals("hello, world\n", new String(ok.body, StandardCharsets.UTF_8));
            }
            // The same names by address: the certificate's subjectAltName has them.
            TestServers.Curl byIp = TestServers.curlRun(root, "--cacert", pki.resolve("ca.pem").toString(),
                    "https://127.0.0.1:" + server.port() + "/hello.txt");
            assertEquals(200, byIp.status, byIp.toString());
            // Plain HTTP on the TLS port: a 400 that says so, and the connection closes.
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(RawHttp.get("/hello.txt").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
                assertTrue(answer.contains("https://"), answer);
            }
        }
    }

    @Test
    void theGeneratedCertificateNamesLocalhostAndBothLoopbacksAndIsTrustedThroughItsPemFile() throws Exception {
        Path pem;
        try (FileServer server = TestServers.start(root, "aio", "--tls")) {
            pem = server.generatedCertificate();
            assertTrue(Files.isReadable(pem), "the PEM file the log names: " + pem);
            // Checked by curl (OpenSSL) against the subjectAltName: no -k.
            for (String host : new String[] {"localhost", "127.0.0.1"}) {
                for (String http : new String[] {"--http1.1", "--http2"}) {
                    TestServers.Curl ok = TestServers.curlRun(root, "--cacert", pem.toString(), http,
                            "https://" + host + ":" + server.port() + "/hello.txt");
                    assertEquals(200, ok.status, ok.toString());
                    assertEquals("hello, world\n", new String(ok.body, StandardCharsets.UTF_8));
                }
            }
            // A name it was not made for is refused.
            TestServers.Curl other = TestServers.curlRun(root, "--cacert", pem.toString(), "--resolve",
                    "files.example:" + server.port() + ":127.0.0.1", "https://files.example:" + server.port() + "/");
            assertEquals(60, other.exit, "curl: the peer's certificate failed verification: " + other);
        }
        assertTrue(!Files.exists(pem), "the PEM file is deleted when the server stops");
        assumeTrue(ipv6Loopback(), "no IPv6 loopback here");
        try (FileServer server = TestServers.start(root, "aio", "--tls", "--bind", "::1")) {
            TestServers.Curl ok = TestServers.curlRun(root, "--cacert", server.generatedCertificate().toString(),
                    "https://[::1]:" + server.port() + "/hello.txt");
            assertEquals(200, ok.status, ok.toString());
        }
    }

    @Test
    void theGeneratedCertificateIsAServerCertificateValidForThirtyDays() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        GeneratedCertificate generated = GeneratedCertificate.create(now);
        java.security.cert.X509Certificate cert = generated.certificate;
        cert.checkValidity(java.util.Date.from(now));
        cert.checkValidity(java.util.Date.from(now.plus(java.time.Duration.ofDays(28))));
        assertThrows(java.security.cert.CertificateExpiredException.class,
                () -> cert.checkValidity(java.util.Date.from(now.plus(java.time.Duration.ofDays(30)))));
        assertEquals("CN=localhost", cert.getSubjectX500Principal().getName());
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage());
        List<String> names = new ArrayList<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            names.add(san.get(0) + "=" + san.get(1));
        }
        assertEquals(List.of("2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1"), names);
        // openssl reads it as well, with the same fingerprint.
        Path pem = generated.writePem();
        try {
            Process p = new ProcessBuilder("openssl", "x509", "-in", pem.toString(), "-noout", "-fingerprint",
                    "-sha256").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.endsWith("=" + generated.fingerprint()), out + " / " + generated.fingerprint());
        } finally {
            Files.deleteIfExists(pem);
        }
    }

    private static boolean ipv6Loopback() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("::1", 0));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void optionsTakeTheirValueAfterAnEqualsSignAndCertNeedsKey() {
        FileServerOptions o = FileServerOptions.parse("--root=" + root, "--port=9000", "--threads=3", "--gzip");
        assertEquals(9000, o.port);
        assertEquals(3, o.threads);
        assertTrue(o.gzip);
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
                () -> FileServerOptions.parse("--root", root.toString(), "--tls=yes"));
        assertTrue(flag.getMessage().contains("--tls takes no value"), flag.getMessage());
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> FileServerOptions.parse("--root", root.toString(), "--cert",
                        pki.resolve("server.pem").toString()));
        assertTrue(alone.getMessage().contains("--cert and --key go together"), alone.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FileServerOptions.parse("--root", root.toString(), "--cert", "/nonexistent.pem", "--key", "x"));
        assertTrue(missing.getMessage().contains("not a readable file"), missing.getMessage());
    }
}
