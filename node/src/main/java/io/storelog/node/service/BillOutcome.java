package io.storelog.node.service;

import io.storelog.protocol.Entry;

/** A stored bill and whether this request repeated an earlier one (same client cart id). */
public record BillOutcome(Entry entry, boolean repeated) {
    /** The bill's id, {@code origin:seq}. */
    public String id() {
        return entry.getOrigin() + ":" + entry.getSeq();
    }
}
