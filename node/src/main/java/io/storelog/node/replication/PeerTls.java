package io.storelog.node.replication;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.storelog.config.ConfigKeys;
import io.storelog.config.PeerTlsFiles;
import io.storelog.node.tls.Certificates;
import io.storelog.node.tls.Pem;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS for peer links. By default without handing out certificates: each node makes a self-signed
 * certificate when it starts, accepts any certificate on the wire, and binds both certificates into the
 * store-key proof ({@link #binding}). A man in the middle must present its own certificate to each side,
 * so the two sides bind different certificates and neither proof checks out without the store key.
 * With a store CA ({@link PeerTlsFiles}) each side also requires the other's certificate to chain to
 * that CA, so a node with the key but a certificate from elsewhere is refused during the TLS handshake.
 */
final class PeerTls {
    /** A self-signed certificate outlives any process that makes one at start. */
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

    private final SslContext server;
    private final SslContext client;

    PeerTls(String node, Optional<PeerTlsFiles> files) {
        try {
            if (files.isEmpty()) {
                Certificates.Issued cert = Certificates.selfSigned("storelog-" + node, List.of(), SELF_SIGNED_VALIDITY);
                server = SslContextBuilder.forServer(cert.key(), cert.cert()).clientAuth(ClientAuth.REQUIRE)
                        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
                client = SslContextBuilder.forClient().keyManager(cert.key(), cert.cert())
                        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            } else {
                PeerTlsFiles f = files.get();
                List<X509Certificate> ca = Pem.certificates(f.ca());
                List<X509Certificate> chain = Pem.certificates(f.cert());
                PrivateKey key = Pem.privateKey(f.key());
                requireSignedBy(chain, ca, f);
                server = SslContextBuilder.forServer(key, chain).clientAuth(ClientAuth.REQUIRE).trustManager(ca).build();
                // The chain to the store CA is the check; peers are named by the proof, not by host names.
                client = SslContextBuilder.forClient().keyManager(key, chain).trustManager(ca)
                        .endpointIdentificationAlgorithm(null).build();
            }
        } catch (SSLException | RuntimeException e) {
            throw new IllegalStateException("cannot set up TLS for peer links of node " + node + ": " + e.getMessage(), e);
        }
    }

    /** Fails at start, naming the files, when this node's own certificate would be refused by every peer. */
    private static void requireSignedBy(List<X509Certificate> chain, List<X509Certificate> ca, PeerTlsFiles f) {
        X509Certificate top = chain.get(chain.size() - 1);
        for (X509Certificate c : ca) {
            try {
                top.verify(c.getPublicKey());
                return;
            } catch (GeneralSecurityException notThisOne) {
                // Try the next CA certificate in the file.
            }
        }
        throw new IllegalArgumentException(ConfigKeys.PEER_TLS_CERT + ": " + f.cert() + " is not signed by the CA in "
                + ConfigKeys.PEER_TLS_CA + " (" + f.ca() + ")");
    }

    /** The TLS handler for a link this node dialled ({@code dialled}) or accepted. */
    SslHandler handler(ByteBufAllocator alloc, boolean dialled) {
        return (dialled ? client : server).newHandler(alloc);
    }

    /**
     * SHA-256 of the dialler's certificate followed by that of the acceptor's, as this end of the link
     * saw them; empty without TLS (the proof then covers the hellos alone).
     */
    static byte[] binding(SslHandler tls, boolean initiator) {
        if (tls == null) {
            return new byte[0];
        }
        try {
            SSLSession s = tls.engine().getSession();
            Certificate[] local = s.getLocalCertificates();
            Certificate[] peer = s.getPeerCertificates();
            byte[] mine = sha256(local[0].getEncoded());
            byte[] theirs = sha256(peer[0].getEncoded());
            byte[] out = new byte[64];
            System.arraycopy(initiator ? mine : theirs, 0, out, 0, 32);
            System.arraycopy(initiator ? theirs : mine, 0, out, 32, 32);
            return out;
        } catch (SSLPeerUnverifiedException | CertificateEncodingException | RuntimeException e) {
            // No certificate to bind: a binding no honest peer computes, so the proof fails.
            return new byte[] {0};
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
