package io.storelog.node.peer;

import static io.storelog.node.peer.PeerTesting.bill;
import static io.storelog.node.peer.PeerTesting.connectedPeers;
import static io.storelog.node.peer.PeerTesting.counter;
import static io.storelog.node.peer.PeerTesting.hashFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.service.BillOutcome;
import io.storelog.node.tls.Certificates;
import io.storelog.node.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer links over TLS (peer.tls, on by default): two nodes link and replicate with no certificate handed
 * out; a man in the middle that terminates TLS with its own certificate on both sides and relays every
 * byte is refused by the store-key proof (it binds both certificates), and the attacked node's log is
 * unchanged; a node with peer.tls off never links with one that has it. With a store CA (peer.tls-ca,
 * -cert, -key, made as {@code bin/storelog certs} makes them) nodes of the CA link, and a node holding the
 * store key but a certificate of another CA is refused in the TLS handshake.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsPeerTest {
    /** The default configuration: TLS with a self-signed certificate per node. */
    private static final Map<String, String> TLS = Map.of();
    private static final Map<String, String> PLAIN = Map.of(ConfigKeys.PEER_TLS, "false");

    @TempDir
    Path dir;

    @Test
    void twoTlsNodesLinkAndReplicate() throws Exception {
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        StoreNode a = PeerTesting.start(dir, "till-a", pa, List.of(pb), TLS);
        StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(pa), TLS);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> connectedPeers(a) == 1 && connectedPeers(b) == 1 && a.ready() && b.ready());
            BillOutcome o = bill(a, "tls-1", "MILK-1L", 1_000);
            assertThat(o.singleLane()).as("acknowledged by the peer over TLS").isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.state().bill(o.id()).isPresent());
        } finally {
            PeerTesting.closeAll(List.of(b, a));
        }
    }

    @Test
    void aManInTheMiddleWithItsOwnCertificateIsRefusedAndAPlainNodeNeverLinks() throws Exception {
        int pb = PeerTesting.freePort();
        StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(), TLS);
        try (Relay mitm = new Relay(pb)) {
            await().atMost(Duration.ofSeconds(10)).until(b::ready);
            Path logOfB = dir.resolve("till-b").resolve("log");
            Map<String, String> before = hashFiles(logOfB);
            double refusedBefore = counter(b, "storelog.replication.rejected");
            StoreNode a = PeerTesting.start(dir, "till-a", PeerTesting.freePort(), List.of(mitm.port()), TLS);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> mitm.relayed() > 0
                        && counter(b, "storelog.replication.rejected") > refusedBefore);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                        .until(() -> connectedPeers(a) == 0 && connectedPeers(b) == 0);
                assertThat(hashFiles(logOfB)).as("log of the attacked node").isEqualTo(before);
            } finally {
                PeerTesting.closeAll(List.of(a));
            }
            StoreNode plain = PeerTesting.start(dir, "till-p", PeerTesting.freePort(), List.of(pb), PLAIN);
            try {
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                        .until(() -> connectedPeers(plain) == 0 && connectedPeers(b) == 0);
            } finally {
                PeerTesting.closeAll(List.of(plain));
            }
        } finally {
            PeerTesting.closeAll(List.of(b));
        }
    }

    @Test
    void withAStoreCaOnlyItsCertificatesLink() throws Exception {
        Certificates.Issued ca = Certificates.authority("test-store CA", Duration.ofDays(30));
        Certificates.Issued otherCa = Certificates.authority("someone else's CA", Duration.ofDays(30));
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        StoreNode a = PeerTesting.start(dir, "till-a", pa, List.of(pb), caFiles(ca, ca, "till-a"));
        StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(pa), caFiles(ca, ca, "till-b"));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> connectedPeers(a) == 1 && connectedPeers(b) == 1 && a.ready() && b.ready());
            BillOutcome o = bill(a, "ca-1", "MILK-1L", 1_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.state().bill(o.id()).isPresent());

            // Same store, same key, but its certificate comes from another CA (which it also trusts).
            Path logOfB = dir.resolve("till-b").resolve("log");
            Map<String, String> before = hashFiles(logOfB);
            double tlsRefusedBefore = counter(b, "storelog.replication.rejected", "reason", "tls");
            StoreNode outsider = PeerTesting.start(dir, "till-x", PeerTesting.freePort(), List.of(pb),
                    caFiles(otherCa, otherCa, "till-x"));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> counter(b, "storelog.replication.rejected", "reason", "tls")
                        > tlsRefusedBefore);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> connectedPeers(outsider) == 0);
                assertThat(b.replicator().orElseThrow().peers()).allSatisfy(p ->
                        assertThat(p.connected() == p.id().equals("till-a")).as("%s", p).isTrue());
                assertThat(hashFiles(logOfB)).as("log of the node it dialled").isEqualTo(before);
                assertThat(b.log().versionVector().get(outsider.log().origin())).isZero();
            } finally {
                PeerTesting.closeAll(List.of(outsider));
            }
        } finally {
            PeerTesting.closeAll(List.of(b, a));
        }
    }

    @Test
    void aNodeWhoseCertificateTheStoreCaDidNotSignDoesNotStart() throws Exception {
        Certificates.Issued ca = Certificates.authority("test-store CA", Duration.ofDays(30));
        Certificates.Issued otherCa = Certificates.authority("someone else's CA", Duration.ofDays(30));
        Map<String, String> mismatched = caFiles(otherCa, ca, "till-m");
        assertThatThrownBy(() -> PeerTesting.start(dir, "till-m", PeerTesting.freePort(), List.of(), mismatched))
                .hasMessageContaining(ConfigKeys.PEER_TLS_CERT).hasMessageContaining(ConfigKeys.PEER_TLS_CA);
    }

    /** Writes a certificate for {@code node} signed by {@code issuer} and the CA file {@code trusted}; the config keys naming them. */
    private Map<String, String> caFiles(Certificates.Issued issuer, Certificates.Issued trusted, String node) throws IOException {
        Path d = Files.createDirectories(dir.resolve("certs-" + node));
        Certificates.Issued cert = Certificates.issue(issuer, node, List.of(), Duration.ofDays(30));
        Pem.writeCertificates(d.resolve("ca.pem"), List.of(trusted.cert()));
        Pem.writeCertificates(d.resolve(node + ".pem"), List.of(cert.cert()));
        Pem.writePrivateKey(d.resolve(node + "-key.pem"), cert.key());
        return Map.of(ConfigKeys.PEER_TLS_CA, d.resolve("ca.pem").toString(), ConfigKeys.PEER_TLS_CERT,
                d.resolve(node + ".pem").toString(), ConfigKeys.PEER_TLS_KEY, d.resolve(node + "-key.pem").toString());
    }

    /** Terminates TLS with its own self-signed certificate on both sides and relays the bytes between them. */
    private static final class Relay implements AutoCloseable {
        private final SSLServerSocket server;
        private final SSLContext ctx;
        private final int target;
        private volatile long relayed;

        Relay(int target) throws Exception {
            this.target = target;
            SelfSignedCertificate cert = new SelfSignedCertificate("mallory");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("k", cert.key(), new char[0], new Certificate[] {cert.cert()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            server.setNeedClientAuth(true);
            Thread t = new Thread(this::accept, "mitm-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        long relayed() {
            return relayed;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    SSLSocket in = (SSLSocket) server.accept();
                    SSLSocket out = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), target);
                    pipe(in, out);
                    pipe(out, in);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pipe(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                    for (int n; (n = i.read(buf)) > 0; ) {
                        o.write(buf, 0, n);
                        o.flush();
                        relayed += n;
                    }
                } catch (IOException closed) {
                    // Either side hung up: the relay of this connection ends.
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException ignored) {
                        // Closing a socket that is already closed.
                    }
                }
            }, "mitm-pipe");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
