package io.storelog.node.merge;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Immutable {origin -> highest contiguous seq held}. Because every origin is held as a contiguous
 * prefix, this describes exactly which entries a node holds. {@link #merge} is the pointwise maximum:
 * commutative, associative and idempotent.
 */
public final class VersionVector {
    private static final VersionVector EMPTY = new VersionVector(new TreeMap<>());

    private final SortedMap<String, Long> seqs;

    private VersionVector(SortedMap<String, Long> seqs) {
        this.seqs = Collections.unmodifiableSortedMap(seqs);
    }

    /** The vector of a node that holds nothing. */
    public static VersionVector empty() {
        return EMPTY;
    }

    /** A vector holding the given seqs; zero entries are dropped. */
    public static VersionVector of(Map<String, Long> seqs) {
        TreeMap<String, Long> copy = new TreeMap<>();
        seqs.forEach((origin, seq) -> {
            if (seq < 0) {
                throw new IllegalArgumentException("negative seq " + seq + " for origin " + origin);
            }
            if (seq > 0) {
                copy.put(origin, seq);
            }
        });
        return new VersionVector(copy);
    }

    /** Highest contiguous seq held from {@code origin}, 0 when none. */
    public long get(String origin) {
        return seqs.getOrDefault(origin, 0L);
    }

    /** The entries sorted by origin. */
    public SortedMap<String, Long> asMap() {
        return seqs;
    }

    /** Total number of entries the vector covers. */
    public long total() {
        long sum = 0;
        for (long s : seqs.values()) {
            sum += s;
        }
        return sum;
    }

    /** Pointwise maximum of two vectors. */
    public VersionVector merge(VersionVector other) {
        TreeMap<String, Long> out = new TreeMap<>(seqs);
        other.seqs.forEach((o, s) -> out.merge(o, s, Math::max));
        return new VersionVector(out);
    }

    /** True when this vector holds everything {@code other} holds. */
    public boolean dominates(VersionVector other) {
        for (Map.Entry<String, Long> e : other.seqs.entrySet()) {
            if (get(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Entries {@code other} holds that this vector lacks. */
    public long lagBehind(VersionVector other) {
        long lag = 0;
        for (Map.Entry<String, Long> e : other.seqs.entrySet()) {
            lag += Math.max(0, e.getValue() - get(e.getKey()));
        }
        return lag;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector v && v.seqs.equals(seqs);
    }

    @Override
    public int hashCode() {
        return seqs.hashCode();
    }

    @Override
    public String toString() {
        return seqs.toString();
    }
}
