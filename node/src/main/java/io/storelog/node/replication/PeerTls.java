package io.storelog.node.replication;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS for peer links without handing out certificates: each node makes a self-signed certificate when it
 * starts, accepts any certificate on the wire, and binds both certificates into the store-key proof
 * ({@link #binding}). A man in the middle must present its own certificate to each side, so the two
 * sides bind different certificates and neither proof checks out without the store key.
 */
final class PeerTls {
    private final SslContext server;
    private final SslContext client;

    PeerTls(String node) {
        try {
            SelfSignedCertificate cert = new SelfSignedCertificate("storelog-" + node);
            server = SslContextBuilder.forServer(cert.key(), cert.cert()).clientAuth(ClientAuth.REQUIRE)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            client = SslContextBuilder.forClient().keyManager(cert.key(), cert.cert())
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            cert.delete();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make this node's TLS certificate: " + e.getMessage(), e);
        }
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
