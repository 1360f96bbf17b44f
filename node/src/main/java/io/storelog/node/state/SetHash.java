package io.storelog.node.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An order-independent hash of a growing set: the sum, modulo 2^256, of the SHA-256 of each member.
 * Adding members in any order gives the same value, which is what a fold over a CRDT needs.
 */
final class SetHash {
    private final long[] sum = new long[4];
    /** One instance reused: members are added under the state's write lock, one at a time. */
    private final MessageDigest md = sha256();

    /** Adds one member, given as its canonical text. */
    void add(String canonical) {
        byte[] h = md.digest(canonical.getBytes(StandardCharsets.UTF_8));
        long carry = 0;
        for (int i = 3; i >= 0; i--) {
            long word = 0;
            for (int b = 0; b < 8; b++) {
                word = (word << 8) | (h[i * 8 + b] & 0xFF);
            }
            long s = sum[i] + word;
            long c1 = Long.compareUnsigned(s, sum[i]) < 0 ? 1 : 0;
            long s2 = s + carry;
            long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
            sum[i] = s2;
            carry = c1 | c2;
        }
    }

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        for (long w : sum) {
            out.writeLong(w);
        }
    }

    void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int i = 0; i < sum.length; i++) {
            sum[i] = in.readLong();
        }
    }

    /** Feeds the current value into a digest. */
    void feed(MessageDigest md) {
        for (long w : sum) {
            for (int b = 7; b >= 0; b--) {
                md.update((byte) (w >>> (b * 8)));
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
