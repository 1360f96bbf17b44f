package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.ProcessNode;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A till in a JVM of its own is SIGKILLed while its lanes post bills over HTTP. Save before print:
 * every bill it answered as held by a peer is on the peers at once; every bill it answered as held on
 * its own disk only is back when it restarts; the store converges with it, and no number repeats.
 */
class ProcessKillTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSigkilledTillLosesNoAnsweredBill() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).ackTimeoutMs(200).build()) {
            c.start(1);
            c.start(2);
            Path log = dir.resolve("till-0.log");
            ProcessNode a = ProcessNode.start(c.overrides(0), log, Duration.ofSeconds(60));
            try {
                c.awaitReady(1, Duration.ofSeconds(15));
                ApiClient api = a.api();
                await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/status").body().get("ready").asBoolean());

                // Lanes post bills to A over HTTP; A is SIGKILLed while they are in flight.
                Map<String, JsonNode> answered = new ConcurrentHashMap<>();
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch enough = new CountDownLatch(150);
                ExecutorService lanes = Executors.newFixedThreadPool(6);
                for (int lane = 0; lane < 6; lane++) {
                    int l = lane;
                    lanes.submit(() -> {
                        for (int k = 0; !stop.get(); k++) {
                            String id = "kill-" + l + "-" + k;
                            try {
                                ApiClient.Response r = api.tryPost("/api/bills", ClusterBills.oneJson(id, "BREAD"));
                                if (r.status() == 201) {
                                    answered.put(id, r.body());
                                    enough.countDown();
                                }
                            } catch (Exception e) {
                                // The node died under the request: this cart's fate is unknown.
                            }
                        }
                    });
                }
                assertThat(enough.await(60, TimeUnit.SECONDS)).as("bills answered before the kill").isTrue();
                a.kill();
                stop.set(true);
                lanes.shutdown();
                assertThat(lanes.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                Map<String, JsonNode> snapshot = new TreeMap<>(answered);
                long onPeer = snapshot.values().stream().filter(b -> !b.get("singleLane").asBoolean()).count();
                System.out.printf("ProcessKillTest: %d bills answered before SIGKILL, %d of them held by a peer when answered%n",
                        snapshot.size(), onPeer);
                assertThat(onPeer).as("bills answered while a peer was up").isPositive();

                // At once, before A returns: every bill answered as held by a peer is in the store.
                StoreNode b = c.node(1);
                StoreNode cc = c.node(2);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    for (Map.Entry<String, JsonNode> e : snapshot.entrySet()) {
                        if (!e.getValue().get("singleLane").asBoolean()) {
                            assertThat(b.state().billByClientId(e.getKey()).isPresent()
                                    || cc.state().billByClientId(e.getKey()).isPresent()).as("bill %s on a peer", e.getKey()).isTrue();
                        }
                    }
                });

                // A restarts on its disk; whatever it answered on its own disk is back; the store converges.
                a = ProcessNode.start(c.overrides(0), log, Duration.ofSeconds(60));
                ApiClient api2 = a.api();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    c.assertConverged();
                    JsonNode d = api2.get("/api/state/digest").body();
                    var mine = c.digest(1);
                    assertThat(d.get("digest").asText()).isEqualTo(mine.digest());
                    assertThat(versionVector(d)).isEqualTo(mine.versionVector().asMap());
                });
                for (Map.Entry<String, JsonNode> e : snapshot.entrySet()) {
                    assertThat(b.state().billByClientId(e.getKey())).as("answered bill %s", e.getKey()).isPresent()
                            .get().extracting(s -> s.id()).isEqualTo(e.getValue().get("id").asText());
                }
                ClusterBills.clientIdCounts(b).forEach((id, n) -> assertThat(n).as("bills of cart %s", id).isOne());
                List<Long> numbers = ClusterBills.numbersByTill(b).get(c.name(0));
                assertThat(numbers).doesNotHaveDuplicates();
                ApiClient.Response next = api2.post("/api/bills", ClusterBills.oneJson("kill-after", "BREAD"));
                assertThat(next.status()).as("%s", next).isEqualTo(201);
                assertThat(next.body().get("number").asLong()).isGreaterThan(numbers.get(numbers.size() - 1));
            } catch (AssertionError | RuntimeException e) {
                System.err.println("ProcessKillTest failed; node log " + log + ":\n" + ProcessNode.tail(log) + "\n" + c.dump());
                throw e;
            } finally {
                a.close();
            }
        }
    }

    private static Map<String, Long> versionVector(JsonNode digest) {
        Map<String, Long> vv = new TreeMap<>();
        digest.get("versionVector").properties().forEach(f -> vv.put(f.getKey(), f.getValue().asLong()));
        return vv;
    }
}
