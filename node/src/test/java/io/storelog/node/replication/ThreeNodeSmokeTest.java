package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.testing.TestNodes;
import io.storelog.protocol.TenderType;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three lanes linked in a full mesh: bills on each lane are acknowledged by a peer and every lane converges. */
class ThreeNodeSmokeTest {
    @TempDir
    Path dir;

    @Test
    void billsOnEveryLaneConverge() throws Exception {
        int[] ports = {freePort(), freePort(), freePort()};
        List<StoreNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String peers = "127.0.0.1:" + ports[(i + 1) % 3] + ",127.0.0.1:" + ports[(i + 2) % 3];
                nodes.add(StoreNode.start(TestNodes.till(dir, "till-" + i, Map.of(ConfigKeys.PEER_PORT, "" + ports[i],
                        ConfigKeys.PEER_BIND, "127.0.0.1", ConfigKeys.PEER_PEERS, peers, ConfigKeys.STORE_KEY, "k",
                        ConfigKeys.REPLICATION_ACK_TIMEOUT_MS, "5000"))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.replicator().get().peers().stream()
                    .filter(p -> p.connected()).count() == 2));
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 3; i++) {
                    var o = nodes.get(i).bills().submit(new BillRequest("c-" + i + "-" + round,
                            List.of(new LineRequest("MILK-1L", 1000, null)), null,
                            List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, "ann")).get();
                    // A peer is up and the wait is generous, so every bill must be held by two lanes.
                    assertThat(o.singleLane()).isFalse();
                }
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var d0 = nodes.get(0).state().digest(nodes.get(0).log()::versionVector);
                for (StoreNode n : nodes) {
                    var d = n.state().digest(n.log()::versionVector);
                    assertThat(d.versionVector()).isEqualTo(d0.versionVector());
                    assertThat(d.digest()).isEqualTo(d0.digest());
                    assertThat(n.state().onHandMilli("MILK-1L")).isEqualTo(-60_000);
                }
            });
        } finally {
            nodes.forEach(StoreNode::close);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
