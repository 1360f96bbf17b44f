package io.storelog.node.service.budget;

import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.replication.PeerRequestException;
import io.storelog.node.replication.PeerStatus;
import io.storelog.node.replication.Replicator;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.state.BudgetView;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BudgetGrant;
import io.storelog.protocol.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rights moving between lanes as {@link BudgetGrant} entries: asking linked lanes to give, answering
 * their {@value #GIVE_REQUEST} requests from this lane's own share, and minting new rights into it.
 */
final class BudgetTransfers {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetTransfers.class);
    /** The peer request kind by which a lane asks another to give it budget. */
    static final String GIVE_REQUEST = "budget.give";

    private final MergedLog log;
    private final StoreState state;
    private final LaneShares shares;
    private final HeldEntries held;
    private final BudgetService.Settings settings;
    private final Optional<Replicator> replicator;
    private final BooleanSupplier ready;

    /** With a replicator, this lane answers other lanes' asks for budget from now on. */
    BudgetTransfers(MergedLog log, StoreState state, LaneShares shares, HeldEntries held, BudgetService.Settings settings,
            Optional<Replicator> replicator, BooleanSupplier ready) {
        this.log = log;
        this.state = state;
        this.shares = shares;
        this.held = held;
        this.settings = settings;
        this.replicator = replicator;
        this.ready = ready;
        replicator.ifPresent(r -> r.onRequest(GIVE_REQUEST, this::answerGive));
    }

    // ---- getting rights ----

    /**
     * Asks the linked lanes, the largest share first, for what this lane lacks of {@code need}, until it
     * has enough; a lane that cannot give is skipped. Completes when asking is over, enough or not.
     */
    CompletableFuture<Void> askGivers(String key, long need) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (PeerStatus p : givers(key)) {
            chain = chain.thenCompose(v -> {
                long short_ = need - shares.available(key);
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
        return chain;
    }

    /** Asks the bill's lane ({@code ownerLane}) for the refund budget this lane lacks; fails with LANE_UNREACHABLE if it cannot be reached. */
    CompletableFuture<Void> askOwner(String key, long need, long available, String ownerLane) {
        String billId = BudgetKeys.billOf(key);
        if (ownerLane == null || ownerLane.equals(settings.lane()) || replicator.isEmpty()) {
            return CompletableFuture.failedFuture(shares.shortOf(key, need, available));
        }
        return ask(ownerLane, key, need - available).handle((x, failure) -> {
            if (failure != null) {
                Throwable t = Futures.unwrap(failure);
                if (t instanceof PeerRequestException p && p.unreachable()) {
                    throw new StoreLogException(ErrorCode.LANE_UNREACHABLE, "bill " + billId + " belongs to lane " + ownerLane
                            + ", which cannot release it for a refund now (" + p.getMessage() + "); refund it there or try again");
                }
                throw new StoreLogException(ErrorCode.CONFLICT, t.getMessage());
            }
            long now = shares.available(key);
            if (now < need) {
                throw shares.shortOf(key, need, now);
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
        byte[] payload = BudgetGrant.newBuilder().setKey(key).setToHolder(shares.holder()).setAmount(amount).build().toByteArray();
        // Off the replication thread (the reply) and the log writer (the fold): what follows prices and appends a bill.
        return replicator.get().request(node, GIVE_REQUEST, payload, settings.askTimeoutMillis()).thenComposeAsync(reply -> {
            String id = new String(reply, StandardCharsets.UTF_8);
            if (id.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            int colon = id.lastIndexOf(':');
            CompletableFuture<Void> grant = held.await(id.substring(0, colon), Long.parseLong(id.substring(colon + 1)));
            grant.orTimeout(4 * settings.askTimeoutMillis() + 1_000, TimeUnit.MILLISECONDS);
            return grant.thenApplyAsync(v -> v);
        });
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
        if (ask.getKey().isEmpty() || ask.getToHolder().isEmpty() || ask.getAmount() <= 0 || ask.getToHolder().equals(shares.holder())) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.BAD_REQUEST, "malformed budget request"));
        }
        if (!ready.getAsBoolean()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_READY,
                    "lane " + settings.lane() + " is catching up and gives no budget yet"));
        }
        boolean refund = BudgetKeys.isRefund(ask.getKey());
        try {
            // A refund budget goes out exactly as asked (the owner decides per refund); other budgets go
            // out generously (half of what this lane holds, if that is more), so a selling lane asks less often.
            return transfer(ask.getKey(), ask.getToHolder(), available -> {
                if (refund) {
                    if (available < ask.getAmount()) {
                        throw new StoreLogException(ErrorCode.CONFLICT, "bill " + BudgetKeys.billOf(ask.getKey())
                                + " has " + Math.max(0, available) + " left to refund, less than the " + ask.getAmount() + " asked");
                    }
                    return ask.getAmount();
                }
                return Math.min(available, Math.max(ask.getAmount(), available / 2));
            }, "asked by " + fromNode).thenApply(e -> e == null ? new byte[0]
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
    CompletableFuture<Entry> transfer(String key, String to, LongUnaryOperator amountFor, String reason) {
        CompletableFuture<MergedLog.Appended> written;
        try {
            written = log.appendOwn((seq, stamp) -> {
                long a = amountFor.applyAsLong(shares.available(key));
                if (a <= 0) {
                    throw new NothingToGive();
                }
                shares.take(seq, Map.of(key, a));
                return Entry.newBuilder().setBudgetGrant(BudgetGrant.newBuilder().setKey(key).setFromHolder(shares.holder())
                        .setToHolder(to).setAmount(a).setReason(reason).setReclaim(false));
            });
        } catch (NothingToGive nothing) {
            return CompletableFuture.completedFuture(null);
        }
        return written.handle((a, failure) -> {
            if (a != null) {
                shares.settle(a.entry().getSeq());
                return a.entry();
            }
            throw Futures.unwrapRuntime(failure);
        });
    }

    /** Mints {@code amount} new rights of {@code key} into this lane's share (a raised total or the configured cap). */
    CompletableFuture<MergedLog.Appended> mint(String key, long amount, String reason, String actor) {
        return log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor(actor == null ? "" : actor).setBudgetGrant(
                BudgetGrant.newBuilder().setKey(key).setFromHolder("").setToHolder(shares.holder()).setAmount(amount).setReason(reason)));
    }

    /** Thrown inside an entry factory when there is nothing to give: no entry is written. */
    private static final class NothingToGive extends RuntimeException {
        NothingToGive() {
            super(null, null, false, false);
        }
    }
}
