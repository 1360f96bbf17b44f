package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.node.service.BillOutcome;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pulled cable (no FIN, no RST: nothing arrives and nothing says so): the lane keeps billing on its
 * own disk without waiting long, its peers notice the silence within seconds and stop counting it as
 * linked, and once the cable is back the store converges.
 */
class SilentLinkTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPulledCableIsNoticedAndHealsWithoutLoss() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).ackTimeoutMs(200).start()) {
            c.awaitLinked(Duration.ofSeconds(10));
            c.awaitAllReady(Duration.ofSeconds(15));
            c.silence(0, 1);
            c.silence(0, 2);
            long pulled = System.nanoTime();
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                String id = "silent-0-" + k;
                long t = System.nanoTime();
                BillOutcome o = c.node(0).bills().submit(ClusterBills.one(id, "SOAP")).get(5, TimeUnit.SECONDS);
                assertThat(o.singleLane()).as("no peer can hold %s", id).isTrue();
                assertThat((System.nanoTime() - t) / 1e6).as("ms to answer %s", id).isLessThan(1_000);
                ids.add(id);
            }
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
                    c.node(1).replicator().orElseThrow().peers().stream().noneMatch(p -> p.id().equals(c.name(0)) && p.connected())
                    && c.node(2).replicator().orElseThrow().peers().stream().noneMatch(p -> p.id().equals(c.name(0)) && p.connected())
                    && !c.node(0).replicator().orElseThrow().anyPeerConnected());
            System.out.printf("SilentLinkTest: the silence was noticed on every side after %.1f s%n", (System.nanoTime() - pulled) / 1e9);
            // The rest of the store still bills with a peer's copy.
            for (int k = 0; k < 10; k++) {
                String id = "silent-1-" + k;
                assertThat(c.node(1).bills().submit(ClusterBills.one(id, "WINE")).get(5, TimeUnit.SECONDS).singleLane()).isFalse();
                ids.add(id);
            }
            c.healAll();
            c.awaitLinked(Duration.ofSeconds(20));
            c.awaitConverged(Duration.ofSeconds(20));
            c.verify(() -> {
                for (int i = 0; i < 3; i++) {
                    for (String id : ids) {
                        assertThat(c.node(i).state().billByClientId(id)).as("%s on %s", id, c.name(i)).isPresent();
                    }
                }
            });
        }
    }
}
