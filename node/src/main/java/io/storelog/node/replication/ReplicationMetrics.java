package io.storelog.node.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Replication meters: entries, bytes and batches each way, rejected frames, conflicts, gaps, lag. */
final class ReplicationMetrics {
    private final MeterRegistry registry;
    final Counter entriesSent;
    final Counter entriesReceived;
    final Counter bytesSent;
    final Counter bytesReceived;
    final Counter batchesSent;
    final Counter batchesReceived;
    final Counter duplicates;
    final Counter gaps;
    final Counter conflicts;
    final Counter ignoredUnknown;
    final DistributionSummary batchEntries;
    final Timer replicaWait;

    ReplicationMetrics(MeterRegistry registry) {
        this.registry = registry;
        entriesSent = registry.counter("storelog.replication.entries.sent");
        entriesReceived = registry.counter("storelog.replication.entries.received");
        bytesSent = registry.counter("storelog.replication.bytes.sent");
        bytesReceived = registry.counter("storelog.replication.bytes.received");
        batchesSent = registry.counter("storelog.replication.batches.sent");
        batchesReceived = registry.counter("storelog.replication.batches.received");
        duplicates = registry.counter("storelog.replication.duplicates");
        gaps = registry.counter("storelog.replication.gaps");
        conflicts = registry.counter("storelog.replication.conflicts");
        ignoredUnknown = registry.counter("storelog.replication.messages.unknown.kind");
        batchEntries = DistributionSummary.builder("storelog.replication.batch.entries").register(registry);
        replicaWait = Timer.builder("storelog.replication.replica.wait")
                .description("time from local durability to durable on a peer, for save-before-print")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Counts a refused link or rejected frame by reason. */
    void refused(String reason) {
        registry.counter("storelog.replication.rejected", "reason", reason).increment();
    }
}
