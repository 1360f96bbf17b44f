package io.storelog.console.bench.replicate;

import io.storelog.node.billing.BillRequest;

/** Where one writer's bills go: a StoreLog node or an Ignite transaction. Blocks until the bill is answered. */
@FunctionalInterface
public interface BillSink {
    /** Stores the bill; returns true when the answer said the bill is held by one lane only (StoreLog's singleLane). */
    boolean submit(BillRequest request) throws Exception;
}
