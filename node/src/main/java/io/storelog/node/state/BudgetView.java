package io.storelog.node.state;

import java.util.SortedMap;

/**
 * One budget as this node has folded it: the total (minted minus burned), what all holders spent, what
 * remains in the store, and each holder's share. Amounts are in the key's unit (thousandths for a SKU,
 * minor units for the card cap and refunds).
 */
public record BudgetView(String key, long total, long spent, long remaining, SortedMap<String, Share> shares) {
    /** One holder's (a lane incarnation's) part: {@code unspent} is what it may still spend or give. */
    public record Share(long minted, long received, long given, long burned, long spent) {
        /** Rights the holder has not spent, given away or burned. */
        public long unspent() {
            return minted + received - given - burned - spent;
        }
    }

    /** The unspent share of {@code holder} (0 for a holder that never held any). */
    public long unspent(String holder) {
        Share s = shares.get(holder);
        return s == null ? 0 : s.unspent();
    }
}
