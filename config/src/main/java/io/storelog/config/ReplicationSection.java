package io.storelog.config;

import java.time.Duration;

/**
 * How many copies a bill should have before the till answers, and how long it waits for them.
 *
 * @param ackReplicas  copies wanted, counting this node's own (replication.ack-replicas)
 * @param ackTimeoutMs wait for the other copies at most this long (replication.ack-timeout-ms)
 */
public record ReplicationSection(int ackReplicas, int ackTimeoutMs) {
    public ReplicationSection {
        Checks.range(ConfigKeys.REPLICATION_ACK_REPLICAS, ackReplicas, 1, ConfigKeys.MAX_ACK_REPLICAS);
        Checks.range(ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, ackTimeoutMs, 1, ConfigKeys.MAX_ACK_TIMEOUT_MS);
    }

    /** The acknowledgement wait as a Duration. */
    public Duration ackTimeout() {
        return Duration.ofMillis(ackTimeoutMs);
    }

    static ReplicationSection read(RawConfig raw) {
        long replicas = raw.integer(ConfigKeys.REPLICATION_ACK_REPLICAS, ConfigKeys.DEFAULT_ACK_REPLICAS);
        long timeout = raw.integer(ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, ConfigKeys.DEFAULT_ACK_TIMEOUT_MS);
        Checks.range(ConfigKeys.REPLICATION_ACK_REPLICAS, replicas, 1, ConfigKeys.MAX_ACK_REPLICAS);
        Checks.range(ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, timeout, 1, ConfigKeys.MAX_ACK_TIMEOUT_MS);
        return new ReplicationSection((int) replicas, (int) timeout);
    }
}
