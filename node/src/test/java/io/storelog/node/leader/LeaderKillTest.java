package io.storelog.node.leader;

import static io.storelog.node.leader.LeaderTesting.assertHqHoldsExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader (the store server) dies in the middle of uploading a large backlog: a till takes over
 * within 5 s and headquarters still ends with every entry exactly once; the server, restarted, leads
 * again and finds nothing left to send.
 */
class LeaderKillTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void anotherNodeTakesOverAndHqHoldsEveryEntryOnce() {
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; TestCluster c = LeaderTesting.store(dir, hq, 3).override(2, ConfigKeys.NODE_ROLE, "server").start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            // Role server wins over the smaller id.
            await().atMost(Duration.ofSeconds(5)).until(() -> c.node(0).leader().leader().equals("till-2")
                    && c.node(1).leader().leader().equals("till-2") && c.node(2).leader().isLeader());
            for (int i = 0; i < 3; i++) {
                LeaderTesting.backlog(c.node(i), 15_000);
            }
            c.awaitConverged(Duration.ofSeconds(60));
            long total = c.node(0).log().versionVector().total();
            assertThat(total).isGreaterThan(45_000);

            // HQ returns, slow enough that the upload takes a while; the server dies in the middle of it.
            hq.delay(30);
            hq.up();
            await().atMost(Duration.ofSeconds(40)).until(() -> hq.entries() >= 5_000);
            assertThat(hq.entries()).isLessThan(total);
            long killedAt = System.nanoTime();
            c.kill(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.node(0).leader().isLeader() && c.node(0).leader().status().uploading()
                    && c.node(1).leader().leader().equals("till-0"));
            long tookOverMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("LeaderKillTest: till-0 took over " + tookOverMs + " ms after the server died, HQ held "
                    + hq.entries() + " of " + total);
            assertThat(tookOverMs).isLessThan(5_000);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(hq.vector()).isEqualTo(c.node(0).log().versionVector()));
            c.verify(() -> {
                assertHqHoldsExactly(hq, c.node(0));
                assertHqHoldsExactly(hq, c.node(1));
            });

            // The server comes back: it leads again, and there is nothing left for it to send.
            hq.delay(0);
            c.start(2);
            c.awaitLinked(Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.node(2).leader().isLeader() && !c.node(0).leader().isLeader());
            c.awaitConverged(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.node(i).leader().status().pendingEntries()).as("till-" + i).isZero();
                }
            });
            c.verify(() -> assertHqHoldsExactly(hq, c.node(2)));
        }
    }
}
