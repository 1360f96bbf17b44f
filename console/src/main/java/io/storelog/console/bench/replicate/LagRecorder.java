package io.storelog.console.bench.replicate;

import io.storelog.node.StoreNode;
import io.storelog.node.merge.MergedLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * Replication lag from MergedLog.onDurable on every node: for each entry, the System.nanoTime() at which
 * it became durable at its origin and at which it became durable (applied) at each other node. All nodes
 * share this JVM's clock, so the differences need no clock sync. Only entries that became durable at
 * their origin while recording was on are measured.
 */
public final class LagRecorder {
    private final int peersPerEntry;
    private final Map<String, Integer> nodeByOrigin = new ConcurrentHashMap<>();
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final Histogram toEvery = Latency.histogram();
    private final Histogram toFirst = Latency.histogram();
    private volatile boolean recording;
    private long negative;

    /** Lag to every one of {@code nodes - 1} other nodes. */
    public LagRecorder(int nodes) {
        this.peersPerEntry = nodes - 1;
    }

    /** Listens on node {@code index} (call again for a restarted node). */
    public void attach(int index, StoreNode node) {
        nodeByOrigin.put(node.log().origin(), index);
        node.log().onDurable(batch -> onDurable(index, batch));
    }

    public void start() {
        recording = true;
    }

    /** Stops recording; what is still incomplete is dropped and counted. */
    public int stop() {
        recording = false;
        int incomplete = 0;
        for (Track t : tracks.values()) {
            synchronized (t) {
                if (t.originNanos != 0) {
                    incomplete++;
                }
            }
        }
        tracks.clear();
        return incomplete;
    }

    private void onDurable(int index, List<MergedLog.Durable> batch) {
        if (!recording) {
            return;
        }
        long now = System.nanoTime();
        for (MergedLog.Durable d : batch) {
            Integer originNode = nodeByOrigin.get(d.origin());
            if (originNode == null) {
                continue;
            }
            String key = d.origin() + ':' + d.seq();
            Track t = tracks.computeIfAbsent(key, k -> new Track());
            boolean complete;
            synchronized (t) {
                if (originNode == index) {
                    t.originNanos = now;
                } else {
                    t.others++;
                    t.firstOther = t.firstOther == 0 ? now : Math.min(t.firstOther, now);
                    t.lastOther = Math.max(t.lastOther, now);
                }
                complete = t.originNanos != 0 && t.others >= peersPerEntry;
            }
            if (complete) {
                tracks.remove(key);
                synchronized (this) {
                    long every = t.lastOther - t.originNanos;
                    if (every < 0 || t.firstOther - t.originNanos < 0) {
                        // A peer's listener ran before the origin's own (same instant, listener order).
                        negative++;
                    }
                    Latency.record(toEvery, every);
                    Latency.record(toFirst, t.firstOther - t.originNanos);
                }
            }
        }
    }

    /** Durable at origin to durable at every other node. */
    public synchronized Histogram toEveryPeer() {
        return toEvery.copy();
    }

    /** Durable at origin to durable at the first other node (what a two-replica answer waits for, before the ack trip). */
    public synchronized Histogram toFirstPeer() {
        return toFirst.copy();
    }

    /** Entries seen at a peer before their origin's listener ran (counted as 0 ms). */
    public synchronized long negative() {
        return negative;
    }

    /** Entries whose origin saw them durable but not every peer yet. */
    public int pending() {
        int n = 0;
        for (Track t : tracks.values()) {
            synchronized (t) {
                if (t.originNanos != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    private static final class Track {
        long originNanos;
        int others;
        long firstOther;
        long lastOther;
    }
}
