package io.storelog.node.billing;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;

/**
 * Cash rounding: where the smallest coin is worth more than the minor unit (5 for Swiss francs, whose
 * smallest coin is 0.05), cash that settles a bill pays the amount due rounded to the nearest multiple of
 * that increment, a half going up (CHF 10.03 -> 10.05, 10.02 -> 10.00; with an even increment such as
 * 50, x.25 -> x.50). That is the "nearest coin" rule of Switzerland, Denmark, Sweden, Australia, New
 * Zealand and Canada. Card and wallet pay exactly; a part paid in cash that does not settle the bill is
 * taken as handed over. See docs/pricing.md.
 */
public final class CashRounding {
    /** No rounding: cash pays to the minor unit. */
    public static final CashRounding NONE = new CashRounding(1);

    private final long increment;

    /** Rounding to multiples of {@code increment} minor units (1 = none). */
    public CashRounding(long increment) {
        if (increment < 1) {
            throw new IllegalArgumentException("cash increment " + increment + " is not positive");
        }
        this.increment = increment;
    }

    /** The smallest cash amount, in minor units. */
    public long increment() {
        return increment;
    }

    /** {@code amount} to the nearest multiple of the increment, halves up (amounts are never negative here). */
    public long round(long amount) {
        long low = Math.floorDiv(amount, increment) * increment;
        long rest = amount - low;
        return rest >= increment - rest ? Math.addExact(low, increment) : low;
    }

    /**
     * How a cash tender of {@code amount} (null: exactly what is due) settles {@code due}, or null when it
     * pays only part of the bill (then it is taken as handed over and not rounded).
     *
     * @throws StoreLogException BAD_REQUEST for cash that covers the exact amount but not the rounded one
     */
    public Settlement settle(long due, Long amount, String where) {
        long cashDue = round(due);
        if (amount == null) {
            return new Settlement(cashDue, 0, cashDue - due);
        }
        if (amount >= cashDue) {
            return new Settlement(amount, amount - cashDue, cashDue - due);
        }
        if (amount >= due) {
            // Only reached when rounding went up: the exact due in cash still cannot be paid in coins.
            throw new StoreLogException(ErrorCode.BAD_REQUEST, where + ": cash " + amount + " covers " + due
                    + " due but not the " + cashDue + " that cash pays (rounded to multiples of " + increment + ")");
        }
        return null;
    }

    /**
     * Cash that settles a bill.
     *
     * @param tendered what the customer handed over
     * @param change   what the customer gets back
     * @param rounding cash due less the exact amount due (what tendered - change pays beyond the bill)
     */
    public record Settlement(long tendered, long change, long rounding) {
    }
}
