package io.storelog.node.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.NodeConfig;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.node.StoreNode;
import io.storelog.node.log.FileLogStorage;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.BillLedger;
import io.storelog.node.testing.FaultyStorage;
import io.storelog.node.testing.TestNodes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under a node's log fills up: bills answer 503 DISK_FULL with a clear message and write
 * nothing, reads keep working, and once space is freed bills go on with the next number; after a
 * restart every acknowledged bill is there and no refused one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiskFullNodeTest {
    private static final BigDecimal OPENING = new BigDecimal("1000");

    @TempDir
    Path dir;

    @Test
    void fullDiskRefusesBillsCleanlyAndBillingGoesOnWhenSpaceIsBack() throws Exception {
        NodeConfig config = TestNodes.till(dir, "till-1", Map.of());
        // A first start stamps the data directory and imports the catalog; then opening stock.
        try (StoreNode first = StoreNode.start(config)) {
            ApiClient api = new ApiClient(first.httpPort());
            for (CatalogItem item : TestNodes.CATALOG) {
                assertThat(api.post("/api/stock/receipts", "{\"sku\":\"" + item.sku() + "\",\"qty\":" + OPENING + "}")
                        .status()).isEqualTo(201);
            }
        }

        BillLedger ledger = new BillLedger();
        Random random = new Random(11);
        List<BillLedger.Sent> refused = new ArrayList<>();
        FaultyStorage disk = new FaultyStorage(new FileLogStorage(config.node().dataDir().resolve("log")));
        try (StoreNode node = StoreNode.start(config, disk)) {
            ApiClient api = new ApiClient(node.httpPort());
            for (int i = 0; i < 3; i++) {
                assertThat(bill(api, ledger, random).status()).isEqualTo(201);
            }

            // Fill the budget: a few more bills fit, then the disk is full.
            disk.setSpaceLeft(1500);
            Response full = null;
            for (int i = 0; i < 100 && full == null; i++) {
                long entries = api.entries();
                BillLedger.Sent s = ledger.newBill(random);
                Response r = api.post("/api/bills", s.json());
                if (r.status() == 201) {
                    ledger.ack(s, r.body().get("id").asText(), r.body().get("number").asLong(), r.body().get("total").asLong());
                } else {
                    full = r;
                    refused.add(s);
                    assertThat(api.entries()).as("a refused bill writes nothing").isEqualTo(entries);
                }
            }
            assertThat(full).as("the disk filled up").isNotNull();
            assertDiskFull(full);
            int ackedBeforeFull = ledger.acked().size();
            assertThat(ackedBeforeFull).as("some bills fitted into the budget").isGreaterThan(3);

            // While full: every write is refused the same way (also many at once), nothing is written,
            // and every read still answers.
            long entries = api.entries();
            String digest = api.get("/api/state/digest").body().get("digest").asText();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<Response>> answers = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    BillLedger.Sent s = ledger.newBill(random);
                    refused.add(s);
                    answers.add(CompletableFuture.supplyAsync(() -> api.post("/api/bills", s.json()), pool));
                }
                for (CompletableFuture<Response> a : answers) {
                    assertDiskFull(a.get(20, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            Response receipt = api.post("/api/stock/receipts", "{\"sku\":\"SOAP\",\"qty\":5}");
            assertDiskFull(receipt);
            assertThat(api.entries()).isEqualTo(entries);
            assertThat(api.get("/api/state/digest").body().get("digest").asText()).isEqualTo(digest);
            BillLedger.Ack someBill = ledger.acked().values().iterator().next();
            assertThat(api.get("/api/status").status()).isEqualTo(200);
            assertThat(api.get("/api/bills/" + someBill.id()).status()).isEqualTo(200);
            assertThat(api.get("/api/bills").status()).isEqualTo(200);
            assertThat(api.get("/api/stock").status()).isEqualTo(200);
            assertThat(api.get("/api/stock/MILK-1L").status()).isEqualTo(200);
            assertThat(api.get("/api/catalog?q=milk").body()).isNotEmpty();
            assertThat(api.get("/api/reports/sales").status()).isEqualTo(200);
            assertThat(api.get("/metrics").raw()).contains("storelog");
            assertStock(api, ledger);

            // Space is back: the next bill gets the next number, and a refused cart can be sent again.
            disk.unlimitedSpace();
            Response next = bill(api, ledger, random);
            assertThat(next.status()).as("%s", next).isEqualTo(201);
            assertThat(next.body().get("number").asLong()).isEqualTo(ackedBeforeFull + 1);
            BillLedger.Sent again = refused.remove(0);
            Response retried = api.post("/api/bills", again.json());
            assertThat(retried.status()).as("a refused cart was never stored: %s", retried).isEqualTo(201);
            ledger.ack(again, retried.body().get("id").asText(), retried.body().get("number").asLong(),
                    retried.body().get("total").asLong());
            for (int i = 0; i < 5; i++) {
                assertThat(bill(api, ledger, random).status()).isEqualTo(201);
            }
            assertGapless(api, ledger);
            assertStock(api, ledger);
        }

        // After a restart on plain files: every acknowledged bill, no refused one, numbers 1..N.
        try (StoreNode node = StoreNode.start(config)) {
            ApiClient api = new ApiClient(node.httpPort());
            for (BillLedger.Ack a : ledger.acked().values()) {
                Response r = api.get("/api/bills/" + a.id());
                assertThat(r.status()).as("acknowledged %s after restart", a.id()).isEqualTo(200);
                assertThat(r.body().get("number").asLong()).isEqualTo(a.number());
                assertThat(r.body().get("total").asLong()).isEqualTo(a.total());
            }
            for (BillLedger.Sent s : refused) {
                assertThat(node.state().billByClientId(s.clientBillId())).as("refused %s", s.clientBillId()).isEmpty();
            }
            assertGapless(api, ledger);
            assertStock(api, ledger);
            assertThat(bill(api, ledger, random).body().get("number").asLong()).isEqualTo(ledger.acked().size());
        }
    }

    private static Response bill(ApiClient api, BillLedger ledger, Random random) {
        BillLedger.Sent s = ledger.newBill(random);
        Response r = api.post("/api/bills", s.json());
        if (r.status() == 201) {
            ledger.ack(s, r.body().get("id").asText(), r.body().get("number").asLong(), r.body().get("total").asLong());
        }
        return r;
    }

    private static void assertDiskFull(Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(503);
        assertThat(r.code()).isEqualTo("DISK_FULL");
        assertThat(r.error()).containsIgnoringCase("no space left on device");
    }

    private static void assertGapless(ApiClient api, BillLedger ledger) {
        List<Long> numbers = new ArrayList<>();
        api.get("/api/bills?limit=10000").body().forEach(b -> numbers.add(b.get("number").asLong()));
        numbers.sort(null);
        assertThat(numbers).isEqualTo(LongStream.rangeClosed(1, ledger.acked().size()).boxed().toList());
    }

    private static void assertStock(ApiClient api, BillLedger ledger) {
        Map<String, Long> sold = ledger.soldMilli(ledger.acked().keySet());
        for (CatalogItem item : TestNodes.CATALOG) {
            assertThat(api.onHand(item.sku())).as("stock of %s", item.sku())
                    .isEqualByComparingTo(OPENING.subtract(BigDecimal.valueOf(sold.getOrDefault(item.sku(), 0L), 3)));
        }
    }
}
