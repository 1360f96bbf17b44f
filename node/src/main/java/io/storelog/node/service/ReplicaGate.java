package io.storelog.node.service;

import java.util.concurrent.CompletableFuture;

/** Save before print: completes true once enough peers hold an entry, false when the lane answers on its own disk. */
@FunctionalInterface
public interface ReplicaGate {
    /** A node without replication holds every bill on its own disk only. */
    ReplicaGate LOCAL_ONLY = (origin, seq) -> CompletableFuture.completedFuture(false);

    /** Waits (bounded) until (origin, seq) is durable on enough peers. */
    CompletableFuture<Boolean> awaitReplicas(String origin, long seq);
}
