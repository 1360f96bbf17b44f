package io.storelog.node.replication;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.Entries;
import io.storelog.protocol.PeerMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One live link to a peer. It tracks what the peer holds durably ({@code theirHeld}, from its
 * vectors and acks) and what has been sent to it ({@code sentUpTo}, possibly still in flight), and
 * streams what the peer lacks per origin in seq order, in bounded batches, while the channel is
 * writable: this node's own origin always, other origins only when the peer asked for them (Want).
 * Confined to the replication thread.
 */
final class PeerSession {
    /** A gossip that shows the peer behind what was sent, with no ack for this long, resends. */
    private static final long STALE_NANOS = 2_000_000_000L;

    final PeerIdentity peer;
    final Channel channel;
    private final ReplicationMetrics metrics;
    private final int maxBatchBytes;
    private final int maxBatchEntries;
    private VersionVector theirHeld = VersionVector.empty();
    private final Map<String, Long> sentUpTo = new HashMap<>();
    private long lastAckNanos = System.nanoTime();
    /** Origins the peer asked this node to stream (besides this node's own, always pushed). */
    private Set<String> wanted = Set.of();
    /** Origins this node last asked the peer for. */
    Set<String> asked = Set.of();

    PeerSession(PeerIdentity peer, Channel channel, ReplicationMetrics metrics, int maxBatchBytes, int maxBatchEntries) {
        this.peer = peer;
        this.channel = channel;
        this.metrics = metrics;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchEntries = maxBatchEntries;
    }

    VersionVector theirHeld() {
        return theirHeld;
    }

    /** The peer announced what it holds (handshake or gossip). */
    void onVersionVector(VersionVector vv) {
        theirHeld = theirHeld.merge(vv);
        boolean stale = System.nanoTime() - lastAckNanos > STALE_NANOS;
        for (Map.Entry<String, Long> e : sentUpTo.entrySet()) {
            // Sent but never arrived (a batch lost with a link that died): send again.
            if (stale && vv.get(e.getKey()) < e.getValue()) {
                e.setValue(vv.get(e.getKey()));
            }
        }
    }

    /** The peer says what is durable there now. */
    void onAck(VersionVector vv) {
        theirHeld = theirHeld.merge(vv);
        lastAckNanos = System.nanoTime();
    }

    /** The peer says which origins it wants from this node. */
    void onWant(java.util.Collection<String> origins) {
        wanted = Set.copyOf(origins);
    }

    /** The peer saw a gap in {@code origin}: start again at {@code fromSeq}. */
    void onResend(String origin, long fromSeq) {
        sentUpTo.merge(origin, Math.max(0, fromSeq - 1), Math::min);
    }

    /**
     * Sends what the peer lacks of {@code mine}, never an entry at or past a frozen origin's disputed seq, until done, the
     * channel stops being writable, or {@code budgetBytes} went out. Returns true if work is left.
     */
    boolean pump(String ownOrigin, VersionVector mine, Map<String, Long> frozen, EntrySource source, long budgetBytes) {
        long sent = 0;
        boolean wrote = false;
        boolean progress = true;
        while (progress && channel.isActive()) {
            progress = false;
            for (Map.Entry<String, Long> e : mine.asMap().entrySet()) {
                String origin = e.getKey();
                if (!origin.equals(ownOrigin) && !wanted.contains(origin)) {
                    // Another link brings this origin to the peer: sending it too would only duplicate.
                    continue;
                }
                long have = Math.min(e.getValue(), frozen.getOrDefault(origin, Long.MAX_VALUE) - 1);
                long from = Math.max(sentUpTo.getOrDefault(origin, 0L), theirHeld.get(origin)) + 1;
                if (from > have) {
                    continue;
                }
                if (!channel.isWritable() || sent >= budgetBytes) {
                    if (wrote) {
                        channel.flush();
                    }
                    return true;
                }
                Entries.Builder batch = Entries.newBuilder();
                int bytes = 0;
                long seq = from;
                for (; seq <= have && batch.getEntriesCount() < maxBatchEntries && bytes < maxBatchBytes; seq++) {
                    byte[] entry = source.read(origin, seq);
                    if (entry == null) {
                        break;
                    }
                    if (batch.getEntriesCount() > 0 && bytes + entry.length > maxBatchBytes) {
                        // Closes the batch before it passes the cap: an entry near the frame limit then
                        // travels alone instead of making a frame the peer must refuse, again and again.
                        break;
                    }
                    batch.addEntries(ByteString.copyFrom(entry));
                    bytes += entry.length;
                }
                if (batch.getEntriesCount() == 0) {
                    continue;
                }
                channel.write(FrameEncoder.frame(PeerMessage.newBuilder().setEntries(batch).build(), channel.alloc()), channel.voidPromise());
                sentUpTo.put(origin, seq - 1);
                metrics.entriesSent.increment(batch.getEntriesCount());
                metrics.bytesSent.increment(bytes);
                metrics.batchesSent.increment();
                sent += bytes;
                wrote = true;
                progress = true;
            }
        }
        // A flush from this thread is a task for the link's event loop, and most pumps find nothing to send
        // (in a full mesh every peer gets each origin from the origin itself): flush only what was written.
        if (wrote) {
            channel.flush();
        }
        return false;
    }

    /** Entries the peer lacks compared with {@code mine}. */
    long lag(VersionVector mine) {
        return theirHeld.lagBehind(mine);
    }

    /** Reads entries by id, from memory when recent, else from the log on disk. */
    interface EntrySource {
        byte[] read(String origin, long seq);
    }
}
