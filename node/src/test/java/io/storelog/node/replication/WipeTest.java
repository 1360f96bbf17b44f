package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A till whose disk is lost: every bill it answered 201 (save before print: a peer held it first)
 * is still in the store; the till comes back as a new incarnation, refuses bills until it has caught
 * up, then holds its old bills again and numbers its next bill after the highest its name ever used.
 */
class WipeTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWipedTillComesBackAsANewIncarnationAndNeverRepeatsANumber() throws Exception {
        // ack-replicas stays at its default (2); a long wait makes every 201 mean "a peer holds it".
        try (TestCluster c = TestCluster.builder(dir).nodes(3).ackTimeoutMs(10_000).start()) {
            c.awaitLinked(Duration.ofSeconds(10));
            c.awaitAllReady(Duration.ofSeconds(15));
            assertThat(c.node(0).config().replication().ackReplicas()).isEqualTo(ConfigKeys.DEFAULT_ACK_REPLICAS);
            ApiClient a = c.api(0);
            List<String> aBills = new ArrayList<>();
            for (int k = 1; k <= 5; k++) {
                Response r = a.post("/api/bills", ClusterBills.oneJson("wipe-a-" + k, "MILK-1L"));
                assertThat(r.status()).as("%s", r).isEqualTo(201);
                assertThat(r.body().get("singleLane").asBoolean()).as("bill %d held by a peer when answered", k).isFalse();
                assertThat(r.body().get("number").asLong()).isEqualTo(k);
                aBills.add(r.body().get("id").asText());
            }
            for (int k = 1; k <= 3; k++) {
                assertThat(c.api(1).post("/api/bills", ClusterBills.oneJson("wipe-b-" + k, "BREAD")).status()).isEqualTo(201);
            }
            String oldIncarnation = c.node(0).log().origin();

            // A dies and its disk is replaced; nothing it answered is lost: a peer holds it.
            c.kill(0);
            ApiClient b = c.api(1);
            for (String id : aBills) {
                assertThat(b.get("/api/bills/" + id).status()).as("bill %s on %s after A died", id, c.name(1)).isEqualTo(200);
            }

            // Back with an empty disk but no link yet: a new incarnation that must not bill before it caught up.
            c.isolate(0);
            TestCluster.deleteTree(c.dataDir(0));
            c.start(0);
            String newIncarnation = c.node(0).log().origin();
            assertThat(newIncarnation).isNotEqualTo(oldIncarnation).startsWith(c.name(0) + "-");
            a = c.api(0);
            Response early = a.post("/api/bills", ClusterBills.oneJson("wipe-a-early", "SOAP"));
            assertThat(early.status()).as("%s", early).isEqualTo(503);
            assertThat(early.code()).isEqualTo("NOT_READY");
            assertThat(a.get("/api/status").body().get("ready").asBoolean()).isFalse();

            c.healAll();
            c.awaitReady(0, Duration.ofSeconds(15));
            for (String id : aBills) {
                assertThat(a.get("/api/bills/" + id).status()).as("old bill %s back on A", id).isEqualTo(200);
            }
            Response next = a.post("/api/bills", ClusterBills.oneJson("wipe-a-6", "WINE"));
            assertThat(next.status()).as("%s", next).isEqualTo(201);
            assertThat(next.body().get("number").asLong()).isEqualTo(6);
            assertThat(next.body().get("receiptNumber").asText()).isEqualTo(c.name(0) + "-000006");
            assertThat(next.body().get("id").asText()).startsWith(newIncarnation + ":");
            assertThat(next.body().get("singleLane").asBoolean()).isFalse();
            // The cart retried (the screen timed out): the same bill, not a second one.
            Response retry = a.post("/api/bills", ClusterBills.oneJson("wipe-a-6", "WINE"));
            assertThat(retry.status()).isEqualTo(200);
            assertThat(retry.body().get("id").asText()).isEqualTo(next.body().get("id").asText());

            c.awaitConverged(Duration.ofSeconds(15));
            c.verify(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(ClusterBills.numbersByTill(c.node(i)).get(c.name(0)))
                            .as("numbers of %s on %s", c.name(0), c.name(i))
                            .containsExactlyElementsOf(LongStream.rangeClosed(1, 6).boxed().toList());
                    assertThat(ClusterBills.clientIdCounts(c.node(i))).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
                    assertThat(c.node(i).state().billCount()).isEqualTo(9);
                    assertThat(c.node(i).log().versionVector().asMap()).containsKeys(oldIncarnation, newIncarnation);
                }
            });
            assertThat(c.incarnations(0)).containsExactly(oldIncarnation, newIncarnation);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWipedTillWaitsForEveryReachablePeerNotJustAStaleOne() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).ackTimeoutMs(10_000).start()) {
            c.awaitLinked(Duration.ofSeconds(10));
            c.awaitAllReady(Duration.ofSeconds(15));
            // B (1) is cut off, so A's bills are held by A and C only.
            c.isolate(1);
            for (int k = 1; k <= 4; k++) {
                Response r = c.api(0).post("/api/bills", ClusterBills.oneJson("stale-a-" + k, "MILK-1L"));
                assertThat(r.status()).as("%s", r).isEqualTo(201);
                assertThat(r.body().get("singleLane").asBoolean()).isFalse();
            }
            String oldIncarnation = c.node(0).log().origin();
            long oldTop = c.node(0).log().versionVector().get(oldIncarnation);
            c.kill(0);
            TestCluster.deleteTree(c.dataDir(0));

            // A comes back linked to stale B at once, while C (which holds A's bills) answers only later.
            c.heal(0, 1);
            c.silence(0, 2);
            c.start(0);
            String bOrigin = c.node(1).log().origin();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.node(0).log().versionVector().get(bOrigin) > 0
                    && c.node(0).replicator().orElseThrow().peers().stream().anyMatch(p -> p.connected()));
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !c.node(0).ready());
            assertThat(c.node(0).log().versionVector().get(oldIncarnation)).as("B never held A's bills").isLessThan(oldTop);

            c.heal(0, 2);
            c.awaitReady(0, Duration.ofSeconds(15));
            Response next = c.api(0).post("/api/bills", ClusterBills.oneJson("stale-a-5", "WINE"));
            assertThat(next.status()).as("%s", next).isEqualTo(201);
            assertThat(next.body().get("number").asLong()).as("numbering continues after C's copy of A's bills").isEqualTo(5);
        }
    }
}
