package io.storelog.node.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.hq.HqNode;
import io.storelog.node.state.StoreState;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.TestCluster;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.Entry;
import io.storelog.protocol.TenderType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A promotion and a price published at headquarters (real HQ on embedded Ignite, through its HTTP API)
 * reach every lane of a three-lane store through the leader and replication; a bill on each lane applies
 * them and shows the promotion; withdrawing it at headquarters stops it on every lane.
 */
class PromotionFromHqTest {
    private static final String STORE = "test-store";
    private static final String TOKEN = "store-token-1";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aPromotionPublishedAtHqReachesEveryLaneAndEveryLaneAppliesIt() throws Exception {
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\n" + STORE + "," + TOKEN + "\n");
        Map<String, String> hqConfig = new HashMap<>(Map.of(ConfigKeys.NODE_ROLE, "hq", ConfigKeys.HTTP_PORT, "0",
                "hq.ignite-port", "0", ConfigKeys.DATA_DIR, dir.resolve("hq").toString(),
                ConfigKeys.HQ_STORES_FILE, stores.toString(), ConfigKeys.CATALOG_FILE, TestNodes.writeCatalog(dir).toString()));
        try (HqNode hq = HqNode.start(ConfigLoader.load(Optional.empty(), hqConfig));
             TestCluster c = TestCluster.builder(dir.resolve("store")).nodes(3).ackTimeoutMs(2_000)
                     .override(ConfigKeys.HQ_URL, "http://127.0.0.1:" + hq.httpPort())
                     .override(ConfigKeys.HQ_TOKEN, TOKEN).start()) {
            c.awaitLinked(Duration.ofSeconds(20));
            ApiClient hqApi = new ApiClient(hq.httpPort());
            String startsAt = Instant.now().minus(1, ChronoUnit.HOURS).toString();

            // Bad input is refused with the problem named, and nothing is published.
            long before = hq.store().catalogVersion();
            ObjectNode unknown = promotion(startsAt);
            unknown.putArray("skus").add("NO-SUCH-SKU");
            Map<String, ObjectNode> bad = new java.util.LinkedHashMap<>();
            bad.put("NO-SUCH-SKU", unknown);
            bad.put("payFor must be at least 1 and less than buy", promotion(startsAt).put("payFor", 3));
            bad.put("kind 'twoForOne' is not one of", promotion(startsAt).put("kind", "twoForOne"));
            bad.put("endsAt must be after startsAt", promotion(startsAt).put("endsAt", startsAt));
            bad.put("startsAt 'tomorrow' is not an ISO-8601", promotion(startsAt).put("startsAt", "tomorrow"));
            bad.put("percent must be above 0", promotion(startsAt).put("kind", "percentOff").put("percent", 0));
            bad.put("name is required", (ObjectNode) promotion(startsAt).without("name"));
            for (Map.Entry<String, ObjectNode> e : bad.entrySet()) {
                ApiClient.Response refused = hqApi.put("/api/hq/catalog/promotions/BAD", e.getValue());
                assertThat(refused.status()).as(e.getKey()).isEqualTo(400);
                assertThat(refused.error()).contains(e.getKey());
            }
            ApiClient.Response badId = hqApi.put("/api/hq/catalog/promotions/%20x", promotion(startsAt));
            assertThat(badId.status()).isEqualTo(400);
            ApiClient.Response badPrice = hqApi.post("/api/hq/catalog/prices",
                    ApiClient.object().put("sku", "BREAD").put("price", -1).put("effectiveAt", startsAt));
            assertThat(badPrice.status()).isEqualTo(400);
            assertThat(badPrice.error()).contains("price -1 is negative");
            assertThat(hq.store().catalogVersion()).as("nothing published").isEqualTo(before);

            ApiClient.Response published = hqApi.put("/api/hq/catalog/promotions/MILK-3FOR2", promotion(startsAt));
            assertThat(published.status()).as(published.toString()).isEqualTo(200);
            long version = published.body().get("version").asLong();
            // One that starts next week: listed as upcoming, applied to nothing yet.
            String nextWeek = Instant.now().plus(7, ChronoUnit.DAYS).toString();
            ObjectNode later = promotion(nextWeek).put("name", "Bread 10% off").put("kind", "percentOff").put("percent", 10);
            later.remove("skus");
            later.putArray("skus").add("BREAD");
            assertThat(hqApi.put("/api/hq/catalog/promotions/BREAD-10", later).status()).isEqualTo(200);
            ObjectNode price = ApiClient.object().put("sku", "BREAD").put("price", 199)
                    // Now: after headquarters imported its catalog file (those prices took effect then), before the sales.
                    .put("effectiveAt", Instant.now().toString());
            ApiClient.Response priced = hqApi.post("/api/hq/catalog/prices", price);
            assertThat(priced.status()).as(priced.toString()).isEqualTo(200);
            long priceVersion = priced.body().get("version").asLong();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.node(i).state().catalogVersion()).as("till-" + i).isGreaterThanOrEqualTo(priceVersion);
                    JsonNode active = c.api(i).get("/api/promotions").body().get("active");
                    assertThat(active).as("till-" + i).hasSize(1);
                    assertThat(active.get(0).get("id").asText()).isEqualTo("MILK-3FOR2");
                    assertThat(active.get(0).get("version").asLong()).isEqualTo(version);
                    JsonNode upcoming = c.api(i).get("/api/promotions").body().get("upcoming");
                    assertThat(upcoming).as("till-" + i).hasSize(1);
                    assertThat(upcoming.get(0).get("id").asText()).isEqualTo("BREAD-10");
                    assertThat(upcoming.get(0).get("percent").asInt()).isEqualTo(10);
                    // The catalog shows the price in effect now.
                    assertThat(c.api(i).get("/api/catalog?q=BREAD").body().get(0).get("price").asLong()).isEqualTo(199);
                }
            });

            for (int i = 0; i < 3; i++) {
                BillCommitted bill = sell(c, i, "promo-" + i);
                // 3 milk at 1.29, one free; bread at the price HQ scheduled: 258 + 199.
                assertThat(bill.getPromotionsList()).as("till-" + i).singleElement().satisfies(a -> {
                    assertThat(a.getPromotionId()).isEqualTo("MILK-3FOR2");
                    assertThat(a.getAmount()).isEqualTo(129);
                });
                assertThat(bill.getLines(0).getNet()).isEqualTo(258);
                assertThat(bill.getLines(1).getUnitPrice()).isEqualTo(199);
                assertThat(bill.getTotal()).isEqualTo(457);
            }
            c.awaitConverged(Duration.ofSeconds(30));
            // Every lane holds every lane's bill, promotion included, and the bill JSON shows it.
            Entry first = c.node(0).bills().submit(request("json-0")).join().entry();
            String id = StoreState.entryId(first.getOrigin(), first.getSeq());
            await().atMost(Duration.ofSeconds(10)).until(() -> c.api(2).get("/api/bills/" + id).status() == 200);
            JsonNode json = c.api(2).get("/api/bills/" + id).body();
            assertThat(json.get("promotions").get(0).get("id").asText()).isEqualTo("MILK-3FOR2");
            assertThat(json.get("promotions").get(0).get("amount").asLong()).isEqualTo(129);
            assertThat(json.get("lines").get(0).get("promotionDiscount").asLong()).isEqualTo(129);

            HttpResponse<String> withdrawn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + hq.httpPort() + "/api/hq/catalog/promotions/MILK-3FOR2")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.api(i).get("/api/promotions").body().get("active")).as("till-" + i).isEmpty();
                }
            });
            for (int i = 0; i < 3; i++) {
                BillCommitted bill = sell(c, i, "after-" + i);
                assertThat(bill.getPromotionsList()).isEmpty();
                assertThat(bill.getTotal()).isEqualTo(387 + 199);
            }
        }
    }

    private static ObjectNode promotion(String startsAt) {
        ObjectNode p = ApiClient.object().put("name", "Milk 3 for 2").put("kind", "multiBuy").put("buy", 3).put("payFor", 2)
                .put("startsAt", startsAt);
        p.putArray("skus").add("MILK-1L");
        return p;
    }

    private static BillCommitted sell(TestCluster c, int lane, String cart) {
        return c.node(lane).bills().submit(request(cart)).join().entry().getBill();
    }

    private static BillRequest request(String cart) {
        return new BillRequest(cart, List.of(new LineRequest("MILK-1L", 3_000, null), new LineRequest("BREAD", 1_000, null)),
                null, List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, null);
    }
}
