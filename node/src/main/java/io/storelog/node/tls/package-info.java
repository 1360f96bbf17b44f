/**
 * Certificates and keys for TLS: a store CA and the certificates it signs, self-signed certificates,
 * PEM files, SHA-256 fingerprints, and the trust a headquarters client places in one certificate.
 * Keys are EC P-256: fast to make at every node start and small on the wire.
 */
package io.storelog.node.tls;
