package io.storelog.node.billing;

/**
 * A discount as asked for: exactly one of {@code percentBp} (basis points, 7.5% = 750) or
 * {@code amount} (minor units) is set. Checked by the pricer, which can name the line at fault.
 */
public record DiscountSpec(Integer percentBp, Long amount, String reason) {

    /** A percentage discount in basis points. */
    public static DiscountSpec percent(int percentBp, String reason) {
        return new DiscountSpec(percentBp, null, reason);
    }

    /** A fixed discount in minor units. */
    public static DiscountSpec amount(long amount, String reason) {
        return new DiscountSpec(null, amount, reason);
    }
}
