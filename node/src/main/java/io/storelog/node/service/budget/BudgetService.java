package io.storelog.node.service.budget;

import static io.storelog.node.service.budget.Futures.await;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.replication.Replicator;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.BudgetView;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BudgetGrant;
import io.storelog.protocol.BudgetSpend;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * This lane's side of the bounded counters (docs/budgets.md): it checks and records what its own
 * entries take from its shares, gets budget from linked lanes when its share is short
 * ({@link BudgetTransfers}) and changes totals for the operator; {@link BudgetUpkeep} moves idle budget.
 *
 * <p>Exactness: this lane is the only writer of entries that take rights from its holder (its
 * incarnation id), and every such entry is checked under the log's append lock against the folded
 * share minus what its own entries still in flight take. So its share never goes below zero, whatever
 * the other lanes do or whether they can be reached, and the store never spends more than the total.
 */
public final class BudgetService implements AutoCloseable {
    /** How this lane is wired to the rest of the node. */
    public record Settings(String lane, long askTimeoutMillis, int rebalanceIdleSeconds, long configuredCardCap,
                           boolean mintsConfiguredCap) {
    }

    private final MergedLog log;
    private final StoreState state;
    private final Optional<Replicator> replicator;
    private final BooleanSupplier storeOffline;
    private final LaneShares shares;
    private final BudgetTransfers transfers;
    private final BudgetUpkeep upkeep;

    /** Budgets of lane {@code settings.lane()}; with a replicator it answers other lanes' asks for budget. */
    public BudgetService(MergedLog log, StoreState state, Settings settings, Optional<Replicator> replicator,
            BooleanSupplier ready, BooleanSupplier storeOffline) {
        this.log = log;
        this.state = state;
        this.replicator = replicator;
        this.storeOffline = storeOffline;
        this.shares = new LaneShares(log, state);
        this.transfers = new BudgetTransfers(log, state, shares, new HeldEntries(log), settings, replicator, ready);
        this.upkeep = new BudgetUpkeep(state, shares, transfers, settings, replicator, ready);
    }

    /** This lane's holder id: its incarnation. */
    public String holder() {
        return shares.holder();
    }

    // ---- what entries take ----

    /**
     * Marks the card tenders of a priced bill that were taken offline: those the terminal reported so
     * ({@code reported[i]}), or every card tender while the store has had no contact with headquarters
     * for the configured time. Tenders are in the order the till sent them.
     */
    public void markOffline(BillCommitted.Builder bill, List<Boolean> reported) {
        boolean inferred = storeOffline.getAsBoolean();
        for (int i = 0; i < bill.getTendersCount(); i++) {
            Tender t = bill.getTenders(i);
            boolean said = i < reported.size() && Boolean.TRUE.equals(reported.get(i));
            if (t.getType() == TenderType.CARD && (said || inferred)) {
                bill.setTenders(i, t.toBuilder().setOffline(true));
            }
        }
    }

    /** What a priced bill draws on: each limited SKU's quantity and the offline card amount, by key. */
    public Map<String, Long> needsOf(BillCommitted.Builder bill) {
        TreeMap<String, Long> needs = new TreeMap<>();
        for (BillLine l : bill.getLinesList()) {
            String key = BudgetKeys.skuKey(l.getSku());
            if (l.getQtyMilli() > 0 && state.budgetLimited(key)) {
                needs.merge(key, l.getQtyMilli(), Math::addExact);
            }
        }
        if (state.budgetLimited(BudgetKeys.CARD_OFFLINE)) {
            for (Tender t : bill.getTendersList()) {
                if (t.getOffline() && t.getAmount() > 0) {
                    needs.merge(BudgetKeys.CARD_OFFLINE, t.getAmount(), Math::addExact);
                }
            }
        }
        return needs;
    }

    /** Whether any stock budget or card cap exists at all (a store without any skips the extra pricing). */
    public boolean anyLimits() {
        return !state.budgetKeys().isEmpty();
    }

    /**
     * Under the append lock, for the own entry about to get {@code seq}: checks this lane's shares cover
     * {@code takes} and records them as in flight; throws {@link BudgetExhausted} (nothing recorded) if not.
     */
    public void take(long seq, Map<String, Long> takes) {
        shares.take(seq, takes);
    }

    /** The own entry {@code seq} is durable and folded (or failed): it no longer counts as in flight. */
    public void settled(long seq, boolean spent) {
        Map<String, Long> took = shares.settle(seq);
        if (spent && took != null) {
            upkeep.spent(took.keySet());
        }
    }

    /** The spends to record on a bill for {@code needs}, sorted by key. */
    public static List<BudgetSpend> spends(Map<String, Long> needs) {
        List<BudgetSpend> out = new ArrayList<>();
        new TreeMap<>(needs).forEach((k, v) -> out.add(BudgetSpend.newBuilder().setKey(k).setAmount(v).build()));
        return out;
    }

    /** This lane's unspent share of {@code key} minus what its entries in flight take; exact under the append lock. */
    public long available(String key) {
        return shares.available(key);
    }

