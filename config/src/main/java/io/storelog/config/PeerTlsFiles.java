package io.storelog.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A store CA for peer links (made by {@code bin/storelog certs}): PEM files of the CA certificate, this
 * node's certificate signed by it, and this node's private key.
 *
 * @param ca   CA certificate(s) peers' certificates must chain to (peer.tls-ca)
 * @param cert this node's certificate, optionally followed by intermediates (peer.tls-cert)
 * @param key  this node's private key, PKCS#8 or traditional PEM (peer.tls-key)
 */
public record PeerTlsFiles(Path ca, Path cert, Path key) {
    public PeerTlsFiles {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }
}
