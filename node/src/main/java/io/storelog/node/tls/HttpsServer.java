package io.storelog.node.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/** The TLS side of an HTTPS server (headquarters): its certificate chain and key, from PEM files. */
public final class HttpsServer {
    private HttpsServer() {
    }

    /** A server context for {@code certFile} (the certificate, then any issuers) and {@code keyFile}. */
    public static SslContext context(Path certFile, Path keyFile) {
        List<X509Certificate> chain = Pem.certificates(certFile);
        PrivateKey key = Pem.privateKey(keyFile);
        try {
            return SslContextBuilder.forServer(key, chain).build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("cannot serve HTTPS with " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
