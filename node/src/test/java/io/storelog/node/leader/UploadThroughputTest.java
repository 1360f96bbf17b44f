package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast the store side alone drains a backlog into an HQ that costs nothing (the fake, in memory):
 * the ceiling the leader puts on a real upload. Slow (tagged), prints entries/s.
 */
@Tag("slow")
class UploadThroughputTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void drainsABacklog() {
        int n = Integer.getInteger("storelog.upload.entries", 300_000);
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HQ_URL, hq.url().toString(),
                ConfigKeys.HQ_TOKEN, LeaderTesting.TOKEN)))) {
            LeaderTesting.backlog(node, n);
            long total = node.log().versionVector().total();
            // The retry after HQ returns waits up to the backoff; time from the first batch instead.
            hq.up();
            await().atMost(Duration.ofSeconds(60)).until(() -> hq.batches() > 0);
            long t0 = System.nanoTime();
            long before = hq.entries();
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(20)).until(() -> hq.entries() == total);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("UploadThroughputTest: %,d entries in %.1f s = %,.0f entries/s (%,d batches)%n", total - before, secs,
                    (total - before) / secs, hq.batches());
            assertThat(hq.doubles()).isEmpty();
        }
    }
}
