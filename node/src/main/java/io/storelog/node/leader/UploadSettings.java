package io.storelog.node.leader;

import java.time.Duration;

/**
 * Timings and limits of the leader's work with headquarters.
 *
 * @param pollMillis         how often an idle leader asks HQ for its vector (reachability, new catalog versions)
 * @param lingerMillis       after new entries, how long to wait for more before uploading (fewer, fuller batches)
 * @param leaderCheckMillis  how often a node checks whether it became the leader
 * @param minBackoffMillis   first retry wait after a failure
 * @param maxBackoffMillis   longest retry wait
 * @param maxBatchEntries    entries per upload batch
 * @param maxBatchBytes      encoded size of an upload batch (HQ refuses request bodies above its limit, 1 MiB by default)
 * @param batchesInFlight    batches sent and not yet answered at most; each continues the one before, so HQ commits
 *                           one while it streams the ones behind it and others travel (1: wait for every answer)
 * @param connectTimeout     TCP connect to HQ
 * @param requestTimeout     one HTTP exchange with HQ
 * @param catalogRefreshMillis a catalog pull at least this often, even if HQ's vector reports no new version
 * @param reachableMillis    HQ counts as reachable while this node or a peer reached it within this time
 */
public record UploadSettings(long pollMillis, long lingerMillis, long leaderCheckMillis, long minBackoffMillis,
        long maxBackoffMillis, int maxBatchEntries, int maxBatchBytes, int batchesInFlight, Duration connectTimeout, Duration requestTimeout,
        long catalogRefreshMillis, long reachableMillis) {

    /** The settings a store node runs with. */
    public static UploadSettings defaults() {
        return new UploadSettings(2_000, 50, 250, 100, 5_000, 4_000, 1024 * 1024, 4, Duration.ofSeconds(3),
                Duration.ofSeconds(30), 60_000, 10_000);
    }
}
