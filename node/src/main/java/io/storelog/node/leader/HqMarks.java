package io.storelog.node.leader;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.HqMark;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What this node knows about headquarters, as soft state: the highest vector HQ confirmed (the
 * pointwise maximum of what this node heard from HQ itself and from every peer's gossip) and when HQ
 * was last reached by anyone. Never written to the log and not part of the digest: an entry saying
 * "HQ holds X" would itself need uploading, and the pending count would never reach zero. After a
 * restart it starts empty and is refilled by the next gossip or upload.
 */
final class HqMarks {
    /** No contact yet. */
    private static final long NEVER = Long.MIN_VALUE;

    private final AtomicReference<VersionVector> confirmed = new AtomicReference<>(VersionVector.empty());
    /** System.nanoTime() of the latest contact with HQ known here (own or gossiped), or NEVER. */
    private final AtomicLong reachedNanos = new AtomicLong(NEVER);
    /** Peer node id -> the leader that peer sees. */
    private final Map<String, String> leaderViews = new ConcurrentHashMap<>();

    /** HQ (or a peer quoting it) says it holds {@code held}; the mark only moves forward. */
    void confirm(VersionVector held) {
        confirmed.accumulateAndGet(held, VersionVector::merge);
    }

    /** This node just got an answer from HQ. */
    void reachedNow() {
        long now = System.nanoTime();
        reachedNanos.accumulateAndGet(now, Math::max);
    }

    /** A peer's gossip: merged by maximum, so it is the same whatever order marks arrive in or how often. */
    void onPeerMark(String peer, HqMark mark) {
        if (mark.hasConfirmed()) {
            confirm(ProtoVectors.fromProto(mark.getConfirmed()));
        }
        if (mark.getReached()) {
            long ago = Math.min(mark.getReachedMsAgo(), 365L * 24 * 3600 * 1000);
            long at = System.nanoTime() - ago * 1_000_000L;
            reachedNanos.accumulateAndGet(at, Math::max);
        }
        if (!mark.getLeader().isEmpty()) {
            leaderViews.put(peer, mark.getLeader());
        }
    }

    /** This node's mark for its peers. */
    HqMark toMark(String leader) {
        HqMark.Builder b = HqMark.newBuilder().setConfirmed(ProtoVectors.toProto(confirmed.get())).setLeader(leader);
        long ago = millisSinceReached();
        if (ago >= 0) {
            b.setReached(true).setReachedMsAgo(ago);
        }
        return b.build();
    }

    VersionVector confirmed() {
        return confirmed.get();
    }

    /** Milliseconds since anyone known here reached HQ, or -1 if never. */
    long millisSinceReached() {
        long at = reachedNanos.get();
        return at == NEVER ? -1 : Math.max(0, (System.nanoTime() - at) / 1_000_000L);
    }

    /** What each peer said it sees as leader (peers that sent no mark are absent). */
    Map<String, String> leaderViews() {
        return new TreeMap<>(leaderViews);
    }

    /** Drops what a peer said once its link is gone, so a stale view is not shown. */
    void retainPeers(java.util.Set<String> linked) {
        leaderViews.keySet().retainAll(linked);
    }
}
