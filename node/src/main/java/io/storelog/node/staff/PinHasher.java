package io.storelog.node.staff;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.StaffUpdate;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PINs as they are stored: PBKDF2WithHmacSHA256 over the PIN with a random 16-byte salt per member
 * of staff, 256 bits out. A PIN is a few digits, so the iteration count is what makes each guess
 * against a stolen log cost time; sign-in lock-outs ({@link PinGuard}) stop guessing at the till.
 */
public final class PinHasher {
    /** What a PIN may be: 4 to 12 digits. */
    public static final Pattern PIN = Pattern.compile("[0-9]{4,12}");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PinHasher() {
    }

    /** A fresh random salt. */
    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /** The stored form of {@code pin}; refuses a PIN that is not 4 to 12 digits (naming {@code who}, never the PIN). */
    public static byte[] hash(String pin, byte[] salt, int iterations, String who) {
        if (pin == null || !PIN.matcher(pin).matches()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "the PIN of " + who + " must be 4 to 12 digits");
        }
        return derive(pin, salt, iterations);
    }

    /** Whether {@code pin} is this member's PIN; compares in constant time. */
    public static boolean matches(String pin, StaffUpdate member) {
        if (pin == null || !PIN.matcher(pin).matches() || member.getKdfIterations() == 0) {
            return false;
        }
        return MessageDigest.isEqual(derive(pin, member.getSalt().toByteArray(), member.getKdfIterations()),
                member.getPinHash().toByteArray());
    }

    private static byte[] derive(String pin, byte[] salt, int iterations) {
        char[] chars = pin.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
