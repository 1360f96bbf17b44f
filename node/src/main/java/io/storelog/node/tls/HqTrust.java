package io.storelog.node.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Whom a store's leader trusts as headquarters over HTTPS: the certificates of a trust file
 * (hq.tls-trust; the chain and the host name are checked as for any HTTPS site), or exactly one
 * certificate named by its SHA-256 (hq.tls-pin), or without either the JVM's own CAs. Never anyone.
 */
public final class HqTrust {
    private HqTrust() {
    }

    /** The TLS context for calls to headquarters. */
    public static SSLContext context(Optional<Path> trustFile, Optional<String> pin) {
        try {
            TrustManager[] managers;
            if (pin.isPresent()) {
                managers = new TrustManager[] {new PinnedTrustManager(pin.get())};
            } else if (trustFile.isPresent()) {
                KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                List<X509Certificate> certs = Pem.certificates(trustFile.get());
                for (int i = 0; i < certs.size(); i++) {
                    anchors.setCertificateEntry("hq-" + i, certs.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(anchors);
                managers = tmf.getTrustManagers();
            } else {
                return SSLContext.getDefault();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, managers, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS to headquarters: " + e.getMessage(), e);
        }
    }

    /**
     * Accepts the one certificate whose SHA-256 is the pin, whatever its issuer or names: the pin itself
     * is the identity, so neither a CA nor the host name adds anything.
     */
    private static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final String pin;

        PinnedTrustManager(String pin) {
            this.pin = pin;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("headquarters presented no certificate");
            }
            String seen = Certificates.fingerprint(chain[0]);
            if (!MessageDigest.isEqual(seen.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    pin.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new CertificateException("headquarters' certificate has SHA-256 " + seen + ", not the pinned " + pin);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a store's link to headquarters trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a store's link to headquarters trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a store's link to headquarters trusts no client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
