package io.storelog.node.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.replication.PeerRequestException;
import io.storelog.node.replication.PeerStatus;
import io.storelog.node.replication.Replicator;
import io.storelog.node.state.BudgetView;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BudgetGrant;
import io.storelog.protocol.BudgetSpend;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This lane's side of the bounded counters (docs/budgets.md): it checks and records what its own
 * entries take from its shares, asks linked lanes for budget when its share is short, gives from its
 * own share when asked, changes totals for the operator and moves idle budget to lanes that sell.
 *
 * <p>Exactness: this lane is the only writer of entries that take rights from its holder (its
 * incarnation id), and every such entry is checked under the log's append lock against the folded
 * share minus what its own entries still in flight take. So its share never goes below zero, whatever
 * the other lanes do or whether they can be reached, and the store never spends more than the total.
 */
public final class BudgetService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetService.class);
    /** The peer request kind by which a lane asks another to give it budget. */
    public static final String GIVE_REQUEST = "budget.give";
    /** Key prefix of a stock budget. */
    public static final String SKU_PREFIX = "sku:";
    /** Key prefix of a bill's refund budget. */
    public static final String REFUND_PREFIX = "refund:";
    /** Key of the store-wide offline card cap. */
    public static final String CARD_OFFLINE = "card-offline";

    /** How this lane is wired to the rest of the node. */
    public record Settings(String lane, long askTimeoutMillis, int rebalanceIdleSeconds, long configuredCardCap,
                           boolean mintsConfiguredCap) {
    }

    private final MergedLog log;
    private final StoreState state;
    private final Settings settings;
    private final Optional<Replicator> replicator;
    private final BooleanSupplier ready;
    private final BooleanSupplier storeOffline;
    /** Own entries appended and not yet durable, by seq: what each takes from this lane's shares, by key. */
    private final ConcurrentSkipListMap<Long, Map<String, Long>> inFlight = new ConcurrentSkipListMap<>();
    /** Key -> System.nanoTime() of this lane's last spend of it (in memory: rebalancing only). */
    private final Map<String, Long> lastSpend = new ConcurrentHashMap<>();
    /** Entries this lane waits to hold, by origin then seq. Guarded by itself. */
    private final Map<String, TreeMap<Long, List<CompletableFuture<Void>>>> waiting = new TreeMap<>();
    private final long startedNanos = System.nanoTime();
    private final java.util.concurrent.ScheduledExecutorService timer;
    private volatile boolean capMinted;

    /** Budgets of lane {@code settings.lane()}; with a replicator it answers other lanes' asks for budget. */
    public BudgetService(MergedLog log, StoreState state, Settings settings, Optional<Replicator> replicator,
            BooleanSupplier ready, BooleanSupplier storeOffline) {
        this.log = log;
        this.state = state;
        this.settings = settings;
        this.replicator = replicator;
        this.ready = ready;
        this.storeOffline = storeOffline;
        log.onWriteFailure(firstFailed -> inFlight.tailMap(firstFailed, true).clear());
        log.onDurable(this::durable);
        replicator.ifPresent(r -> r.onRequest(GIVE_REQUEST, this::answerGive));
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storelog-budgets-" + settings.lane());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** The key of a SKU's stock budget. */
    public static String skuKey(String sku) {
        return SKU_PREFIX + sku;
    }

    /** This lane's holder id: its incarnation. */
    public String holder() {
        return log.origin();
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
            String key = skuKey(l.getSku());
            if (l.getQtyMilli() > 0 && state.budgetLimited(key)) {
                needs.merge(key, l.getQtyMilli(), Math::addExact);
            }
        }
        if (state.budgetLimited(CARD_OFFLINE)) {
            for (Tender t : bill.getTendersList()) {
                if (t.getOffline() && t.getAmount() > 0) {
                    needs.merge(CARD_OFFLINE, t.getAmount(), Math::addExact);
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

    /** The own entry {@code seq} is durable and folded (or failed): it no longer counts as in flight. */
    public void settled(long seq, boolean spent) {
        Map<String, Long> took = inFlight.remove(seq);
        if (spent && took != null) {
            long now = System.nanoTime();
            took.keySet().forEach(k -> lastSpend.put(k, now));
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
        long a = state.budget(key).unspent(holder());
        for (Map<String, Long> m : inFlight.tailMap(log.ownDurableSeq(), false).values()) {
            a -= m.getOrDefault(key, 0L);
        }
        return a;
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
        if (knownRemaining(key) < need) {
            // Spends this lane has not seen yet only lower the store's rest, so asking cannot help (short of
            // a raise of the total not yet arrived here): refuse at once instead of asking every lane.
            return CompletableFuture.failedFuture(shortOf(key, need, available));
        }
        if (key.startsWith(REFUND_PREFIX)) {
            return askOwner(key, need, available, refundOwnerLane);
        }
        List<PeerStatus> peers = givers(key);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (PeerStatus p : peers) {
            chain = chain.thenCompose(v -> {
                long short_ = need - available(key);
                if (short_ <= 0) {
                    return CompletableFuture.completedFuture(null);
                }
                return ask(p.id(), key, short_).handle((x, failure) -> {
                    if (failure != null) {
                        LOG.debug("lane {} could not give {}: {}", p.id(), key, failure.toString());
                    }
                    return null;
                });
            });
        }
        return chain.thenApply(v -> {
            long now = available(key);
            if (now < need) {
                throw shortOf(key, need, now);
            }
            return null;
        });
    }

    private CompletableFuture<Void> askOwner(String key, long need, long available, String ownerLane) {
        String billId = key.substring(REFUND_PREFIX.length());
        if (ownerLane == null || ownerLane.equals(settings.lane()) || replicator.isEmpty()) {
            return CompletableFuture.failedFuture(shortOf(key, need, available));
        }
        return ask(ownerLane, key, need - available).handle((x, failure) -> {
            if (failure != null) {
                Throwable t = unwrap(failure);
                if (t instanceof PeerRequestException p && p.unreachable()) {
                    throw new StoreLogException(ErrorCode.LANE_UNREACHABLE, "bill " + billId + " belongs to lane " + ownerLane
                            + ", which cannot release it for a refund now (" + p.getMessage() + "); refund it there or try again");
                }
                throw new StoreLogException(ErrorCode.CONFLICT, t.getMessage());
            }
            long now = available(key);
            if (now < need) {
                throw shortOf(key, need, now);
            }
            return null;
        });
    }

    /** Linked peers that may give {@code key}, the largest share (as folded here) first. */
    private List<PeerStatus> givers(String key) {
        if (replicator.isEmpty()) {
            return List.of();
        }
        BudgetView v = state.budget(key);
        return replicator.get().peers().stream().filter(PeerStatus::connected).filter(p -> !p.incarnation().isEmpty())
                .sorted(Comparator.comparingLong((PeerStatus p) -> -v.unspent(p.incarnation())).thenComparing(PeerStatus::id))
                .toList();
    }

    /** Asks lane {@code node} for {@code amount} of {@code key}; completes once what it gave (maybe nothing) is folded here. */
    private CompletableFuture<Void> ask(String node, String key, long amount) {
        byte[] payload = BudgetGrant.newBuilder().setKey(key).setToHolder(holder()).setAmount(amount).build().toByteArray();
        // Off the replication thread (the reply) and the log writer (the fold): what follows prices and appends a bill.
        return replicator.get().request(node, GIVE_REQUEST, payload, settings.askTimeoutMillis()).thenComposeAsync(reply -> {
            String id = new String(reply, StandardCharsets.UTF_8);
            if (id.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            int colon = id.lastIndexOf(':');
            CompletableFuture<Void> held = awaitHeld(id.substring(0, colon), Long.parseLong(id.substring(colon + 1)));
            held.orTimeout(4 * settings.askTimeoutMillis() + 1_000, TimeUnit.MILLISECONDS);
            return held.thenApplyAsync(v -> v);
        });
    }

    /** Completes once this node holds (origin, seq), folded. */
    private CompletableFuture<Void> awaitHeld(String origin, long seq) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.computeIfAbsent(origin, o -> new TreeMap<>()).computeIfAbsent(seq, s -> new ArrayList<>()).add(f);
        }
        if (log.versionVector().get(origin) >= seq) {
            f.complete(null);
        }
        // A wait that timed out (the grant never came) leaves no entry behind.
        f.whenComplete((v, t) -> {
            if (t != null) {
                synchronized (waiting) {
                    TreeMap<Long, List<CompletableFuture<Void>>> w = waiting.get(origin);
                    List<CompletableFuture<Void>> at = w == null ? null : w.get(seq);
                    if (at != null) {
                        at.remove(f);
                        if (at.isEmpty()) {
                            w.remove(seq);
                        }
                        if (w.isEmpty()) {
                            waiting.remove(origin);
                        }
                    }
                }
            }
        });
        return f;
    }

    private void durable(List<MergedLog.Durable> batch) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                return;
            }
            for (MergedLog.Durable d : batch) {
                TreeMap<Long, List<CompletableFuture<Void>>> w = waiting.get(d.origin());
                if (w != null) {
                    Map<Long, List<CompletableFuture<Void>>> upTo = w.headMap(d.seq(), true);
                    upTo.values().forEach(done::addAll);
                    upTo.clear();
                    if (w.isEmpty()) {
                        waiting.remove(d.origin());
                    }
                }
            }
        }
        done.forEach(f -> f.complete(null));
    }

    // ---- giving rights ----

    /** At a lane asked for budget: gives from its own share only; replies with the grant's id, or "" for nothing. */
    private CompletableFuture<byte[]> answerGive(String fromNode, byte[] payload) {
        BudgetGrant ask;
        try {
            ask = BudgetGrant.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.BAD_REQUEST, "malformed budget request"));
        }
        if (ask.getKey().isEmpty() || ask.getToHolder().isEmpty() || ask.getAmount() <= 0 || ask.getToHolder().equals(holder())) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.BAD_REQUEST, "malformed budget request"));
        }
        if (!ready.getAsBoolean()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_READY,
                    "lane " + settings.lane() + " is catching up and gives no budget yet"));
        }
        boolean refund = ask.getKey().startsWith(REFUND_PREFIX);
        try {
            // A refund budget goes out exactly as asked (the owner decides per refund); other budgets go
            // out generously (half of what this lane holds, if that is more), so a selling lane asks less often.
            return transfer(ask.getKey(), ask.getToHolder(), available -> {
                if (refund) {
                    if (available < ask.getAmount()) {
                        throw new StoreLogException(ErrorCode.CONFLICT, "bill " + ask.getKey().substring(REFUND_PREFIX.length())
                                + " has " + Math.max(0, available) + " left to refund, less than the " + ask.getAmount() + " asked");
                    }
                    return ask.getAmount();
                }
                return Math.min(available, Math.max(ask.getAmount(), available / 2));
            }, "asked by " + fromNode, false).thenApply(e -> e == null ? new byte[0]
                    : (e.getOrigin() + ":" + e.getSeq()).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Moves rights of {@code key} from this lane to {@code to}: {@code amountFor} gets what this lane has
     * available (under the append lock) and says how much to give. Completes with the durable grant, or
     * null when there was nothing to give.
     */
    private CompletableFuture<Entry> transfer(String key, String to, java.util.function.LongUnaryOperator amountFor,
            String reason, boolean reclaim) {
        long[] amount = new long[1];
        CompletableFuture<MergedLog.Appended> written;
        try {
            written = log.appendOwn((seq, stamp) -> {
                long a = amountFor.applyAsLong(available(key));
                if (a <= 0) {
                    throw new NothingToGive();
                }
                take(seq, Map.of(key, a));
                amount[0] = a;
                return Entry.newBuilder().setBudgetGrant(BudgetGrant.newBuilder().setKey(key).setFromHolder(holder())
                        .setToHolder(to).setAmount(a).setReason(reason).setReclaim(reclaim));
            });
        } catch (NothingToGive nothing) {
            return CompletableFuture.completedFuture(null);
        }
        return written.handle((a, failure) -> {
            if (a != null) {
                settled(a.entry().getSeq(), false);
                return a.entry();
            }
            throw unwrapRuntime(failure);
        });
    }

    /** Thrown inside an entry factory when there is nothing to give: no entry is written. */
    private static final class NothingToGive extends RuntimeException {
        NothingToGive() {
            super(null, null, false, false);
        }
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
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "total must be above 0 to start a budget for " + describe(key));
        }
        long diff = total - v.total();
        if (diff > 0) {
            await(appendGrant(key, "", holder(), diff, "total set to " + total, actor));
        } else if (diff < 0) {
            long cut = -diff;
            if (available(key) < cut) {
                try {
                    await(ensure(Map.of(key, cut), null));
                } catch (BudgetExhausted e) {
                    throw new BudgetExhausted(key, state.budget(key).remaining(), "cannot lower the total of " + describe(key)
                            + " by " + cut + ": this lane and the lanes it reaches hold only " + available(key)
                            + " unspent; the rest is held by lanes it cannot reach or is spent");
                }
            }
            await(appendGrantChecked(key, cut, "total set to " + total, actor));
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
        if (!state.budgetLimited(key) && !key.startsWith(REFUND_PREFIX)) {
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
            throw unwrapRuntime(e);
        }
        return state.budget(key);
    }

    private CompletableFuture<MergedLog.Appended> appendGrant(String key, String from, String to, long amount, String reason, String actor) {
        return log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(actor == null ? "" : actor).setBudgetGrant(
                BudgetGrant.newBuilder().setKey(key).setFromHolder(from).setToHolder(to).setAmount(amount).setReason(reason)));
    }

    /** A burn of {@code cut} from this lane's share, checked under the append lock. */
    private CompletableFuture<MergedLog.Appended> appendGrantChecked(String key, long cut, String reason, String actor) {
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

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreLogException(ErrorCode.IO_ERROR, "interrupted");
        } catch (ExecutionException e) {
            throw unwrapRuntime(e);
        } catch (TimeoutException e) {
            throw new StoreLogException(ErrorCode.IO_ERROR, "the budget change did not complete within 30 s");
        }
    }

    // ---- rebalancing and the configured card cap ----

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("budget rebalancing failed: {}", e.toString());
        }
    }

    /**
     * Once a second: the store server mints the configured card cap if no card cap exists yet; and for
     * each budget this lane sold nothing of for {@code rebalance-idle-seconds}, half its share goes to the
     * linked lane that sells it (has spent some) and holds least, when that lane holds under half as much.
     */
    void tick() {
        if (!ready.getAsBoolean()) {
            return;
        }
        mintConfiguredCap();
        if (settings.rebalanceIdleSeconds() <= 0 || replicator.isEmpty()) {
            return;
        }
        long idleNanos = TimeUnit.SECONDS.toNanos(settings.rebalanceIdleSeconds());
        long now = System.nanoTime();
        for (String key : state.budgetKeys()) {
            long last = lastSpend.getOrDefault(key, startedNanos);
            long mine = available(key);
            if (now - last < idleNanos || mine < 2) {
                continue;
            }
            BudgetView v = state.budget(key);
            Optional<PeerStatus> taker = replicator.get().peers().stream()
                    .filter(p -> p.connected() && !p.incarnation().isEmpty())
                    .filter(p -> v.shares().containsKey(p.incarnation()) && v.shares().get(p.incarnation()).spent() > 0)
                    .filter(p -> v.unspent(p.incarnation()) < mine / 2)
                    .min(Comparator.comparingLong((PeerStatus p) -> v.unspent(p.incarnation())).thenComparing(PeerStatus::id));
            if (taker.isPresent()) {
                transfer(key, taker.get().incarnation(), available -> available / 2, "rebalanced to " + taker.get().id(), false)
                        .whenComplete((e, t) -> lastSpend.put(key, System.nanoTime()));
            }
        }
    }

    private void mintConfiguredCap() {
        if (capMinted || !settings.mintsConfiguredCap() || settings.configuredCardCap() <= 0) {
            return;
        }
        if (state.budgetLimited(CARD_OFFLINE)) {
            capMinted = true;
            return;
        }
        // Minted only while linked (or in a store of one node): a server that lost its disk and came
        // back alone must not mint a second cap before it has seen the first one.
        if (replicator.isPresent() && !replicator.get().anyPeerConnected()) {
            return;
        }
        capMinted = true;
        appendGrant(CARD_OFFLINE, "", holder(), settings.configuredCardCap(), "budgets.offline-card-cap", "config")
                .whenComplete((a, t) -> {
                    if (t != null) {
                        capMinted = false;
                    }
                });
    }

    /** The store's rest of {@code key} as this lane knows it: folded, less what its own entries in flight take. */
    private long knownRemaining(String key) {
        long remaining = state.budget(key).remaining();
        for (Map<String, Long> m : inFlight.tailMap(log.ownDurableSeq(), false).values()) {
            remaining -= m.getOrDefault(key, 0L);
        }
        return remaining;
    }

    // ---- errors ----

    private BudgetExhausted shortOf(String key, long need, long available) {
        long remaining = Math.max(0, knownRemaining(key));
        String message;
        if (key.startsWith(SKU_PREFIX)) {
            message = "item " + key.substring(SKU_PREFIX.length()) + " is limited: this sale needs " + milli(need)
                    + ", this lane can get " + milli(Math.max(0, available)) + ", and " + milli(remaining)
                    + " are left in the store as this lane knows it";
        } else if (key.equals(CARD_OFFLINE)) {
            message = "the store's cap on offline card payments is reached: this lane can take " + Math.max(0, available)
                    + " more, the card needs " + need + "; take another tender";
        } else {
            message = "bill " + key.substring(REFUND_PREFIX.length()) + " has only " + Math.max(0, available)
                    + " left to refund on this lane, less than the " + need + " asked";
        }
        return new BudgetExhausted(key, remaining, message);
    }

    private static String describe(String key) {
        return key.startsWith(SKU_PREFIX) ? "item " + key.substring(SKU_PREFIX.length()) : key;
    }

    private static String milli(long m) {
        return java.math.BigDecimal.valueOf(m, 3).stripTrailingZeros().toPlainString();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static RuntimeException unwrapRuntime(Throwable t) {
        Throwable u = unwrap(t);
        return u instanceof RuntimeException re ? re : new StoreLogException(ErrorCode.IO_ERROR, String.valueOf(u.getMessage()), u);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
