package io.storelog.node.service;

import io.storelog.protocol.BillCommitted;

/**
 * A last check of a priced bill before it is written, e.g. that a supervisor approved a price
 * override; returns the approver to record ("" for none) or throws, and then nothing is written.
 */
@FunctionalInterface
public interface BillCheck {
    /** No check: nothing needs approval. */
    BillCheck NONE = priced -> "";

    /** The approver to record on the bill; may mark lines of {@code priced}. */
    String approve(BillCommitted.Builder priced);
}
