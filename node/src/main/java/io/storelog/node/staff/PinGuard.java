package io.storelog.node.staff;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.state.StaffMember;
import io.storelog.node.state.StoreState;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Checks a member's PIN at this lane, for sign-in and for approvals alike, and locks the member out
 * for a while after too many wrong PINs in a row. Failure counts live in this node's memory only: a
 * lock-out is per lane, and a restart forgets it (documented in the README).
 */
public final class PinGuard {
    private final StoreState state;
    private final int maxFailures;
    private final long lockoutMs;
    private final LongSupplier nowMs;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, long lockedUntilMs) {
    }

    /** A guard that locks a member out for {@code lockoutMs} after {@code maxFailures} wrong PINs in a row. */
    public PinGuard(StoreState state, int maxFailures, long lockoutMs, LongSupplier nowMs) {
        this.state = state;
        this.maxFailures = maxFailures;
        this.lockoutMs = lockoutMs;
        this.nowMs = nowMs;
    }

    /**
     * The active member {@code staffId} when {@code pin} is theirs; else WRONG_PIN (an unknown id
     * answers the same, so ids cannot be probed) or LOCKED_OUT.
     */
    public StaffMember verify(String staffId, String pin) {
        if (staffId == null || staffId.isBlank()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "a staff id is required");
        }
        StaffMember member = state.staff(d -> d.member(staffId)).filter(StaffMember::active).orElse(null);
        if (member == null) {
            throw new StoreLogException(ErrorCode.WRONG_PIN, "unknown staff id or wrong PIN for '" + staffId + "'");
        }
        long now = nowMs.getAsLong();
        Failures f = failures.get(staffId);
        if (f != null && f.lockedUntilMs() > now) {
            throw lockedOut(staffId, f.lockedUntilMs() - now);
        }
        if (PinHasher.matches(pin, member.update())) {
            failures.remove(staffId);
            return member;
        }
        Failures next = failures.compute(staffId, (id, old) -> {
            int count = (old == null || old.lockedUntilMs() > 0 ? 0 : old.count()) + 1;
            return new Failures(count, count >= maxFailures ? now + lockoutMs : 0);
        });
        if (next.lockedUntilMs() > 0) {
            throw lockedOut(staffId, lockoutMs);
        }
        throw new StoreLogException(ErrorCode.WRONG_PIN, "unknown staff id or wrong PIN for '" + staffId + "'");
    }

    private static StoreLogException lockedOut(String staffId, long remainingMs) {
        return new StoreLogException(ErrorCode.LOCKED_OUT, "'" + staffId + "' is locked out after too many wrong PINs; try again in "
                + Math.max(1, (remainingMs + 999) / 1000) + " s");
    }
}
