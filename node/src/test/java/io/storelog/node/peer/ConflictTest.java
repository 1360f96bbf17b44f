package io.storelog.node.peer;

import static io.storelog.node.peer.PeerTesting.bill;
import static io.storelog.node.peer.PeerTesting.connectedPeers;
import static io.storelog.node.peer.PeerTesting.counter;
import static io.storelog.node.peer.PeerTesting.digest;
import static io.storelog.node.peer.PeerTesting.gauge;
import static io.storelog.node.peer.PeerTesting.vv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.service.BillOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two different entries under one id, met in a three-lane mesh: every lane freezes the forged origin
 * at the first disputed seq, drops its entries from state and digest, raises the alert, keeps its
 * links, and billing converges afterwards. A lane that joins later catches up without waiting on
 * entries that will never travel.
 */
class ConflictTest {
    private static final String FORGED = "forged-x";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aForgedOriginIsFrozenOnEveryLaneWhichKeepLinkedAndBilling() throws Exception {
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        int pc = PeerTesting.freePort();
        List<StoreNode> nodes = new ArrayList<>();
        try {
            StoreNode a = PeerTesting.start(dir, "till-a", pa, List.of(pb, pc), Map.of());
            nodes.add(a);
            StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(pa, pc), Map.of());
            nodes.add(b);
            StoreNode c = PeerTesting.start(dir, "till-c", pc, List.of(pa, pb), Map.of());
            nodes.add(c);
            await().atMost(Duration.ofSeconds(15)).until(() -> nodes.stream().allMatch(n -> connectedPeers(n) == 2 && n.ready()));
            for (int i = 0; i < 3; i++) {
                bill(a, "a-" + i, "MILK-1L", 1_000);
                bill(b, "b-" + i, "BREAD", 2_000);
            }
            awaitConverged(nodes);
            SortedMap<String, Long> stockBefore = a.state().stockSnapshot();

            // One forger, two stories under the same ids: each lane is told a different one.
            List<byte[]> told = List.of(
                    ForgedEntries.bill(FORGED, 1, "till-f", 1, "forged-cart-1", "WINE", 5_000, 899).toByteArray(),
                    ForgedEntries.received(FORGED, 2, "SOAP", 100_000).toByteArray());
            List<byte[]> toldOther = List.of(
                    ForgedEntries.bill(FORGED, 1, "till-f", 1, "forged-cart-1", "WINE", 3_000, 899).toByteArray(),
                    ForgedEntries.adjusted(FORGED, 2, "SOAP", -7_000).toByteArray());
            // Both are handed over before either can have travelled (a push needs an fsync and a hop),
            // so each lane pushes its story to the others and the stories cross on the wire.
            var toA = a.log().offer(told);
            var toB = b.log().offer(toldOther);
            assertThat(toA.accepted()).isEqualTo(2);
            assertThat(toB.accepted()).as("B's copy went in before A's could arrive (else nothing would cross)").isEqualTo(2);
            assertThat(toB.conflicts()).isEmpty();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (StoreNode n : nodes) {
                    assertThat(n.state().frozenOrigins()).as(n.config().node().id()).isEqualTo(Map.of(FORGED, 1L));
                }
            });
            awaitConverged(nodes);
            double conflictsSeen = 0;
            for (StoreNode n : nodes) {
                String id = n.config().node().id();
                // Neither story is in any state: stock as before, no forged bill.
                assertThat(n.state().stockSnapshot()).as(id).isEqualTo(stockBefore);
                assertThat(n.state().billByClientId("forged-cart-1")).as(id).isEmpty();
                assertThat(gauge(n, "storelog.conflicts.frozen.origins")).as(id).isEqualTo(1.0);
                assertThat(connectedPeers(n)).as(id + " keeps its links").isEqualTo(2);
                JsonNode status = status(n);
                assertThat(status.get("alerts")).as(id).anySatisfy(alert -> {
                    assertThat(alert.get("kind").asText()).isEqualTo("conflict");
                    assertThat(alert.get("origin").asText()).isEqualTo(FORGED);
                    assertThat(alert.get("seq").asLong()).isEqualTo(1);
                });
                conflictsSeen += counter(n, "storelog.replication.conflicts");
            }
            assertThat(conflictsSeen).as("the two copies met somewhere").isGreaterThanOrEqualTo(1);
            // The log is grow-only: the lanes that were told a story still hold it, out of state.
            assertThat(vv(a).get(FORGED)).isEqualTo(2);
            assertThat(vv(b).get(FORGED)).isEqualTo(2);

            // Billing goes on and converges.
            BillOutcome o = bill(c, "c-after", "STAMP", 4_000);
            assertThat(o.singleLane()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.state().bill(o.id()).isPresent() && b.state().bill(o.id()).isPresent());
            awaitConverged(nodes);
            assertThat(a.state().onHandMilli("STAMP")).isEqualTo(stockBefore.getOrDefault("STAMP", 0L) - 4_000);

            // A new lane joins after the freeze: it never gets the frozen entries, and must not wait for them.
            int pd = PeerTesting.freePort();
            long joined = System.nanoTime();
            StoreNode d = PeerTesting.start(dir, "till-d", pd, List.of(pa, pb, pc), Map.of());
            nodes.add(d);
            await("till-d caught up (the blind wait is 10 s)").atMost(Duration.ofSeconds(7)).until(d::ready);
            long joinMillis = (System.nanoTime() - joined) / 1_000_000;
            awaitConverged(nodes);
            assertThat(d.state().frozenOrigins()).isEqualTo(Map.of(FORGED, 1L));
            assertThat(vv(d).get(FORGED)).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.replicator().orElseThrow().peers())
                    .as("no lag is shown for entries that never travel").allSatisfy(p -> assertThat(p.lagEntries()).isZero()));
            System.out.printf("conflict test: till-d ready after %d ms%n", joinMillis);
        } finally {
            PeerTesting.closeAll(nodes);
        }
    }

    /**
     * Two lanes that were told different stories while apart hold the same version vector, so when
     * they link up neither sends the other anything and the copies are never compared: their states
     * differ for good while their vectors agree. Detecting this needs content (hashes) in the vector
     * exchange, a protocol change; see the report of the peer tests.
     */
    @Test
    @Timeout(90)
    void copiesTakenWhileApartAreComparedOnceLinked() throws Exception {
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        List<StoreNode> nodes = new ArrayList<>();
        try {
            for (String id : List.of("till-a", "till-b")) {
                StoreNode alone = PeerTesting.start(dir, id, id.equals("till-a") ? pa : pb, List.of(), Map.of());
                long qty = id.equals("till-a") ? 5_000 : 3_000;
                var o = alone.log().offer(List.of(
                        ForgedEntries.bill(FORGED, 1, "till-f", 1, "forged-cart-1", "WINE", qty, 899).toByteArray()));
                o.durable().get(10, java.util.concurrent.TimeUnit.SECONDS);
                alone.close();
            }
            StoreNode a = PeerTesting.start(dir, "till-a", pa, List.of(pb), Map.of());
            nodes.add(a);
            StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(pa), Map.of());
            nodes.add(b);
            await().atMost(Duration.ofSeconds(15)).until(() -> connectedPeers(a) == 1 && connectedPeers(b) == 1);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (StoreNode n : nodes) {
                    assertThat(n.state().frozenOrigins()).as(n.config().node().id()).isEqualTo(Map.of(FORGED, 1L));
                }
            });
            awaitConverged(nodes);
        } finally {
            PeerTesting.closeAll(nodes);
        }
    }

    /** Same digest on every node, and the same vector apart from the frozen origin (grow-only logs keep what they were told). */
    static void awaitConverged(List<StoreNode> nodes) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            StoreNode first = nodes.get(0);
            for (StoreNode n : nodes) {
                assertThat(withoutFrozen(n)).as(n.config().node().id()).isEqualTo(withoutFrozen(first));
                assertThat(digest(n)).as(n.config().node().id()).isEqualTo(digest(first));
            }
        });
    }

    private static Map<String, Long> withoutFrozen(StoreNode n) {
        VersionVector v = vv(n);
        TreeMap<String, Long> out = new TreeMap<>(v.asMap());
        out.keySet().removeAll(n.state().frozenOrigins().keySet());
        return out;
    }

    private static JsonNode status(StoreNode n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + "/api/status"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

}
