package io.storelog.node.state;

import io.storelog.protocol.BudgetGrant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bounded counters (escrow) per budget key: for each holder (a lane's incarnation id) the rights it was
 * minted, received, gave away, burned and spent. Every entry only adds to these sums, so folding is
 * commutative and idempotent per entry id (the state folds each id once): two nodes holding the same
 * entries hold the same counters whatever the order they came in. The invariant the writers keep (see
 * docs/budgets.md): a holder writes a spend, transfer or burn only when its own unspent rights cover it,
 * so the store-wide sum spent never exceeds the total minted minus burned.
 *
 * <p>Refund budgets ({@code refund:<billId>}) start with rights nobody granted explicitly: the bill's
 * total, held by the bill's origin. Those are added by {@link StoreState} when read, from the bill index,
 * so a refund that arrives before its bill folds the same.
 */
final class Budgets {
    /** Indexes into a holder's cell. */
    static final int MINTED = 0;
    static final int RECEIVED = 1;
    static final int GIVEN = 2;
    static final int BURNED = 3;
    static final int SPENT = 4;
    private static final int CELLS = 5;

    /** Key -> holder -> cell of sums; sorted so reads and the digest walk one order. */
    private final TreeMap<String, TreeMap<String, long[]>> keys = new TreeMap<>();

    /**
     * Folds a grant written by {@code origin}. Ignored (identically on every node) when it could not
     * have been written honestly: no key, an amount that is not positive, nothing on either side, or
     * rights moved away from a holder other than the writer without being a reclaim.
     */
    void grant(String origin, BudgetGrant g) {
        if (g.getKey().isEmpty() || g.getAmount() <= 0 || g.getFromHolder().equals(g.getToHolder())) {
            return;
        }
        if (!g.getFromHolder().isEmpty() && !g.getFromHolder().equals(origin) && !g.getReclaim()) {
            return;
        }
        TreeMap<String, long[]> holders = keys.computeIfAbsent(g.getKey(), k -> new TreeMap<>());
        if (g.getFromHolder().isEmpty()) {
            cell(holders, g.getToHolder())[MINTED] += g.getAmount();
        } else if (g.getToHolder().isEmpty()) {
            cell(holders, g.getFromHolder())[BURNED] += g.getAmount();
        } else {
            cell(holders, g.getFromHolder())[GIVEN] += g.getAmount();
            cell(holders, g.getToHolder())[RECEIVED] += g.getAmount();
        }
    }

    /** Folds what an entry of {@code holder} spent of {@code key}. Wrapping addition: this never throws on a durable entry. */
    void spend(String key, String holder, long amount) {
        if (key.isEmpty() || amount <= 0) {
            return;
        }
        cell(keys.computeIfAbsent(key, k -> new TreeMap<>()), holder)[SPENT] += amount;
    }

    /** Whether any entry touched this key (a limited SKU, the card cap once set, a refund budget in use). */
    boolean known(String key) {
        return keys.containsKey(key);
    }

    /** A copy of each holder's cell of one key (empty when unknown). */
    TreeMap<String, long[]> holders(String key) {
        TreeMap<String, long[]> out = new TreeMap<>();
        TreeMap<String, long[]> held = keys.get(key);
        if (held != null) {
            held.forEach((h, c) -> out.put(h, c.clone()));
        }
        return out;
    }

    /** Rights {@code holder} holds unspent now (before any implicit mint of a refund budget). */
    long unspent(String key, String holder) {
        TreeMap<String, long[]> held = keys.get(key);
        long[] c = held == null ? null : held.get(holder);
        return c == null ? 0 : c[MINTED] + c[RECEIVED] - c[GIVEN] - c[BURNED] - c[SPENT];
    }

    /** Every key folded, sorted. */
    java.util.Set<String> keySet() {
        return java.util.Collections.unmodifiableSet(keys.keySet());
    }

    void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(keys.size());
        for (Map.Entry<String, TreeMap<String, long[]>> k : keys.entrySet()) {
            out.writeUTF(k.getKey());
            out.writeInt(k.getValue().size());
            for (Map.Entry<String, long[]> h : k.getValue().entrySet()) {
                out.writeUTF(h.getKey());
                for (long v : h.getValue()) {
                    out.writeLong(v);
                }
            }
        }
    }

    void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int n = in.readInt(); n > 0; n--) {
            TreeMap<String, long[]> holders = new TreeMap<>();
            keys.put(in.readUTF(), holders);
            for (int m = in.readInt(); m > 0; m--) {
                String holder = in.readUTF();
                long[] c = new long[CELLS];
                for (int i = 0; i < CELLS; i++) {
                    c[i] = in.readLong();
                }
                holders.put(holder, c);
            }
        }
    }

    /** Canonical lines for the state digest (none when no budget was ever used, so older digests stay as they were). */
    void feed(StateDigest.Lines lines) {
        keys.forEach((key, holders) -> holders.forEach((h, c) ->
                lines.put("budget", key, h, c[MINTED], c[RECEIVED], c[GIVEN], c[BURNED], c[SPENT])));
    }

    private static long[] cell(TreeMap<String, long[]> holders, String holder) {
        return holders.computeIfAbsent(holder, h -> new long[CELLS]);
    }
}
