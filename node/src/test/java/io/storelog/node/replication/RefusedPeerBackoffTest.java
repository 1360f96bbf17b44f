package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.ConfigKeys;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that answers but refuses the handshake (another store key: a misconfigured till) is dialled
 * with growing backoff, like a peer that does not answer at all, not ten times a second forever.
 */
class RefusedPeerBackoffTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private static double refused(TestCluster c) {
        return c.node(1).meters().find("storelog.replication.rejected").counters().stream().mapToDouble(x -> x.count()).sum();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRefusingPeerIsRedialledWithBackoff() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(2).oneWay().override(1, ConfigKeys.STORE_KEY, "another-key").start()) {
            long start = System.nanoTime();
            // Backoff 100 ms doubling (+-20% jitter): the fifth attempt comes >= 0.8 * 1.5 s after the first
            // (at a fixed 100 ms it came after ~0.5 s: 32 refusals in 5 s).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> refused(c) >= 5);
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("RefusedPeerBackoffTest: %.0f refused handshakes in %.1f s%n", refused(c), secs);
            assertThat(c.node(0).replicator().orElseThrow().anyPeerConnected()).isFalse();
            assertThat(secs).as("time for five refused handshakes").isGreaterThan(1.0);
        }
    }
}
