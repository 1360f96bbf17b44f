package io.storelog.node.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.replication.PeerRequestException;
import io.storelog.node.replication.Replicator;
import io.storelog.node.state.StoreState;
import io.storelog.node.state.SuspendedCart;
import io.storelog.protocol.CartRecalled;
import io.storelog.protocol.CartSuspended;
import io.storelog.protocol.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;

/**
 * Suspends carts on this lane and recalls them on any lane. A cart is handed out once: only the lane
 * that suspended it writes its {@code CartRecalled}, deciding one request at a time; another lane asks
 * it over the peer link, and a lane that cannot reach the owner refuses instead of guessing. So two
 * lanes recalling one cart at once, or the two halves of a split store, never both get it.
 */
public final class CartService {
    /** The peer request kind by which a lane asks a cart's owner to hand it over. */
    public static final String RECALL_REQUEST = "cart.recall";

    private final MergedLog log;
    private final StoreState state;
    private final String lane;
    private final ReplicaGate replicas;
    private final BooleanSupplier ready;
    private final Optional<Replicator> replicator;
    private final long ownerTimeoutMillis;
    /** At the owner: recalls being written, by cart id; guarded by {@code this} together with the state check. */
    private final Map<String, CompletableFuture<SuspendedCart>> recallsInFlight = new ConcurrentHashMap<>();
    /** Cart numbers handed out but not yet durable, by own seq. */
    private final ConcurrentSkipListMap<Long, Long> inflightNumbers = new ConcurrentSkipListMap<>();

    /** A cart service for lane {@code lane}; with a replicator it answers other lanes' recalls of its carts. */
    public CartService(MergedLog log, StoreState state, String lane, ReplicaGate replicas, BooleanSupplier ready,
            Optional<Replicator> replicator, long ownerTimeoutMillis) {
        this.log = log;
        this.state = state;
        this.lane = lane;
        this.replicas = replicas;
        this.ready = ready;
        this.replicator = replicator;
        this.ownerTimeoutMillis = ownerTimeoutMillis;
        log.onWriteFailure(firstFailed -> inflightNumbers.tailMap(firstFailed, true).clear());
        replicator.ifPresent(r -> r.onRequest(RECALL_REQUEST, this::answerPeer));
    }

    /** Stores a cart as the till sent it; completes when durable here (and on a peer, as bills are). */
    public CompletableFuture<SuspendedCart> suspend(String label, byte[] cartJson, int lineCount, String cashier) {
        if (!ready.getAsBoolean()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_READY,
                    "this lane is catching up from its peers before it takes carts"));
        }
        return log.appendOwn((seq, stamp) -> {
            long number = Math.max(state.maxCartNumber(lane),
                    inflightNumbers.tailMap(log.ownDurableSeq(), false).values().stream().mapToLong(Long::longValue).max().orElse(0)) + 1;
            inflightNumbers.put(seq, number);
            return Entry.newBuilder().setActor(cashier == null ? "" : cashier).setCartSuspended(CartSuspended.newBuilder()
                    .setTill(lane).setNumber(number).setLabel(label == null ? "" : label)
                    .setCartJson(ByteString.copyFrom(cartJson)).setLineCount(lineCount));
        }).thenCompose(a -> {
            inflightNumbers.remove(a.entry().getSeq());
            return replicas.awaitReplicas(a.entry().getOrigin(), a.entry().getSeq())
                    .thenApply(onPeer -> cart(a.entry().getOrigin() + ":" + a.entry().getSeq()));
        });
    }

    /**
     * Hands the cart to this lane: decided here when this lane suspended it, else by asking its owner.
     * A lane asking again for a cart it already got gets it again (a retried request).
     */
    public CompletableFuture<SuspendedCart> recall(String cartId) {
        SuspendedCart c = state.cart(cartId).orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND,
                "cart " + cartId + " is not known on this lane"));
        if (c.recalled()) {
            return CompletableFuture.completedFuture(givenTo(c, lane));
        }
        if (c.owner().equals(lane)) {
            return recallAsOwner(cartId, lane);
        }
        if (replicator.isEmpty()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.LANE_UNREACHABLE,
                    "cart " + c.code() + " belongs to lane " + c.owner() + ", and this lane has no peer links"));
        }
        byte[] ask = CartRecalled.newBuilder().setCartId(cartId).setRecalledOn(lane).build().toByteArray();
        return replicator.get().request(c.owner(), RECALL_REQUEST, ask, ownerTimeoutMillis)
                .handle((reply, failure) -> {
                    if (failure == null) {
                        String recallId = new String(reply, StandardCharsets.UTF_8);
                        return new SuspendedCart(c.id(), c.owner(), c.cart(), c.suspendedAtMs(), lane, recallId);
                    }
                    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (t instanceof PeerRequestException p && p.unreachable()) {
                        throw new StoreLogException(ErrorCode.LANE_UNREACHABLE, "cart " + c.code() + " belongs to lane "
                                + c.owner() + ", which cannot hand it over now (" + p.getMessage() + "); recall it there or try again");
                    }
                    throw new StoreLogException(ErrorCode.CONFLICT, t.getMessage());
                });
    }

    /** The cart by id, as this lane knows it. */
    public SuspendedCart cart(String cartId) {
        return state.cart(cartId).orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "cart " + cartId + " is not known on this lane"));
    }

    /** At the owner: another lane asks for a cart; the asking lane is the authenticated peer, not what it claims. */
    private CompletableFuture<byte[]> answerPeer(String fromNode, byte[] payload) {
        String cartId;
        try {
            cartId = CartRecalled.parseFrom(payload).getCartId();
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.BAD_REQUEST, "malformed recall request"));
        }
        if (!ready.getAsBoolean()) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_READY,
                    "lane " + lane + " is catching up and cannot hand out carts yet"));
        }
        SuspendedCart c = state.cart(cartId).orElse(null);
        if (c == null || !c.owner().equals(lane)) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_FOUND,
                    "lane " + lane + " did not suspend cart " + cartId));
        }
        return recallAsOwner(cartId, fromNode).thenApply(r -> r.recallId().getBytes(StandardCharsets.UTF_8));
    }

    private synchronized CompletableFuture<SuspendedCart> recallAsOwner(String cartId, String recalledOn) {
        SuspendedCart c = cart(cartId);
        if (c.recalled()) {
            return CompletableFuture.completedFuture(givenTo(c, recalledOn));
        }
        CompletableFuture<SuspendedCart> pending = recallsInFlight.get(cartId);
        if (pending != null) {
            return pending.thenApply(r -> givenTo(r, recalledOn));
        }
        CompletableFuture<SuspendedCart> mine = log.appendOwn((seq, stamp) -> Entry.newBuilder()
                        .setCartRecalled(CartRecalled.newBuilder().setCartId(cartId).setRecalledOn(recalledOn)))
                .thenCompose(a -> replicas.awaitReplicas(a.entry().getOrigin(), a.entry().getSeq()))
                .thenApply(onPeer -> cart(cartId));
        recallsInFlight.put(cartId, mine);
        mine.whenComplete((r, t) -> recallsInFlight.remove(cartId, mine));
        return mine;
    }

    /** The cart if it went to {@code recalledOn}; a refusal naming the lane that has it otherwise. */
    private static SuspendedCart givenTo(SuspendedCart c, String recalledOn) {
        if (!recalledOn.equals(c.recalledOn())) {
            throw new StoreLogException(ErrorCode.CONFLICT, "cart " + c.code() + " was already recalled on lane " + c.recalledOn());
        }
        return c;
    }
}
