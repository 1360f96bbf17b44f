package io.storelog.node.service.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.cluster.TestCluster;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets through the HTTP API: a limited item is sold beyond a lane's share by getting budget from a
 * linked lane; a lane cut off from everyone sells exactly its share and then refuses naming the item and
 * what is left; bad input changes nothing; refunds of another lane's bill need that lane.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BudgetTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aLaneWhoseShareIsShortGetsBudgetFromALinkedLane() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).override("budgets.rebalance-idle-seconds", "0").start()) {
            awaitStore(c);
            Response set = c.api(0).put("/api/budgets/WINE", ApiClient.object().put("total", 5));
            assertThat(set.status()).as("%s", set).isEqualTo(200);
            assertThat(set.body().get("total").decimalValue()).isEqualByComparingTo("5");
            awaitBudgetEverywhere(c, "WINE");

            // Lane 1 holds nothing: its first sale asks lane 0, which gives (at least) what is needed.
            Response sale = c.api(1).post("/api/bills", bill("WINE", 2));
            assertThat(sale.status()).as("%s", sale).isEqualTo(201);
            assertThat(sale.body().get("budgets").get("sku:WINE").decimalValue()).isEqualByComparingTo("2");
            c.awaitConverged(Duration.ofSeconds(15));
            for (int i = 0; i < 3; i++) {
                Response b = c.api(i).get("/api/budgets/WINE");
                assertThat(b.body().get("spent").decimalValue()).as("spent on %s", c.name(i)).isEqualByComparingTo("2");
                assertThat(b.body().get("remaining").decimalValue()).isEqualByComparingTo("3");
            }
            Response list = c.api(2).get("/api/budgets");
            assertThat(list.body()).hasSize(1);
            assertThat(list.body().get(0).get("sku").asText()).isEqualTo("WINE");
            assertThat(list.body().get(0).get("lanes")).isNotEmpty();

            // Three more sell; the sixth unit does not exist: 409 naming the item, nothing written.
            assertThat(c.api(2).post("/api/bills", bill("WINE", 3)).status()).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(15));
            long entries = c.api(1).entries();
            Response over = c.api(1).post("/api/bills", bill("WINE", 1));
            assertThat(over.status()).as("%s", over).isEqualTo(409);
            assertThat(over.body().get("sku").asText()).isEqualTo("WINE");
            assertThat(over.body().get("remaining").decimalValue()).isEqualByComparingTo("0");
            assertThat(over.error()).contains("WINE");
            assertThat(c.api(1).entries()).isEqualTo(entries);
            // Items not marked keep today's behaviour: stock may go negative, the sale is never refused.
            assertThat(c.api(1).post("/api/bills", bill("SOAP", 1)).status()).isEqualTo(201);
        }
    }

    @Test
    void aLaneCutOffFromEveryoneSellsExactlyItsShareThenRefusesNamingTheItemAndWhatIsLeft() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).override("budgets.rebalance-idle-seconds", "0").start()) {
            awaitStore(c);
            assertThat(c.api(0).put("/api/budgets/MILK-1L", ApiClient.object().put("total", "12")).status()).isEqualTo(200);
            awaitBudgetEverywhere(c, "MILK-1L");
            // Lane 2 gets a share of 6 (lane 0 gives half of its 12 when asked for 1); lane 2 sells 1 of it.
            assertThat(c.api(2).post("/api/bills", bill("MILK-1L", 1)).status()).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(15));
            BigDecimal share = c.api(2).get("/api/budgets/MILK-1L").body().get("shares").get(c.node(2).log().origin()).decimalValue();
            assertThat(share).isEqualByComparingTo("5");

            c.isolate(2);
            await().atMost(Duration.ofSeconds(15)).until(() -> !c.node(2).replicator().orElseThrow().anyPeerConnected());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Response>> sales = new ArrayList<>();
            for (int k = 0; k < 9; k++) {
                sales.add(pool.submit(() -> c.api(2).post("/api/bills", bill("MILK-1L", 1))));
            }
            int ok = 0;
            for (Future<Response> f : sales) {
                Response r = f.get(30, TimeUnit.SECONDS);
                if (r.status() == 201) {
                    ok++;
                } else {
                    assertThat(r.status()).as("%s", r).isEqualTo(409);
                    assertThat(r.body().get("sku").asText()).isEqualTo("MILK-1L");
                    assertThat(r.error()).contains("MILK-1L");
                    assertThat(r.body().get("remaining").decimalValue()).as("left in the store as lane 2 knows it")
                            .isEqualByComparingTo("6");
                }
            }
            pool.shutdown();
            assertThat(ok).as("sales the cut-off lane took: exactly its share").isEqualTo(5);
            // Meanwhile the other side sells what it holds, and no more.
            int otherSide = 0;
            for (int k = 0; k < 8; k++) {
                if (c.api(k % 2).post("/api/bills", bill("MILK-1L", 1)).status() == 201) {
                    otherSide++;
                }
            }
            assertThat(otherSide).isEqualTo(6);

            c.healAll();
            c.awaitLinked(Duration.ofSeconds(20));
            c.awaitConverged(Duration.ofSeconds(20));
            for (int i = 0; i < 3; i++) {
                Response b = c.api(i).get("/api/budgets/MILK-1L");
                assertThat(b.body().get("spent").decimalValue()).isEqualByComparingTo("12");
                assertThat(b.body().get("remaining").decimalValue()).isEqualByComparingTo("0");
            }
        }
    }

    @Test
    void badBudgetInputIsRefusedNamingTheProblemAndWritesNothing() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(1).start()) {
            awaitStore(c);
            ApiClient api = c.api(0);
            long entries = api.entries();
            assertBad(api.put("/api/budgets/WINE", ApiClient.object()), "total");
            assertBad(api.put("/api/budgets/WINE", ApiClient.object().put("total", "ten")), "total");
            assertBad(api.put("/api/budgets/WINE", ApiClient.object().put("total", "1.0001")), "decimal");
            assertBad(api.put("/api/budgets/WINE", ApiClient.object().put("total", -3)), "negative");
            assertBad(api.put("/api/budgets/WINE", ApiClient.object().put("total", 0)), "above 0");
            assertBad(api.put("/api/budgets/NO-SUCH-SKU", ApiClient.object().put("total", 3)), "NO-SUCH-SKU");
            assertBad(api.put("/api/budgets/card-offline", ApiClient.object().put("total", 10.5)), "integer");
            assertBad(api.post("/api/budgets/WINE/reclaim", ApiClient.object()), "holder");
            ObjectNode badTender = bill("SOAP", 1);
            badTender.withArray("tenders").removeAll();
            badTender.withArray("tenders").addObject().put("type", "cash").put("offline", true);
            assertBad(api.post("/api/bills", badTender), "offline");
            ObjectNode notBool = bill("SOAP", 1);
            notBool.withArray("tenders").removeAll();
            notBool.withArray("tenders").addObject().put("type", "card").put("reference", "A1").put("offline", "yes");
            assertBad(api.post("/api/bills", notBool), "offline");
            assertThat(api.get("/api/budgets/WINE").status()).isEqualTo(404);
            assertThat(api.entries()).as("entries after bad input").isEqualTo(entries);
        }
    }

    @Test
    void theOfflineCardCapRefusesACardBeyondItAndTellsTheTillToTakeAnotherTender() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(2).override("budgets.rebalance-idle-seconds", "0").start()) {
            awaitStore(c);
            assertThat(c.api(0).put("/api/budgets/card-offline", ApiClient.object().put("total", 1000)).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.api(1).get("/api/budgets/card-offline").status() == 200);
            // WINE costs 899: one offline card payment fits, the second does not; online cards and cash are not capped.
            Response first = c.api(1).post("/api/bills", card("WINE", true));
            assertThat(first.status()).as("%s", first).isEqualTo(201);
            assertThat(first.body().get("tenders").get(0).get("offline").asBoolean()).isTrue();
            Response second = c.api(0).post("/api/bills", card("WINE", true));
            assertThat(second.status()).as("%s", second).isEqualTo(409);
            assertThat(second.error()).contains("another tender");
            assertThat(second.body().get("budget").asText()).isEqualTo("card-offline");
            assertThat(second.body().get("remaining").asLong()).isEqualTo(101);
            assertThat(c.api(0).post("/api/bills", card("WINE", false)).status()).isEqualTo(201);
            assertThat(c.api(0).post("/api/bills", bill("WINE", 1)).status()).isEqualTo(201);
        }
    }

    @Test
    void aRefundOfAnotherLanesBillNeedsThatLaneAndTheOwnerCanAlwaysRefund() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).start()) {
            awaitStore(c);
            Response sale = c.api(0).post("/api/bills", bill("WINE", 2));
            String id = sale.body().get("id").asText();
            c.awaitConverged(Duration.ofSeconds(15));
            // Lane 1 refunds one bottle: lane 0 releases that amount to it.
            Response part = c.api(1).post("/api/bills/" + id + "/refund", refundOf(1));
            assertThat(part.status()).as("%s", part).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(15));

            // Cut off: lane 2 cannot refund lane 0's bill (503 naming lane 0), lane 0 still can.
            c.isolate(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> !c.node(0).replicator().orElseThrow().anyPeerConnected());
            long entries = c.api(2).entries();
            Response cut = c.api(2).post("/api/bills/" + id + "/refund", refundOf(1));
            assertThat(cut.status()).as("%s", cut).isEqualTo(503);
            assertThat(cut.error()).contains(c.name(0));
            assertThat(c.api(2).entries()).isEqualTo(entries);
            Response own = c.api(0).post("/api/bills/" + id + "/refund", refundOf(1));
            assertThat(own.status()).as("%s", own).isEqualTo(201);

            c.healAll();
            c.awaitLinked(Duration.ofSeconds(20));
            c.awaitConverged(Duration.ofSeconds(20));
            Response b = c.api(2).get("/api/bills/" + id);
            long refunded = 0;
            for (var r : b.body().get("refunds")) {
                refunded += r.get("total").asLong();
            }
            assertThat(refunded).as("refunded of the bill in all").isEqualTo(sale.body().get("total").asLong());
        }
    }

    @Test
    void aVoidOnAnotherLaneTakesTheWholeRefundBudgetFromTheBillsLane() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).start()) {
            awaitStore(c);
            String id = c.api(0).post("/api/bills", bill("BREAD", 2)).body().get("id").asText();
            String other = c.api(0).post("/api/bills", bill("SOAP", 1)).body().get("id").asText();
            c.awaitConverged(Duration.ofSeconds(15));
            Response v = c.api(1).post("/api/bills/" + id + "/void", ApiClient.object().put("reason", "wrong customer"));
            assertThat(v.status()).as("%s", v).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(15));
            assertThat(c.node(2).state().budget(BudgetKeys.refundKey(id)).remaining()).isZero();

            c.isolate(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> !c.node(0).replicator().orElseThrow().anyPeerConnected());
            Response cut = c.api(2).post("/api/bills/" + other + "/void", ApiClient.object().put("reason", "x"));
            assertThat(cut.status()).as("%s", cut).isEqualTo(503);
            assertThat(cut.error()).contains(c.name(0));
        }
    }

    @Test
    void idleBudgetFlowsToTheLaneThatSellsAndHoldsLeast() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).override("budgets.rebalance-idle-seconds", "1").start()) {
            awaitStore(c);
            assertThat(c.api(0).put("/api/budgets/SOAP", ApiClient.object().put("total", 20)).status()).isEqualTo(200);
            awaitBudgetEverywhere(c, "SOAP");
            // Lane 1 asks once (gets half of 20) and sells 7 of its 10; lane 0 sells nothing.
            for (int k = 0; k < 7; k++) {
                assertThat(c.api(1).post("/api/bills", bill("SOAP", 1)).status()).isEqualTo(201);
            }
            String lane0 = c.node(0).log().origin();
            String lane1 = c.node(1).log().origin();
            // Lane 0, idle, gives half its 10 to lane 1 (it sells and holds 3, under half of 10); lane 2 sold nothing and gets none.
            await().atMost(Duration.ofSeconds(15)).until(() -> c.node(1).state().budget("sku:SOAP").unspent(lane1) == 8000);
            c.awaitConverged(Duration.ofSeconds(15));
            var b = c.node(2).state().budget("sku:SOAP");
            assertThat(b.unspent(lane0)).isEqualTo(5000);
            assertThat(b.unspent(c.node(2).log().origin())).isZero();
            assertThat(b.remaining()).isEqualTo(13_000);
        }
    }

    @Test
    void theStoreServerMintsTheConfiguredCardCapOnceForTheWholeStore() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).override(0, "node.role", "server")
                .override("budgets.offline-card-cap", "5000").start()) {
            awaitStore(c);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                for (int i = 0; i < 3; i++) {
                    if (c.node(i).state().budget("card-offline").total() != 5000) {
                        return false;
                    }
                }
                return true;
            });
            // Restarted, the server finds the cap in its log and mints nothing more; tills never mint.
            c.restart(0);
            c.awaitLinked(Duration.ofSeconds(20));
            assertThat(c.api(1).post("/api/bills", card("WINE", true)).status()).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(15));
            assertThat(c.node(2).state().budget("card-offline").total()).isEqualTo(5000);
            assertThat(c.node(2).state().budget("card-offline").shares().values().stream().filter(s -> s.minted() > 0).count())
                    .as("holders that minted").isOne();
        }
    }

    @Test
    void withoutHeadquartersForTheConfiguredTimeAnUnmarkedCardDrawsOnTheCap() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(1).override("hq.url", "http://127.0.0.1:" + TestCluster.freePort())
                .override("budgets.offline-after-seconds", "1").start()) {
            awaitStore(c);
            assertThat(c.api(0).put("/api/budgets/card-offline", ApiClient.object().put("total", 100_000)).status()).isEqualTo(200);
            // Up for a second with headquarters never reached: card payments count as offline from then on.
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                Response r = c.api(0).post("/api/bills", card("SOAP", false));
                return r.status() == 201 && r.body().get("tenders").get(0).path("offline").asBoolean();
            });
            long offline = 0;
            for (var b : c.node(0).state().recentBills(1000)) {
                for (var t : c.node(0).log().read(b.position()).getBill().getTendersList()) {
                    offline += t.getOffline() ? t.getAmount() : 0;
                }
            }
            assertThat(offline).isPositive();
            assertThat(c.node(0).state().budget("card-offline").spent()).isEqualTo(offline);
        }
    }

    @Test
    void aWipedLanesOldShareIsNeverSpentByItsNewIncarnationUntilTheOperatorReclaimsIt() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(3).override("budgets.rebalance-idle-seconds", "0").start()) {
            awaitStore(c);
            assertThat(c.api(2).put("/api/budgets/BREAD", ApiClient.object().put("total", 4)).status()).isEqualTo(200);
            c.awaitConverged(Duration.ofSeconds(15));
            String old = c.node(2).log().origin();
            // A linked holder gives its share itself: reclaiming it is refused.
            Response linked = c.api(0).post("/api/budgets/BREAD/reclaim", ApiClient.object().put("holder", old));
            assertThat(linked.status()).as("%s", linked).isEqualTo(409);

            c.wipe(2);
            c.awaitReady(2, Duration.ofSeconds(30));
            c.awaitLinked(Duration.ofSeconds(20));
            String fresh = c.node(2).log().origin();
            assertThat(fresh).isNotEqualTo(old);
            // The old incarnation's 4 are stranded: nobody reachable holds any, so a sale is refused.
            Response refused = c.api(2).post("/api/bills", bill("BREAD", 1));
            assertThat(refused.status()).as("%s", refused).isEqualTo(409);
            assertThat(refused.body().get("remaining").decimalValue()).isEqualByComparingTo("4");

            Response back = c.api(2).post("/api/budgets/BREAD/reclaim", ApiClient.object().put("holder", old));
            assertThat(back.status()).as("%s", back).isEqualTo(200);
            assertThat(back.body().get("shares").get(fresh).decimalValue()).isEqualByComparingTo("4");
            assertThat(back.body().get("shares").get(old).decimalValue()).isEqualByComparingTo("0");
            assertThat(c.api(2).post("/api/bills", bill("BREAD", 4)).status()).isEqualTo(201);
            c.awaitConverged(Duration.ofSeconds(15));
            assertThat(c.node(0).state().budget("sku:BREAD").spent()).isEqualTo(4000);
            assertThat(c.node(0).state().budget("sku:BREAD").total()).isEqualTo(4000);
        }
    }

    @Test
    void salesRacingForTheLastUnitsOfOneLaneNeverOversell() throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(1).start()) {
            awaitStore(c);
            var node = c.node(0);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                for (int round = 0; round < 5; round++) {
                    String key = "sku:STAMP";
                    long before = node.state().budget(key).total();
                    node.budgets().setTotal(key, before + 5_000, "test");
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    List<Future<Boolean>> sales = new ArrayList<>();
                    for (int k = 0; k < 32; k++) {
                        String id = "race-" + round + "-" + k;
                        sales.add(pool.submit(() -> {
                            go.await();
                            try {
                                node.bills().submit(io.storelog.node.testing.cluster.ClusterBills.one(id, "STAMP")).get(30, TimeUnit.SECONDS);
                                return true;
                            } catch (java.util.concurrent.ExecutionException e) {
                                assertThat(e.getCause()).isInstanceOf(BudgetExhausted.class);
                                return false;
                            }
                        }));
                    }
                    go.countDown();
                    int ok = 0;
                    for (Future<Boolean> f : sales) {
                        ok += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                    }
                    assertThat(ok).as("sales of round %d", round).isEqualTo(5);
                    assertThat(node.state().budget(key).remaining()).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void assertBad(Response r, String mentions) {
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.error()).containsIgnoringCase(mentions);
    }

    static void awaitStore(TestCluster c) {
        c.awaitLinked(Duration.ofSeconds(15));
        c.awaitAllReady(Duration.ofSeconds(15));
    }

    static void awaitBudgetEverywhere(TestCluster c, String sku) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < c.size(); i++) {
                if (c.api(i).get("/api/budgets/" + sku).status() != 200) {
                    return false;
                }
            }
            return true;
        });
    }

    static ObjectNode bill(String sku, int qty) {
        ObjectNode o = ApiClient.object().put("clientBillId", UUID.randomUUID().toString());
        o.putArray("lines").addObject().put("sku", sku).put("qty", qty);
        o.putArray("tenders").addObject().put("type", "cash");
        return o;
    }

    private static ObjectNode card(String sku, boolean offline) {
        ObjectNode o = ApiClient.object().put("clientBillId", UUID.randomUUID().toString());
        o.putArray("lines").addObject().put("sku", sku).put("qty", 1);
        o.putArray("tenders").addObject().put("type", "card").put("reference", "AUTH-7").put("offline", offline);
        return o;
    }

    private static ObjectNode refundOf(int qty) {
        ObjectNode o = ApiClient.object().put("clientRefundId", UUID.randomUUID().toString()).put("reason", "broken");
        o.putArray("lines").addObject().put("lineNo", 1).put("qty", qty);
        return o;
    }
}
