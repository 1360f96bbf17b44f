package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain with nothing faked: three lanes (one a store server) replicate, the leader uploads
 * over HTTP into headquarters on embedded Apache Ignite with persistence; headquarters goes down while
 * every lane keeps billing and comes back on the same data; it then holds every entry of the store
 * exactly once with totals equal to the bills made, and a price published there reaches every lane.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StoreToHqEndToEndTest {
    private static final String TOKEN = "tok-e2e";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void everyBillReachesIgniteExactlyOnceThroughAnOutageAndAPriceComesBack() throws Exception {
        int hqPort = TestCluster.freePort();
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\ntest-store," + TOKEN + "\n");
        Map<String, String> hqOverrides = new HashMap<>(Map.of(ConfigKeys.NODE_ROLE, "hq", ConfigKeys.HTTP_PORT,
                Integer.toString(hqPort), ConfigKeys.HQ_IGNITE_PORT, "0", ConfigKeys.DATA_DIR, dir.resolve("hq").toString(),
                ConfigKeys.HQ_STORES_FILE, stores.toString()));
        NodeConfig hqConfig = ConfigLoader.load(Optional.empty(), hqOverrides);
        HqNode hq = HqNode.start(hqConfig);
        AtomicLong billed = new AtomicLong();
        try (TestCluster c = TestCluster.builder(dir.resolve("store")).nodes(3)
                .override(ConfigKeys.HQ_URL, "http://127.0.0.1:" + hqPort).override(ConfigKeys.HQ_TOKEN, TOKEN)
                .override(0, ConfigKeys.NODE_ROLE, "server").start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            c.awaitAllReady(Duration.ofSeconds(15));
            billEveryLane(c, "before", 8, billed);
            awaitHqHoldsTheStore(c, hqPort);

            hq.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> !c.api(1).get("/api/status").body().get("hq").get("reachable").asBoolean());
            billEveryLane(c, "during", 8, billed);
            assertThat(c.api(1).get("/api/status").body().get("hq").get("pendingEntries").asLong()).isPositive();

            hq = HqNode.start(hqConfig);
            awaitHqHoldsTheStore(c, hqPort);
            JsonNode summary = new HqHttp(() -> hqPort).get("/api/hq/stores/test-store", null).json();
            assertThat(summary.get("entries").asLong()).as("every entry of the store once").isEqualTo(c.node(0).log().entries());
            assertThat(summary.get("bills").asLong()).isEqualTo(48);
            assertThat(summary.get("salesTotal").asLong()).as("HQ's total is the sum of the bills made").isEqualTo(billed.get());
            assertThat(summary.get("quarantined").asLong()).isZero();

            Response before = c.api(2).get("/api/catalog?q=MILK-1L");
            long oldPrice = before.body().get(0).get("price").asLong();
            long newPrice = oldPrice + 37;
            assertThat(new HqHttp(() -> hqPort).put("/api/hq/catalog/products/MILK-1L", null,
                    "{\"name\": \"Whole milk 1 l\", \"taxClass\": \"reduced\", \"barcode\": \"4006381333931\", \"price\": "
                            + newPrice + "}").status()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                int lane = i;
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        c.api(lane).get("/api/catalog?q=MILK-1L").body().get(0).get("price").asLong() == newPrice);
            }
            Response after = c.api(2).post("/api/bills", ClusterBills.oneJson("after-price", "MILK-1L"));
            assertThat(after.status()).as("%s", after).isEqualTo(201);
            assertThat(after.body().get("total").asLong()).isEqualTo(newPrice);
        } finally {
            hq.close();
        }
    }

    private static void billEveryLane(TestCluster c, String tag, int perLane, AtomicLong billed) {
        String[] skus = {"MILK-1L", "BREAD", "SOAP", "WINE"};
        for (int k = 0; k < perLane; k++) {
            for (int lane = 0; lane < 3; lane++) {
                Response r = c.api(lane).post("/api/bills", ClusterBills.oneJson(tag + "-" + lane + "-" + k, skus[(k + lane) % skus.length]));
                assertThat(r.status()).as("%s", r).isEqualTo(201);
                billed.addAndGet(r.body().get("total").asLong());
            }
        }
    }

    private static void awaitHqHoldsTheStore(TestCluster c, int hqPort) {
        HqHttp http = new HqHttp(() -> hqPort);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            c.awaitConverged(Duration.ofSeconds(20));
            HqHttp.Answer a = http.get("/api/hq/stores/test-store", null);
            return a.status() == 200 && a.json().get("entries").asLong() == c.node(0).log().entries();
        });
    }
}
