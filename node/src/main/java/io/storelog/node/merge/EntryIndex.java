package io.storelog.node.merge;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each entry (origin, seq) sits in the local log. Seqs of one origin are contiguous from 1,
 * so each origin keeps a growable array of log positions indexed by seq - 1: eight bytes an entry.
 * The highest seq of each origin is the node's version vector.
 */
public final class EntryIndex {
    private final Map<String, Positions> byOrigin = new HashMap<>();
    private long entries;
    /** {@link #versionVector()} until the next change: asked for on every ack and pump, changed far less often. */
    private VersionVector vector;

    /** Records that (origin, seq) sits at {@code position}; seq must be the next of its origin. */
    public synchronized void add(String origin, long seq, long position) {
        Positions p = byOrigin.computeIfAbsent(origin, o -> new Positions());
        if (seq != p.size + 1) {
            throw new IllegalStateException("entry " + origin + "/" + seq + " does not follow seq " + p.size);
        }
        p.add(position);
        entries++;
        vector = null;
    }

    /** Log position of (origin, seq), or -1 when not held. */
    public synchronized long position(String origin, long seq) {
        Positions p = byOrigin.get(origin);
        if (p == null || seq < 1 || seq > p.size) {
            return -1;
        }
        return p.positions[(int) (seq - 1)];
    }

    /** Highest contiguous seq held from {@code origin}. */
    public synchronized long highest(String origin) {
        Positions p = byOrigin.get(origin);
        return p == null ? 0 : p.size;
    }

    /** Entries indexed, over all origins. */
    public synchronized long entries() {
        return entries;
    }

    /** A snapshot of what is held. */
    public synchronized VersionVector versionVector() {
        if (vector == null) {
            Map<String, Long> m = new HashMap<>();
            byOrigin.forEach((o, p) -> m.put(o, (long) p.size));
            vector = VersionVector.of(m);
        }
        return vector;
    }

    /** Position of an entry held through a peer's snapshot only: in the fold, not on this node's disk. */
    public static final long NOT_ON_DISK = -2;

    /** Takes over everything {@code other} holds (the index rebuilt around a peer's snapshot). */
    public synchronized void replaceWith(EntryIndex other) {
        synchronized (other) {
            byOrigin.clear();
            byOrigin.putAll(other.byOrigin);
            entries = other.entries;
            vector = null;
        }
    }

    /**
     * Per origin, how many of its first seqs sit in log segments below {@code firstKeptOrdinal} (archived)
     * or nowhere on this disk: those a peer cannot be sent from here.
     */
    public synchronized VersionVector notOnDisk(int firstKeptOrdinal) {
        Map<String, Long> m = new HashMap<>();
        byOrigin.forEach((o, p) -> {
            int lo = 0;
            int hi = p.size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                long pos = p.positions[mid];
                boolean gone = pos < 0 || io.storelog.node.log.SegmentFormat.ordinal(pos) < firstKeptOrdinal;
                if (gone) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo > 0) {
                m.put(o, (long) lo);
            }
        });
        return VersionVector.of(m);
    }

    /** Forgets everything (a snapshot that could not be loaded whole). */
    public synchronized void clear() {
        byOrigin.clear();
        entries = 0;
        vector = null;
    }

    /** Writes every origin's positions (for a snapshot). */
    public synchronized void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(byOrigin.size());
        for (Map.Entry<String, Positions> e : byOrigin.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size);
            for (int i = 0; i < e.getValue().size; i++) {
                out.writeLong(e.getValue().positions[i]);
            }
        }
    }

    /** Fills this (empty) index from a snapshot. */
    public synchronized void readFrom(java.io.DataInputStream in) throws java.io.IOException {
        for (int n = in.readInt(); n > 0; n--) {
            String origin = in.readUTF();
            int size = in.readInt();
            Positions p = new Positions();
            p.positions = new long[Math.max(64, size)];
            for (int i = 0; i < size; i++) {
                p.positions[i] = in.readLong();
            }
            p.size = size;
            byOrigin.put(origin, p);
            entries += size;
        }
        vector = null;
    }

    private static final class Positions {
        long[] positions = new long[64];
        int size;

        void add(long position) {
            if (size == positions.length) {
                positions = Arrays.copyOf(positions, size * 2);
            }
            positions[size++] = position;
        }
    }
}
