package io.storelog.node.replication;

import io.storelog.config.HostPort;
import io.storelog.config.NodeConfig;
import io.storelog.config.PeerTlsFiles;
import java.util.List;
import java.util.Optional;

/** Settings of replication, from the node's config plus fixed protocol limits. */
public record ReplicationOptions(
        String store,
        String node,
        String role,
        String storeKey,
        String bind,
        int port,
        List<HostPort> peers,
        int ackReplicas,
        int ackTimeoutMillis,
        int maxFrameBytes,
        int maxBatchBytes,
        int maxBatchEntries,
        long pumpBudgetBytes,
        long gossipMillis,
        long minBackoffMillis,
        long maxBackoffMillis,
        long catchUpMillis,
        boolean tls,
        Optional<PeerTlsFiles> tlsFiles) {

    /** Largest frame accepted: comfortably above the largest entry the API can make (a 1,000-product catalog chunk). */
    public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    /** Options for a store node. */
    public static ReplicationOptions from(NodeConfig config) {
        return new ReplicationOptions(config.store().id(), config.node().id(), config.role().text(),
                config.store().key().orElseThrow().value(), config.peer().bind(), config.peer().port(), config.peer().peers(),
                config.replication().ackReplicas(), config.replication().ackTimeoutMs(),
                MAX_FRAME_BYTES, 256 * 1024, 1024, 8L * 1024 * 1024, 1_000, 100, 5_000, 10_000, config.peer().tls(),
                config.peer().tlsFiles());
    }
}
