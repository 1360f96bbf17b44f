package io.storelog.node.service.budget;

import static io.storelog.node.state.BudgetKeys.formatMilli;

import io.storelog.node.merge.MergedLog;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.StoreState;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * This lane's shares of the budgets: what the fold says it holds, less what its own entries still in
 * flight take. Checked under the log's append lock, so the share never goes below zero.
 */
final class LaneShares {
    private final MergedLog log;
    private final StoreState state;
    /** Own entries appended and not yet durable, by seq: what each takes from this lane's shares, by key. */
    private final ConcurrentSkipListMap<Long, Map<String, Long>> inFlight = new ConcurrentSkipListMap<>();

    LaneShares(MergedLog log, StoreState state) {
        this.log = log;
        this.state = state;
        log.onWriteFailure(firstFailed -> inFlight.tailMap(firstFailed, true).clear());
    }

    /** This lane's holder id: its incarnation. */
    String holder() {
        return log.origin();
    }

    /** Checks this lane's shares cover {@code takes} and records them in flight for {@code seq}; throws {@link BudgetExhausted} (nothing recorded) if not. */
    void take(long seq, Map<String, Long> takes) {
        for (Map.Entry<String, Long> e : takes.entrySet()) {
            long available = available(e.getKey());
            if (available < e.getValue()) {
                throw shortOf(e.getKey(), e.getValue(), available);
            }
        }
        if (!takes.isEmpty()) {
            inFlight.put(seq, Map.copyOf(takes));
        }
    }

    /** The own entry {@code seq} no longer counts as in flight; returns what it took, or null if nothing. */
    Map<String, Long> settle(long seq) {
        return inFlight.remove(seq);
    }

    /** This lane's unspent share of {@code key} minus what its entries in flight take. */
    long available(String key) {
        return state.budget(key).unspent(holder()) - takenInFlight(key);
    }

    /** The store's rest of {@code key} as this lane knows it: folded, less what its own entries in flight take. */
    long knownRemaining(String key) {
        return state.budget(key).remaining() - takenInFlight(key);
    }

    private long takenInFlight(String key) {
        long taken = 0;
        for (Map<String, Long> m : inFlight.tailMap(log.ownDurableSeq(), false).values()) {
            taken += m.getOrDefault(key, 0L);
        }
        return taken;
    }

    /** The refusal of {@code need} of {@code key} when this lane has only {@code available}, worded for the key's kind. */
    BudgetExhausted shortOf(String key, long need, long available) {
        long remaining = Math.max(0, knownRemaining(key));
        String message;
        if (BudgetKeys.isSku(key)) {
            message = "item " + BudgetKeys.skuOf(key) + " is limited: this sale needs " + formatMilli(need)
                    + ", this lane can get " + formatMilli(Math.max(0, available)) + ", and " + formatMilli(remaining)
                    + " are left in the store as this lane knows it";
        } else if (key.equals(BudgetKeys.CARD_OFFLINE)) {
            message = "the store's cap on offline card payments is reached: this lane can take " + Math.max(0, available)
                    + " more, the card needs " + need + "; take another tender";
        } else {
            message = "bill " + BudgetKeys.billOf(key) + " has only " + Math.max(0, available)
                    + " left to refund on this lane, less than the " + need + " asked";
        }
        return new BudgetExhausted(key, remaining, message);
    }
}
