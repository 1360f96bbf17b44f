package io.storelog.node.leader;

import static io.storelog.node.leader.LeaderTesting.assertHqHoldsExactly;
import static io.storelog.node.leader.LeaderTesting.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.StoreNode;
import io.storelog.node.state.TillSales;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headquarters is down while every lane of a three-lane store keeps billing; when it comes back, with
 * no action, it ends up with every entry exactly once, its vector equal to the store's, its totals
 * equal to the lanes' totals; every node then shows nothing pending and each lane's confirmed mark at
 * its last bill.
 */
class HqOutageTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyEntryReachesHqExactlyOnceAfterAnOutage() throws Exception {
        FakeHq hq = FakeHq.down(LeaderTesting.STORE, LeaderTesting.TOKEN);
        ExecutorService lanes = Executors.newFixedThreadPool(3);
        try (hq; TestCluster c = LeaderTesting.store(dir, hq, 3).start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(status(c.node(i)).get("leader").asText()).isEqualTo("till-0");
                }
            });
            // Bills keep coming on every lane while HQ is unreachable.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger billed = new AtomicInteger();
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int lane = i;
                clients.add(lanes.submit(() -> {
                    for (int n = 0; !stop.get() || n < 60; n++) {
                        c.node(lane).bills().submit(ClusterBills.one("lane" + lane + "-" + n, ClusterBills.PIECE_SKUS.get(n % 5))).join();
                        billed.incrementAndGet();
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> billed.get() >= 90);
            JsonNode down = status(c.node(1));
            assertThat(down.at("/hq/reachable").asBoolean()).isFalse();
            assertThat(down.at("/hq/pendingEntries").asLong()).isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() -> c.node(0).leader().status().lastError() != null);
            assertThat(hq.batches()).isZero();

            // HQ comes back while the lanes are still billing; nobody does anything.
            hq.up();
            await().atMost(Duration.ofSeconds(40)).until(() -> hq.entries() > 0);
            stop.set(true);
            for (Future<?> f : clients) {
                f.get(60, TimeUnit.SECONDS);
            }
            c.awaitConverged(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(hq.vector()).isEqualTo(c.node(0).log().versionVector()));
            c.verify(() -> {
                for (int i = 0; i < 3; i++) {
                    assertHqHoldsExactly(hq, c.node(i));
                }
            });
            // HQ's sales equal the sum of the lanes' sales.
            long lanesTotal = 0;
            StoreNode n0 = c.node(0);
            java.util.Set<String> days = new java.util.TreeSet<>();
            n0.state().recentBills(Integer.MAX_VALUE).forEach(b -> days.add(b.businessDay()));
            for (String day : days) {
                for (TillSales s : n0.state().salesByTill(day).values()) {
                    lanesTotal += s.total();
                }
            }
            assertThat(hq.salesTotal()).isEqualTo(lanesTotal);
            assertThat(hq.bills()).isEqualTo(n0.state().billCount());
            assertThat(hq.maxBatchEntries()).isLessThanOrEqualTo(UploadSettings.defaults().maxBatchEntries());
            assertThat(hq.maxBatchBytes()).isLessThanOrEqualTo(1024 * 1024);

            // Every node learns through gossip that HQ holds everything.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    JsonNode st = status(c.node(i));
                    assertThat(st.at("/hq/pendingEntries").asLong()).as("pending on till-" + i).isZero();
                    assertThat(st.at("/hq/reachable").asBoolean()).as("reachable on till-" + i).isTrue();
                    assertThat(st.at("/hq/lanes")).hasSize(3);
                    for (JsonNode lane : st.at("/hq/lanes")) {
                        assertThat(lane.get("confirmedBill").asLong()).as(lane.toString()).isEqualTo(lane.get("lastBill").asLong())
                                .isGreaterThanOrEqualTo(60);
                    }
                }
            });
            assertThat(c.node(0).leader().entriesUploaded()).isPositive();
            assertThat(c.node(1).leader().entriesUploaded()).isZero();
            assertThat(c.node(2).leader().entriesUploaded()).isZero();
        } finally {
            lanes.shutdownNow();
        }
    }
}
