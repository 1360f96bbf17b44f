package io.storelog.node.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.cluster.TestCluster;
import io.storelog.protocol.Entry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suspended cart is handed out once: on any lane, through the lane that suspended it; two lanes
 * asking at the same moment get it once between them, and a lane cut off from the owner refuses.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CartRecallTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aCartSuspendedOnOneLaneIsRecalledOnceOnAnother() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).start()) {
            awaitStore(c);
            Response s = c.api(0).post("/api/carts", cart("blue coat", "MILK-1L", "BREAD"));
            assertThat(s.status()).as("%s", s).isEqualTo(201);
            String id = s.body().get("id").asText();
            assertThat(s.body().get("code").asText()).isEqualTo(c.name(0) + "-S1");
            assertThat(s.body().get("cart").get("lines")).hasSize(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.api(1).get("/api/carts").body().size() == 1);

            Response r = c.api(1).post("/api/carts/" + id + "/recall", ApiClient.object());
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.body().get("recalledOn").asText()).isEqualTo(c.name(1));
            assertThat(r.body().get("cart").get("lines").get(1).get("sku").asText()).isEqualTo("BREAD");
            // The same lane asking again (its screen timed out) gets it again; another lane is told where it went.
            assertThat(c.api(1).post("/api/carts/" + id + "/recall", ApiClient.object()).status()).isEqualTo(200);
            Response other = c.api(2).post("/api/carts/" + id + "/recall", ApiClient.object());
            assertThat(other.status()).as("%s", other).isEqualTo(409);
            assertThat(other.error()).contains("already recalled on lane " + c.name(1));

            c.awaitConverged(Duration.ofSeconds(15));
            for (int i = 0; i < 3; i++) {
                assertThat(recallsOf(c.node(i), id)).as("recall entries on %s", c.name(i)).isEqualTo(1);
                assertThat(c.api(i).get("/api/carts").body()).as("waiting carts on %s", c.name(i)).isEmpty();
            }
            // A restart (from the fold's snapshot) still knows the cart went to lane 1.
            c.restart(0);
            c.awaitReady(0, Duration.ofSeconds(15));
            assertThat(c.api(0).get("/api/carts/" + id).body().get("recalledOn").asText()).isEqualTo(c.name(1));
        }
    }

    @Test
    void twoLanesRecallingOneCartAtTheSameMomentGetItOnceBetweenThem() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).start()) {
            awaitStore(c);
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < 15; k++) {
                ids.add(c.api(0).post("/api/carts", cart("cart " + k, "SOAP")).body().get("id").asText());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> c.api(1).get("/api/carts").body().size() == 15
                    && c.api(2).get("/api/carts").body().size() == 15);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                for (int k = 0; k < ids.size(); k++) {
                    String id = ids.get(k);
                    // Lanes 1 and 2 ask the owner; for every third cart the owner itself races them too.
                    List<Integer> lanes = k % 3 == 0 ? List.of(0, 1, 2) : List.of(1, 2);
                    List<Future<Response>> answers = new ArrayList<>();
                    for (int lane : lanes) {
                        Callable<Response> ask = () -> c.api(lane).post("/api/carts/" + id + "/recall", ApiClient.object());
                        answers.add(pool.submit(ask));
                    }
                    int won = 0;
                    for (Future<Response> f : answers) {
                        Response r = f.get(20, TimeUnit.SECONDS);
                        assertThat(r.status()).as("%s", r).isIn(200, 409);
                        won += r.status() == 200 ? 1 : 0;
                    }
                    assertThat(won).as("lanes that got cart %s", id).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
            }
            c.awaitConverged(Duration.ofSeconds(15));
            for (String id : ids) {
                String on = c.api(0).get("/api/carts/" + id).body().get("recalledOn").asText();
                for (int i = 0; i < 3; i++) {
                    assertThat(recallsOf(c.node(i), id)).isEqualTo(1);
                    assertThat(c.api(i).get("/api/carts/" + id).body().get("recalledOn").asText()).isEqualTo(on);
                }
            }
        }
    }

    @Test
    void aLaneCutOffFromTheOwnerRefusesWhileTheOwnerStillRecallsIt() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).ackTimeoutMs(50).start()) {
            awaitStore(c);
            String id = c.api(0).post("/api/carts", cart("split", "WINE")).body().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.api(1).get("/api/carts").body().size() == 1);
            c.isolate(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.node(1).replicator().orElseThrow().peers().stream()
                    .noneMatch(p -> p.connected() && p.id().equals(c.name(0))));
            long entriesBefore = c.api(1).entries();
            Response refused = c.api(1).post("/api/carts/" + id + "/recall", ApiClient.object());
            assertThat(refused.status()).as("%s", refused).isEqualTo(503);
            assertThat(refused.error()).contains("belongs to lane " + c.name(0));
            assertThat(c.api(1).entries()).isEqualTo(entriesBefore);

            Response own = c.api(0).post("/api/carts/" + id + "/recall", ApiClient.object());
            assertThat(own.status()).as("%s", own).isEqualTo(200);
            c.healAll();
            c.awaitConverged(Duration.ofSeconds(20));
            Response late = c.api(1).post("/api/carts/" + id + "/recall", ApiClient.object());
            assertThat(late.status()).as("%s", late).isEqualTo(409);
        }
    }

    @Test
    void aCartWithAnUnknownProductIsRefusedAndNothingIsWritten() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(1).start()) {
            c.awaitReady(0, Duration.ofSeconds(15));
            long before = c.api(0).entries();
            Response r = c.api(0).post("/api/carts", cart("bad", "NO-SUCH-SKU"));
            assertThat(r.status()).as("%s", r).isEqualTo(400);
            assertThat(r.error()).contains("NO-SUCH-SKU");
            Response empty = c.api(0).post("/api/carts", ApiClient.object().put("label", "nothing"));
            assertThat(empty.status()).isEqualTo(400);
            assertThat(c.api(0).entries()).isEqualTo(before);
            assertThat(c.api(0).post("/api/carts/nobody:1/recall", ApiClient.object()).status()).isEqualTo(404);
        }
    }

    private static void awaitStore(TestCluster c) {
        c.awaitLinked(Duration.ofSeconds(15));
        c.awaitAllReady(Duration.ofSeconds(15));
    }

    private static ObjectNode cart(String label, String... skus) {
        ObjectNode o = ApiClient.object().put("label", label);
        var lines = o.putArray("lines");
        for (String sku : skus) {
            lines.addObject().put("sku", sku).put("qty", 1);
        }
        return o;
    }

    private static long recallsOf(StoreNode node, String cartId) {
        long n = 0;
        var vv = node.log().versionVector().asMap();
        for (var e : vv.entrySet()) {
            for (long seq = 1; seq <= e.getValue(); seq++) {
                Entry entry = node.log().read(e.getKey(), seq).orElseThrow();
                if (entry.hasCartRecalled() && entry.getCartRecalled().getCartId().equals(cartId)) {
                    n++;
                }
            }
        }
        return n;
    }
}
