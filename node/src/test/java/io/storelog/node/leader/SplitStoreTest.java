package io.storelog.node.leader;

import static io.storelog.node.leader.LeaderTesting.assertHqHoldsExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.node.merge.VersionVector;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store split in two groups, each with its own leader, both uploading the same backlog to
 * headquarters at once (and each its own new entries): headquarters ends with every entry exactly
 * once, during the split and after the store heals.
 */
class SplitStoreTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoLeadersUploadingAtOnceLeaveEveryEntryOnce() {
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; TestCluster c = LeaderTesting.store(dir, hq, 3).start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            for (int i = 0; i < 3; i++) {
                LeaderTesting.backlog(c.node(i), 4_000);
            }
            c.awaitConverged(Duration.ofSeconds(30));

            // till-0 alone on one side, till-1 and till-2 on the other: two leaders.
            c.partition(0, 1);
            c.partition(0, 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.node(0).leader().isLeader() && c.node(1).leader().isLeader()
                    && c.node(2).leader().leader().equals("till-1"));
            LeaderTesting.backlog(c.node(0), 500);
            LeaderTesting.backlog(c.node(1), 500);
            LeaderTesting.backlog(c.node(2), 500);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.node(1).log().versionVector().equals(c.node(2).log().versionVector()));

            // HQ comes back: both leaders race through the shared backlog.
            hq.delay(5);
            hq.up();
            VersionVector union = c.node(0).log().versionVector().merge(c.node(1).log().versionVector());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(hq.vector()).isEqualTo(union));
            // A leader counts a batch when HQ's answer reaches it, which can be just after HQ stored it.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(c.node(0).leader().entriesUploaded()).isPositive();
                assertThat(c.node(1).leader().entriesUploaded()).isPositive();
            });
            assertThat(c.node(2).leader().entriesUploaded()).isZero();
            assertThat(hq.doubles()).isEmpty();
            assertThat(hq.quarantined()).isZero();
            assertThat(hq.entries()).isEqualTo(union.total());
            System.out.println("SplitStoreTest: " + hq.entries() + " entries held, " + hq.duplicates() + " duplicates sent by two leaders, "
                    + hq.conflicts() + " batches refused (409)");
            // Each side confirms only what it holds: nothing pending on either.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.node(i).leader().status().pendingEntries()).as("till-" + i).isZero();
                }
            });

            c.healAll();
            c.awaitLinked(Duration.ofSeconds(20));
            c.awaitConverged(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(5)).until(() -> c.node(0).leader().isLeader() && !c.node(1).leader().isLeader());
            LeaderTesting.backlog(c.node(2), 100);
            c.awaitConverged(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(hq.vector()).isEqualTo(c.node(0).log().versionVector()));
            c.verify(() -> {
                for (int i = 0; i < 3; i++) {
                    assertHqHoldsExactly(hq, c.node(i));
                }
            });
        }
    }
}
