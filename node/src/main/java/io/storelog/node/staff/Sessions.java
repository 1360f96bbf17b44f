package io.storelog.node.staff;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.state.StaffMember;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sign-in sessions of this lane, in memory: a random token per sign-in, valid for a fixed time. A
 * restart signs everyone out (a till is signed in at the screen, so that costs one PIN entry); the
 * token never enters the log, only the cashier id it stands for does, as the entries' actor.
 */
public final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PinGuard pins;
    private final long ttlMs;
    private final LongSupplier nowMs;
    private final Map<String, Session> byToken = new ConcurrentHashMap<>();

    /** A signed-in member of staff and when the sign-in ends. */
    public record Session(String token, String staffId, long expiresAtMs) {
    }

    /** Sessions lasting {@code ttlMs}, checking PINs with {@code pins}. */
    public Sessions(PinGuard pins, long ttlMs, LongSupplier nowMs) {
        this.pins = pins;
        this.ttlMs = ttlMs;
        this.nowMs = nowMs;
    }

    /** Signs {@code staffId} in with {@code pin}: a new session, or WRONG_PIN / LOCKED_OUT. */
    public Session signIn(String staffId, String pin) {
        StaffMember m = pins.verify(staffId, pin);
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Session s = new Session(token, m.id(), nowMs.getAsLong() + ttlMs);
        byToken.put(token, s);
        dropExpired();
        return s;
    }

    /** Ends a session; false when it did not exist. */
    public boolean signOut(String token) {
        return token != null && byToken.remove(token) != null;
    }

    /** The cashier a token stands for; WRONG_PIN when it is unknown or expired. Null or blank: empty. */
    public Optional<String> cashierOf(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        Session s = byToken.get(token.trim());
        if (s == null || s.expiresAtMs() <= nowMs.getAsLong()) {
            if (s != null) {
                byToken.remove(s.token());
            }
            throw new StoreLogException(ErrorCode.WRONG_PIN, "the cashier session is unknown or expired; sign in again");
        }
        return Optional.of(s.staffId());
    }

    private void dropExpired() {
        long now = nowMs.getAsLong();
        byToken.values().removeIf(s -> s.expiresAtMs() <= now);
    }
}
