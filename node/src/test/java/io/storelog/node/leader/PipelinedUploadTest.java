package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader keeps several batches in flight (four by default), each continuing the one before. Whatever
 * happens to the first while the next travels (overtaken, failed, made redundant by another leader),
 * headquarters ends with every entry exactly once and the leader with nothing pending.
 */
class PipelinedUploadTest {
    /** One batch more than the leader's window at the default batch size, so the window fills and one more follows. */
    private static final int BACKLOG = UploadSettings.defaults().maxBatchEntries() * (UploadSettings.defaults().batchesInFlight() + 1) - 500;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aSecondBatchThatOvertakesTheFirstIsRefusedThenSentAgainAndHqHoldsEachEntryOnce() {
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; StoreNode node = startNode(hq)) {
            LeaderTesting.backlog(node, BACKLOG);
            // The first batch reaches HQ only after the second was answered: the second does not continue what HQ holds.
            hq.holdNextUploadUntilAnotherIsAnswered();
            hq.up();

            awaitHqHoldsAll(hq, node);
            // How many go out while the first is held depends on timing; never more than the window.
            assertThat(hq.maxUploadsInProgress()).as("batches in flight at once")
                    .isBetween(2, UploadSettings.defaults().batchesInFlight());
            assertThat(hq.conflicts()).as("the overtaking batch was refused").isPositive();
            LeaderTesting.assertHqHoldsExactly(hq, node);
            awaitNothingPending(node);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFirstBatchThatFailsWhileTheSecondIsInFlightIsSentAgainAndHqHoldsEachEntryOnce() {
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; StoreNode node = startNode(hq)) {
            LeaderTesting.backlog(node, BACKLOG);
            hq.failNextUpload(503);
            hq.up();

            awaitHqHoldsAll(hq, node);
            assertThat(hq.conflicts()).as("the second batch was already on its way when the first failed, and was refused")
                    .isPositive();
            LeaderTesting.assertHqHoldsExactly(hq, node);
            awaitNothingPending(node);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anotherLeaderStoringEverythingWhileTwoBatchesAreInFlightLeavesEachEntryOnce() {
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; StoreNode node = startNode(hq)) {
            LeaderTesting.backlog(node, BACKLOG);
            // As this leader's first batch arrives, another leader of the store has just uploaded all of it.
            hq.beforeNextUpload(() -> {
                List<byte[]> everything = new ArrayList<>();
                node.log().versionVector().asMap().forEach((origin, last) -> {
                    for (long seq = 1; seq <= last; seq++) {
                        everything.add(node.log().readBytes(origin, seq));
                    }
                });
                // One batch, so the other leader's work is all in before this leader's batches are looked at.
                assertThat(hq.ingest(everything)).isEqualTo(200);
            });
            hq.up();

            awaitHqHoldsAll(hq, node);
            // HQ holds everything once the other leader's upload is in, a moment before the batch that ran into it
            // is looked at on HQ's request thread: wait for that batch's repeats rather than race it.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(hq.duplicates()).as("this leader's batches in flight arrived as repeats").isPositive());
            LeaderTesting.assertHqHoldsExactly(hq, node);
            awaitNothingPending(node);
            // The backlog is larger than the window, so a leader that sent on regardless would fail this.
            assertThat(node.leader().entriesUploaded()).as("no more than the batches in flight were sent")
                    .isLessThanOrEqualTo((long) UploadSettings.defaults().batchesInFlight() * UploadSettings.defaults().maxBatchEntries());
        }
    }

    private StoreNode startNode(FakeHq hq) {
        return StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HQ_URL, hq.url().toString(),
                ConfigKeys.HQ_TOKEN, LeaderTesting.TOKEN)));
    }

    private static void awaitHqHoldsAll(FakeHq hq, StoreNode node) {
        await().atMost(Duration.ofSeconds(60)).until(() -> hq.vector().equals(node.log().versionVector()));
    }

    private static void awaitNothingPending(StoreNode node) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(node.leader().status().pendingEntries()).isZero();
            assertThat(node.leader().status().lastError()).isNull();
        });
    }
}
