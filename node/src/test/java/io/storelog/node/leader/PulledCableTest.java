package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.replication.PeerStatus;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cable between the store server (the leader) and a till is pulled: no FIN, no reset, just
 * silence. Both ends drop the link on the idle timeout, the till leads its side within 5 s and
 * uploads its own bills; once the cable is back the server leads again and nothing is pending.
 */
class PulledCableTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aSilentLeaderIsReplacedWithinFiveSeconds() throws Exception {
        FakeHq hq = FakeHq.start(LeaderTesting.STORE, LeaderTesting.TOKEN);
        int serverPort = TestCluster.fixedPort();
        Map<String, String> common = Map.of(ConfigKeys.STORE_KEY, "k", ConfigKeys.PEER_BIND, "127.0.0.1",
                ConfigKeys.HQ_URL, hq.url().toString(), ConfigKeys.HQ_TOKEN, LeaderTesting.TOKEN,
                ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, "500");
        try (hq; FreezeProxy cable = new FreezeProxy(serverPort);
                StoreNode server = StoreNode.start(TestNodes.till(dir, "server", with(common, ConfigKeys.NODE_ROLE, "server",
                        ConfigKeys.PEER_PORT, "" + serverPort)));
                StoreNode till = StoreNode.start(TestNodes.till(dir, "till-1", with(common, ConfigKeys.PEER_PEERS,
                        "127.0.0.1:" + cable.port())))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> linked(server) && linked(till));
            await().atMost(Duration.ofSeconds(5)).until(() -> till.leader().leader().equals("server") && server.leader().isLeader());
            till.bills().submit(ClusterBills.one("linked", "BREAD")).join();
            await().atMost(Duration.ofSeconds(15)).until(() -> till.leader().status().pendingEntries() == 0);

            cable.freeze();
            long pulled = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> till.leader().isLeader()
                    && till.leader().status().uploading());
            long tookMs = (System.nanoTime() - pulled) / 1_000_000;
            System.out.println("PulledCableTest: the till led " + tookMs + " ms after the cable was pulled");
            await().atMost(Duration.ofSeconds(5)).until(() -> !linked(server));
            var alone = till.bills().submit(ClusterBills.one("alone", "SOAP")).join().entry();
            await().atMost(Duration.ofSeconds(15)).until(() -> hq.vector().get(alone.getOrigin()) >= alone.getSeq());

            cable.thaw();
            await().atMost(Duration.ofSeconds(30)).until(() -> linked(server) && linked(till));
            await().atMost(Duration.ofSeconds(5)).until(() -> till.leader().leader().equals("server") && !till.leader().isLeader());
            await().atMost(Duration.ofSeconds(20)).until(() -> server.log().versionVector().equals(till.log().versionVector()));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(server.leader().status().pendingEntries()).isZero();
                assertThat(till.leader().status().pendingEntries()).isZero();
            });
            LeaderTesting.assertHqHoldsExactly(hq, server);
        }
    }

    private static boolean linked(StoreNode n) {
        return n.replicator().orElseThrow().peers().stream().anyMatch(PeerStatus::connected);
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new java.util.HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
