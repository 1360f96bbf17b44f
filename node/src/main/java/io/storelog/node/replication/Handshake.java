package io.storelog.node.replication;

import io.storelog.protocol.Hello;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The store-key proof of the peer handshake. Each side proves it holds the key by an HMAC-SHA256
 * over a transcript of both Hello messages (each with a fresh random nonce) and its own direction.
 * The key never crosses the wire; a proof is useless on another connection (other nonces) and cannot
 * be reflected back to its sender (other direction).
 */
final class Handshake {
    /** Version of the peer protocol this node speaks. */
    static final int PROTOCOL_VERSION = 1;

    private static final byte[] LABEL = "storelog-peer-v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] storeKey;

    Handshake(String storeKey) {
        this.storeKey = storeKey.getBytes(StandardCharsets.UTF_8);
    }

    /** The proof the side that dialled ({@code initiator}) or accepted sends, over both hellos. */
    byte[] proof(boolean initiator, Hello initiatorHello, Hello acceptorHello) {
        return proof(initiator, initiatorHello, acceptorHello, new byte[0]);
    }

    /**
     * As above, also over {@code tlsBinding} (both TLS certificates as this end saw them, see
     * {@link PeerTls#binding}); an empty binding (no TLS) leaves the proof as it was.
     */
    byte[] proof(boolean initiator, Hello initiatorHello, Hello acceptorHello, byte[] tlsBinding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(storeKey, "HmacSHA256"));
            mac.update(LABEL);
            mac.update((byte) (initiator ? 'I' : 'A'));
            update(mac, initiatorHello.toByteArray());
            update(mac, acceptorHello.toByteArray());
            if (tlsBinding.length > 0) {
                update(mac, tlsBinding);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Checks a proof in constant time. */
    boolean verify(byte[] proof, boolean initiator, Hello initiatorHello, Hello acceptorHello, byte[] tlsBinding) {
        return MessageDigest.isEqual(proof, proof(initiator, initiatorHello, acceptorHello, tlsBinding));
    }

    private static void update(Mac mac, byte[] part) {
        mac.update((byte) (part.length >>> 24));
        mac.update((byte) (part.length >>> 16));
        mac.update((byte) (part.length >>> 8));
        mac.update((byte) part.length);
        mac.update(part);
    }
}