    // ---- getting rights ----

    /**
     * Completes once this lane's shares cover {@code needs} (asking linked lanes for what is short), or
     * fails with {@link BudgetExhausted} when no reachable lane can give enough. Refund budgets are asked
     * of the bill's lane only ({@code refundOwnerLane}); not reaching it fails with LANE_UNREACHABLE.
     */
    public CompletableFuture<Void> ensure(Map<String, Long> needs, String refundOwnerLane) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Map.Entry<String, Long> e : new TreeMap<>(needs).entrySet()) {
            chain = chain.thenCompose(v -> ensureOne(e.getKey(), e.getValue(), refundOwnerLane));
        }
        return chain;
    }

    private CompletableFuture<Void> ensureOne(String key, long need, String refundOwnerLane) {
        long available = available(key);
        if (available >= need) {
            return CompletableFuture.completedFuture(null);
        }
        if (shares.knownRemaining(key) < need) {
            // Spends this lane has not seen yet only lower the store's rest, so asking cannot help (short of
            // a raise of the total not yet arrived here): refuse at once instead of asking every lane.
            return CompletableFuture.failedFuture(shares.shortOf(key, need, available));
        }
        if (BudgetKeys.isRefund(key)) {
            return transfers.askOwner(key, need, available, refundOwnerLane);
        }
        return transfers.askGivers(key, need).thenApply(v -> {
            long now = available(key);
            if (now < need) {
                throw shares.shortOf(key, need, now);
            }
            return null;
        });
    }

    // ---- operator ----

    /**
     * Sets a budget's total. A raise mints the difference into this lane's share; a cut burns it from
     * this lane's share, asking linked lanes first for what this lane lacks, and is refused (409 with
     * what remains) when it cannot burn that much. Blocks until the entry is durable.
     */
    public synchronized BudgetView setTotal(String key, long total, String actor) {
        BudgetView v = state.budget(key);
        if (total < 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "total must not be negative");
        }
        if (!state.budgetLimited(key) && total == 0) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "total must be above 0 to start a budget for " + BudgetKeys.describe(key));
        }
        long diff = total - v.total();
        if (diff > 0) {
            await(transfers.mint(key, diff, "total set to " + total, actor));
        } else if (diff < 0) {
            long cut = -diff;
            if (available(key) < cut) {
                try {
                    await(ensure(Map.of(key, cut), null));
                } catch (BudgetExhausted e) {
                    throw new BudgetExhausted(key, state.budget(key).remaining(), "cannot lower the total of " + BudgetKeys.describe(key)
                            + " by " + cut + ": this lane and the lanes it reaches hold only " + available(key)
                            + " unspent; the rest is held by lanes it cannot reach or is spent");
                }
            }
            await(burn(key, cut, "total set to " + total, actor));
        }
        return state.budget(key);
    }

    /**
     * Moves a retired holder's unspent share of {@code key} to this lane (the operator says that holder
     * will never write again: a wiped lane's old incarnation, or a lane taken out of the store).
     */
    public synchronized BudgetView reclaim(String key, String oldHolder, String actor) {
        if (oldHolder.equals(holder())) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "holder " + oldHolder + " is this lane; nothing to reclaim");
        }
        if (!state.budgetLimited(key) && !BudgetKeys.isRefund(key)) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "no budget " + key);
        }
        if (replicator.isPresent() && replicator.get().peers().stream()
                .anyMatch(p -> p.connected() && p.incarnation().equals(oldHolder))) {
            throw new StoreLogException(ErrorCode.CONFLICT, "holder " + oldHolder + " is a linked lane: it gives its share itself");
        }
        try {
            await(log.appendOwn((seq, stamp) -> {
                long a = state.budget(key).unspent(oldHolder);
                if (a <= 0) {
                    throw new StoreLogException(ErrorCode.CONFLICT, "holder " + oldHolder + " holds nothing of " + key);
                }
                return Entry.newBuilder().setActor(actor == null ? "" : actor).setBudgetGrant(BudgetGrant.newBuilder()
                        .setKey(key).setFromHolder(oldHolder).setToHolder(holder()).setAmount(a).setReason("reclaimed").setReclaim(true));
            }));
        } catch (RuntimeException e) {
            throw Futures.unwrapRuntime(e);
        }
        return state.budget(key);
    }

    /** A burn of {@code cut} from this lane's share, checked under the append lock. */
    private CompletableFuture<MergedLog.Appended> burn(String key, long cut, String reason, String actor) {
        return log.appendOwn((seq, stamp) -> {
            take(seq, Map.of(key, cut));
            return Entry.newBuilder().setActor(actor == null ? "" : actor).setBudgetGrant(
                    BudgetGrant.newBuilder().setKey(key).setFromHolder(holder()).setAmount(cut).setReason(reason));
        }).whenComplete((a, t) -> {
            if (a != null) {
                settled(a.entry().getSeq(), false);
            }
        });
    }

    @Override
    public void close() {
        upkeep.close();
    }
}
