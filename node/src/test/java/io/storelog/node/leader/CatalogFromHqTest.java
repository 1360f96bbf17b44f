package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.StoreNode;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.state.StoreState;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.cluster.ClusterBills;
import io.storelog.node.testing.cluster.TestCluster;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Product;
import io.storelog.protocol.TaxRate;
import io.storelog.protocol.Unit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog changes flow from headquarters through the leader into the store log and reach every lane:
 * a price change is used by every bill after it (and not by the bill before), a new product and a new
 * tax rate can be sold at once, a large update is split into entries below the frame limit, and a new
 * leader re-pulling the feed adds nothing twice. A till with no catalog file is offline-ready only once
 * headquarters' catalog has arrived.
 */
class CatalogFromHqTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPriceChangedAtHqReachesEveryLaneAndNewBillsUseIt() {
        FakeHq hq = FakeHq.start(LeaderTesting.STORE, LeaderTesting.TOKEN);
        try (hq; TestCluster c = LeaderTesting.store(dir, hq, 3).start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            Entry before = c.node(1).bills().submit(ClusterBills.one("before", "MILK-1L")).join().entry();
            assertThat(before.getBill().getLines(0).getUnitPrice()).isEqualTo(129);

            long v1 = hq.publish(List.of(product("MILK-1L", "4006381333931", "Whole milk 1 l", 150, "reduced")), List.of());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.node(i).state().product("MILK-1L").orElseThrow().product().getPrice()).as("till-" + i).isEqualTo(150);
                    assertThat(c.node(i).state().catalogVersion()).isEqualTo(v1);
                }
            });
            for (int i = 0; i < 3; i++) {
                BillLine line = c.node(i).bills().submit(ClusterBills.one("after-" + i, "MILK-1L")).join().entry().getBill().getLines(0);
                assertThat(line.getUnitPrice()).as("till-" + i).isEqualTo(150);
                assertThat(line.getProductVersion()).isEqualTo(v1);
            }
            // The bill sold before the change keeps the price it was sold at.
            assertThat(c.node(2).bills().bill(StoreState.entryId(before.getOrigin(), before.getSeq())).orElseThrow().getBill().getLines(0).getUnitPrice())
                    .isEqualTo(129);

            // A new product in a tax class whose rate changes in the same update.
            long v2 = hq.publish(List.of(product("TEA", "4000000000055", "Green tea", 300, "standard")),
                    List.of(TaxRate.newBuilder().setTaxClass("standard").setRateBp(2100).build()));
            await().atMost(Duration.ofSeconds(10)).until(() -> allAt(c, v2));
            for (int i = 0; i < 3; i++) {
                BillLine line = c.node(i).bills().submit(ClusterBills.one("tea-" + i, "TEA")).join().entry().getBill().getLines(0);
                assertThat(line.getUnitPrice()).isEqualTo(300);
                assertThat(line.getTaxRateBp()).isEqualTo(2100);
            }

            // 2,500 products in one update: three entries, each far below the frame limit.
            List<Product> many = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                many.add(product(String.format("BULK-%05d", i), "", "Bulk item " + i, 100 + i, "zero"));
            }
            long v3 = hq.publish(many, List.of());
            await().atMost(Duration.ofSeconds(20)).until(() -> allAt(c, v3));
            // A lane is at v3 once the first of its chunks is folded; the other two follow by replication.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.node(i).state().catalogSize()).isEqualTo(TestNodes.CATALOG.size() + 1 + 2_500);
                    assertThat(c.node(i).state().product("BULK-02499").orElseThrow().product().getPrice()).isEqualTo(2_599);
                }
            });
            c.awaitConverged(Duration.ofSeconds(20));
            assertThat(hqCatalogEntries(c.node(0))).isEqualTo(Map.of(v1, 1, v2, 1, v3, 3));

            // A new leader (the old one stopped) pulls the feed again from the highest version held: nothing doubles.
            c.stop(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.node(1).leader().isLeader() && c.node(1).leader().status().uploading());
            // A leader's cycle pulls the catalog before it uploads: once this bill is at HQ, the new leader has pulled.
            Entry marker = c.node(1).bills().submit(ClusterBills.one("marker", "SOAP")).join().entry();
            await().atMost(Duration.ofSeconds(10)).until(() -> hq.vector().get(marker.getOrigin()) >= marker.getSeq());
            c.start(0);
            c.awaitLinked(Duration.ofSeconds(15));
            c.awaitConverged(Duration.ofSeconds(20));
            assertThat(hqCatalogEntries(c.node(0))).isEqualTo(Map.of(v1, 1, v2, 1, v3, 3));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTillWithoutACatalogIsOfflineReadyOnceHqsCatalogArrives() {
        FakeHq hq = FakeHq.start(LeaderTesting.STORE, LeaderTesting.TOKEN);
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, "till-9");
        o.put(ConfigKeys.STORE_ID, LeaderTesting.STORE);
        o.put(ConfigKeys.DATA_DIR, dir.resolve("till-9").toString());
        o.put(ConfigKeys.HTTP_PORT, "0");
        o.put(ConfigKeys.PEER_PORT, "0");
        o.put(ConfigKeys.HQ_URL, hq.url().toString());
        o.put(ConfigKeys.HQ_TOKEN, LeaderTesting.TOKEN);
        try (hq; StoreNode node = StoreNode.start(ConfigLoader.load(Optional.empty(), o))) {
            assertThat(LeaderTesting.status(node).get("offlineReady").asBoolean()).isFalse();
            List<Product> products = new ArrayList<>();
            for (CatalogItem item : TestNodes.CATALOG) {
                products.add(product(item.sku(), item.barcode(), item.name(), item.price(), item.taxClass()).toBuilder()
                        .setUnit(item.unit() == ItemUnit.KG ? Unit.KG : Unit.EACH).build());
            }
            hq.publish(products, List.of(TaxRate.newBuilder().setTaxClass("reduced").setRateBp(500).build(),
                    TaxRate.newBuilder().setTaxClass("standard").setRateBp(2000).build(),
                    TaxRate.newBuilder().setTaxClass("zero").setRateBp(0).build()));
            await().atMost(Duration.ofSeconds(10)).until(() -> LeaderTesting.status(node).get("offlineReady").asBoolean());
            assertThat(node.bills().submit(ClusterBills.one("first", "WINE")).join().entry().getBill().getTotal()).isEqualTo(899);
            // Upload goes on: the catalog entry and the bill reach HQ, so nothing is pending.
            await().atMost(Duration.ofSeconds(10)).until(() -> node.leader().status().pendingEntries() == 0);
            LeaderTesting.assertHqHoldsExactly(hq, node);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPriceChangeArrivesWhileTheStoreBillsNonStop() throws Exception {
        FakeHq hq = FakeHq.start(LeaderTesting.STORE, LeaderTesting.TOKEN);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (hq; StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HQ_URL, hq.url().toString(),
                ConfigKeys.HQ_TOKEN, LeaderTesting.TOKEN)))) {
            // Bills every few milliseconds: the leader uploads all the time and HQ's vector never goes stale.
            Thread lane = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    node.bills().submit(ClusterBills.one("busy-" + i, "BREAD")).join();
                }
            });
            lane.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> hq.entries() > 50);
            long v = hq.publish(List.of(product("BREAD", "4000000000017", "Rye bread", 275, "reduced")), List.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> node.state().catalogVersion() == v);
            stop.set(true);
            lane.join(10_000);
            assertThat(node.bills().submit(ClusterBills.one("after", "BREAD")).join().entry().getBill().getLines(0).getUnitPrice())
                    .isEqualTo(275);
        } finally {
            stop.set(true);
        }
    }

    private static boolean allAt(TestCluster c, long version) {
        for (int i : c.running()) {
            if (c.node(i).state().catalogVersion() != version) {
                return false;
            }
        }
        return true;
    }

    /** HQ version -> catalog entries holding it, over the whole log of {@code node}. */
    private static Map<Long, Integer> hqCatalogEntries(StoreNode node) {
        Map<Long, Integer> out = new HashMap<>();
        VersionVector vv = node.log().versionVector();
        vv.asMap().forEach((origin, top) -> {
            for (long seq = 1; seq <= top; seq++) {
                Entry e = node.log().read(origin, seq).orElseThrow();
                if (e.hasCatalogUpdate() && e.getCatalogUpdate().getSource().equals("hq")) {
                    out.merge(e.getCatalogUpdate().getVersion(), 1, Integer::sum);
                }
            }
        });
        return out;
    }

    static Product product(String sku, String barcode, String name, long price, String taxClass) {
        return Product.newBuilder().setSku(sku).setBarcode(barcode).setName(name).setPrice(price).setTaxClass(taxClass)
                .setUnit(Unit.EACH).setActive(true).build();
    }
}
