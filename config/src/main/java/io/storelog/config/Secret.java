package io.storelog.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/** A shared secret or token from config; its {@code toString} never shows the value, so logs of a config stay safe. */
public record Secret(String value) {
    /** Rejects a blank secret: a store key of "" would let anyone in. */
    public Secret {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("secret is blank");
        }
    }

    /** Compares in time independent of where the texts differ, so a caller cannot guess a token byte by byte. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "<secret>";
    }
}
