package io.storelog.config;

import io.storelog.config.units.Decimals;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Cashiers, sign-in and approvals: where staff come from without headquarters, how PINs are hashed
 * and checked, and which discounts need a supervisor.
 *
 * @param bootstrapFile       a staff CSV loaded into the log at start, if any (staff.bootstrap-file)
 * @param pinIterations       PBKDF2 iterations for PINs hashed here (staff.pin-iterations)
 * @param sessionMinutes      a sign-in session's lifetime (staff.session-minutes)
 * @param maxPinFailures      wrong PINs in a row before a member is locked out (staff.max-pin-failures)
 * @param lockoutSeconds      how long a lock-out lasts (staff.lockout-seconds)
 * @param discountLimitBp     a line or bill discount above this share of what it applies to needs a
 *                            supervisor, in basis points (approvals.discount-limit-percent)
 */
public record StaffSection(Optional<Path> bootstrapFile, int pinIterations, int sessionMinutes, int maxPinFailures,
                           int lockoutSeconds, int discountLimitBp) {
    public StaffSection {
        Objects.requireNonNull(bootstrapFile, "bootstrapFile");
        Checks.range(ConfigKeys.STAFF_PIN_ITERATIONS, pinIterations, ConfigKeys.MIN_PIN_ITERATIONS, ConfigKeys.MAX_PIN_ITERATIONS);
        Checks.range(ConfigKeys.STAFF_SESSION_MINUTES, sessionMinutes, 1, ConfigKeys.MAX_SESSION_MINUTES);
        Checks.range(ConfigKeys.STAFF_MAX_PIN_FAILURES, maxPinFailures, 1, ConfigKeys.MAX_PIN_FAILURES);
        Checks.range(ConfigKeys.STAFF_LOCKOUT_SECONDS, lockoutSeconds, 1, ConfigKeys.MAX_LOCKOUT_SECONDS);
        Checks.range(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, discountLimitBp, 0, StoreSection.MAX_TAX_BASIS_POINTS);
    }

    static StaffSection read(RawConfig raw) {
        long iterations = raw.integer(ConfigKeys.STAFF_PIN_ITERATIONS, ConfigKeys.DEFAULT_PIN_ITERATIONS);
        long minutes = raw.integer(ConfigKeys.STAFF_SESSION_MINUTES, ConfigKeys.DEFAULT_SESSION_MINUTES);
        long failures = raw.integer(ConfigKeys.STAFF_MAX_PIN_FAILURES, ConfigKeys.DEFAULT_MAX_PIN_FAILURES);
        long lockout = raw.integer(ConfigKeys.STAFF_LOCKOUT_SECONDS, ConfigKeys.DEFAULT_LOCKOUT_SECONDS);
        Checks.range(ConfigKeys.STAFF_PIN_ITERATIONS, iterations, ConfigKeys.MIN_PIN_ITERATIONS, ConfigKeys.MAX_PIN_ITERATIONS);
        Checks.range(ConfigKeys.STAFF_SESSION_MINUTES, minutes, 1, ConfigKeys.MAX_SESSION_MINUTES);
        Checks.range(ConfigKeys.STAFF_MAX_PIN_FAILURES, failures, 1, ConfigKeys.MAX_PIN_FAILURES);
        Checks.range(ConfigKeys.STAFF_LOCKOUT_SECONDS, lockout, 1, ConfigKeys.MAX_LOCKOUT_SECONDS);
        String limit = raw.text(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, ConfigKeys.DEFAULT_DISCOUNT_LIMIT_PERCENT);
        long bp;
        try {
            bp = Decimals.parseScaled(limit.trim(), 2, "percent");
        } catch (NumberFormatException e) {
            throw ConfigException.badValue(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, limit,
                    "is not a percent with at most 2 decimals");
        }
        if (bp < 0 || bp > StoreSection.MAX_TAX_BASIS_POINTS) {
            throw ConfigException.badValue(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, limit, "is not between 0 and 100");
        }
        return new StaffSection(raw.existingFile(ConfigKeys.STAFF_BOOTSTRAP_FILE), (int) iterations, (int) minutes,
                (int) failures, (int) lockout, (int) bp);
    }
}
