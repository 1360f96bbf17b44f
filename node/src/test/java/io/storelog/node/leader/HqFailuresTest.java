package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.ClusterBills;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Headquarters failing, slow, or refusing the store's token: the store keeps billing, says why, and catches up once it can. */
class HqFailuresTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFailingThenSlowHqIsRetriedUntilItHoldsEverything() {
        FakeHq hq = FakeHq.start(LeaderTesting.STORE, LeaderTesting.TOKEN);
        hq.failWith(503);
        try (hq; StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HQ_URL, hq.url().toString(),
                ConfigKeys.HQ_TOKEN, LeaderTesting.TOKEN)))) {
            for (int i = 0; i < 20; i++) {
                node.bills().submit(ClusterBills.one("c" + i, "BREAD")).join();
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode st = LeaderTesting.status(node);
                assertThat(st.at("/hq/lastError").asText()).contains("503");
                assertThat(st.at("/hq/reachable").asBoolean()).isFalse();
                assertThat(st.at("/hq/pendingEntries").asLong()).isEqualTo(node.log().entries());
                assertThat(st.at("/leader").asText()).isEqualTo("till-1");
            });
            hq.failWith(0);
            hq.delay(300);
            await().atMost(Duration.ofSeconds(40)).until(() -> hq.vector().equals(node.log().versionVector()));
            LeaderTesting.assertHqHoldsExactly(hq, node);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode st = LeaderTesting.status(node);
                assertThat(st.at("/hq/reachable").asBoolean()).isTrue();
                assertThat(st.at("/hq/pendingEntries").asLong()).isZero();
                assertThat(st.at("/hq/lastError").isMissingNode()).isTrue();
                assertThat(st.at("/hq/lanes/0/till").asText()).isEqualTo("till-1");
                assertThat(st.at("/hq/lanes/0/confirmedBill").asLong()).isEqualTo(20);
            });
            assertThat(node.meters().get("storelog.hq.pending.entries").gauge().value()).isZero();
            assertThat(node.meters().get("storelog.hq.leader").gauge().value()).isEqualTo(1.0);
            assertThat(node.meters().get("storelog.hq.uploaded.entries").functionCounter().count()).isEqualTo(node.log().entries());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWrongTokenWritesNothingAndSaysSo() {
        FakeHq hq = FakeHq.start(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HQ_URL, hq.url().toString(),
                ConfigKeys.HQ_TOKEN, "not-the-token")))) {
            node.bills().submit(ClusterBills.one("c1", "BREAD")).join();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode st = LeaderTesting.status(node);
                assertThat(st.at("/hq/lastError").asText()).contains("401");
                assertThat(st.at("/hq/reachable").asBoolean()).isFalse();
                assertThat(st.at("/hq/pendingEntries").asLong()).isEqualTo(node.log().entries());
            });
            assertThat(hq.unauthorized()).isPositive();
            assertThat(hq.entries()).isZero();
        }
    }
}
