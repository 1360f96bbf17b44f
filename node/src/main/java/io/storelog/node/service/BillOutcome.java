package io.storelog.node.service;

import io.storelog.protocol.Entry;

/**
 * A stored bill, whether this request repeated an earlier one (same client cart id), and whether, when
 * answered, the bill was durable on this lane's disk only (no peer acknowledged it in time).
 */
public record BillOutcome(Entry entry, boolean repeated, boolean singleLane) {
    /** The bill's id, {@code origin:seq}. */
    public String id() {
        return entry.getOrigin() + ":" + entry.getSeq();
    }
}
