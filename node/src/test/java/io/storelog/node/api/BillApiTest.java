package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestNodes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bill API end to end on a real node: pricing checked by hand against docs/pricing.md, stock,
 * sales report, idempotent retries, gapless numbers, refunds, stock writes, digest across restart,
 * catalog search and re-import.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BillApiTest {
    private static final List<String> SKUS = List.of("MILK-1L", "BREAD", "SOAP", "WINE", "BANANA-KG", "STAMP");

    @TempDir
    Path dir;
    private NodeConfig config;
    private StoreNode node;
    private ApiClient api;

    @BeforeEach
    void start() {
        config = TestNodes.till(dir, "till-1", Map.of());
        node = StoreNode.start(config);
        api = new ApiClient(node.httpPort());
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void restart() {
        node.close();
        node = null;
        node = StoreNode.start(config);
        api = new ApiClient(node.httpPort());
    }

    /**
     * The worked cart, computed by hand (docs/pricing.md; store rates reduced 5%, standard 20%, zero 0%):
     *
     * <pre>
     * line              gross                 line disc             after  bill share  net  tax
     * 1 MILK 3 x 129     387                   10%: 38.7 -> 39       348    17          331  331*500/10500 = 15.76 -> 16
     * 2 BANANA .755x199  150.245 -> 150        -                     150    8           142  142*500/10500 =  6.76 ->  7
     * 3 WINE 1 x 899     899                   amount 100            799    40          759  759*2000/12000 = 126.5 -> 127 (half up)
     * 4 STAMP 2 x 95     190                   -                     190    9           181  0
     * 5 BREAD 2 x 249    498                   25%: 124.5 -> 125     373    19          354  354*500/10500 = 16.86 -> 17
     * subtotal 1860; bill discount 5% = 93; split 93*after/1860: floors 17,7,39,9,18 (=90), remainders
     * 744,930,1767,930,1209: the 3 cents left go to line 3, line 5 and (tie 930, earlier line) line 2.
     * total 1767, tax 167; reduced net 827 tax 40, standard 759/127, zero 181/0.
     * card 1000 (ref AUTH-1) leaves 767 due; cash 1000 pays 767, tendered 1000, change 233.
     * </pre>
     */
    private static String workedCart(String clientBillId) {
        return """
                {"clientBillId": "%s",
                 "lines": [
                   {"sku": "MILK-1L", "qty": 3, "discount": {"percent": 10}},
                   {"sku": "BANANA-KG", "qty": 0.755},
                   {"sku": "WINE", "qty": 1, "discount": {"amount": 100}},
                   {"sku": "STAMP", "qty": 2},
                   {"sku": "BREAD", "qty": 2, "discount": {"percent": 25}}],
                 "discount": {"percent": 5},
                 "tenders": [{"type": "card", "amount": 1000, "reference": "AUTH-1"}, {"type": "cash", "amount": 1000}],
                 "cashier": "ann"}
                """.formatted(clientBillId);
    }

    private void receive(String sku, String qty) {
        Response r = api.post("/api/stock/receipts", "{\"sku\":\"" + sku + "\",\"qty\":" + qty + ",\"reason\":\"delivery\"}");
        assertThat(r.status()).as("receipt %s", r).isEqualTo(201);
    }

    private Response simpleBill(String clientBillId, String sku, int qty, String tender) {
        ObjectNode b = ApiClient.object().put("clientBillId", clientBillId);
        b.putArray("lines").addObject().put("sku", sku).put("qty", qty);
        ObjectNode t = b.putArray("tenders").addObject().put("type", tender);
        if (tender.equals("card")) {
            t.put("reference", "AUTH-" + clientBillId.substring(0, 6));
        }
        return api.post("/api/bills", b);
    }

    private static void assertLine(JsonNode line, int no, String sku, String qty, long gross, long lineDiscount,
            long share, long net, long tax) {
        assertThat(line.get("lineNo").asInt()).isEqualTo(no);
        assertThat(line.get("sku").asText()).isEqualTo(sku);
        assertThat(line.get("qty").decimalValue()).isEqualByComparingTo(qty);
        assertThat(line.get("gross").asLong()).as("line %d gross", no).isEqualTo(gross);
        assertThat(line.get("lineDiscount").asLong()).as("line %d discount", no).isEqualTo(lineDiscount);
        assertThat(line.get("billDiscountShare").asLong()).as("line %d bill share", no).isEqualTo(share);
        assertThat(line.get("net").asLong()).as("line %d net", no).isEqualTo(net);
        assertThat(line.get("tax").asLong()).as("line %d tax", no).isEqualTo(tax);
    }

    /** Fields that make up a stored bill; both answers must carry each, with equal values. */
    private static final List<String> BILL_FIELDS = List.of("id", "clientBillId", "number", "receiptNumber", "till",
            "businessDay", "createdAt", "cashier", "customer", "currency", "lines", "billDiscount", "total", "tax",
            "taxes", "tenders", "change", "catalogVersion", "totalText");

    /**
     * The same stored bill in two answers: every bill field equal, and any other field both carry
     * equal too (answers may add their own, e.g. refunds on GET, so only common ones are compared).
     */
    private static void assertSameBill(JsonNode actual, JsonNode expected) {
        for (String f : BILL_FIELDS) {
            assertThat(actual.get(f)).as("field %s", f).isNotNull().isEqualTo(expected.get(f));
        }
        expected.fieldNames().forEachRemaining(f -> {
            if (actual.has(f) && !f.equals("singleLane")) {
                assertThat(actual.get(f)).as("field %s", f).isEqualTo(expected.get(f));
            }
        });
    }

    @Test
    void pricedBillStockReportLookupAndRetry() {
        SKUS.forEach(s -> receive(s, s.equals("BANANA-KG") ? "50" : "100"));
        String cart = UUID.randomUUID().toString();
        long entriesBefore = api.entries();

        Response created = api.post("/api/bills", workedCart(cart));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        JsonNode bill = created.body();
        assertThat(api.entries()).isEqualTo(entriesBefore + 1);

        JsonNode lines = bill.get("lines");
        assertThat(lines).hasSize(5);
        assertLine(lines.get(0), 1, "MILK-1L", "3", 387, 39, 17, 331, 16);
        assertLine(lines.get(1), 2, "BANANA-KG", "0.755", 150, 0, 8, 142, 7);
        assertLine(lines.get(2), 3, "WINE", "1", 899, 100, 40, 759, 127);
        assertLine(lines.get(3), 4, "STAMP", "2", 190, 0, 9, 181, 0);
        assertLine(lines.get(4), 5, "BREAD", "2", 498, 125, 19, 354, 17);
        assertThat(bill.get("billDiscount").asLong()).isEqualTo(93);
        assertThat(bill.get("total").asLong()).isEqualTo(1767);
        assertThat(bill.get("tax").asLong()).isEqualTo(167);
        assertThat(bill.get("change").asLong()).isEqualTo(233);
        assertThat(bill.get("number").asLong()).isEqualTo(1);
        assertThat(bill.get("clientBillId").asText()).isEqualTo(cart);
        assertThat(bill.get("totalText").asText()).isEqualTo("17.67");

        JsonNode taxes = bill.get("taxes");
        assertThat(taxes).hasSize(3);
        assertThat(taxes.get(0).get("taxClass").asText()).isEqualTo("reduced");
        assertThat(taxes.get(0).get("net").asLong()).isEqualTo(827);
        assertThat(taxes.get(0).get("tax").asLong()).isEqualTo(40);
        assertThat(taxes.get(1).get("taxClass").asText()).isEqualTo("standard");
        assertThat(taxes.get(1).get("net").asLong()).isEqualTo(759);
        assertThat(taxes.get(1).get("tax").asLong()).isEqualTo(127);
        assertThat(taxes.get(2).get("taxClass").asText()).isEqualTo("zero");
        assertThat(taxes.get(2).get("net").asLong()).isEqualTo(181);
        assertThat(taxes.get(2).get("tax").asLong()).isEqualTo(0);

        JsonNode tenders = bill.get("tenders");
        assertThat(tenders).hasSize(2);
        assertThat(tenders.get(0).get("type").asText()).isEqualTo("card");
        assertThat(tenders.get(0).get("amount").asLong()).isEqualTo(1000);
        assertThat(tenders.get(0).get("reference").asText()).isEqualTo("AUTH-1");
        assertThat(tenders.get(1).get("type").asText()).isEqualTo("cash");
        assertThat(tenders.get(1).get("amount").asLong()).isEqualTo(767);
        assertThat(tenders.get(1).get("tendered").asLong()).isEqualTo(1000);

        // Stock of each SKU went down by exactly the quantity sold (weighed goods to the gram).
        assertThat(api.onHand("MILK-1L")).isEqualByComparingTo("97");
        assertThat(api.onHand("BANANA-KG")).isEqualByComparingTo("49.245");
        assertThat(api.onHand("WINE")).isEqualByComparingTo("99");
        assertThat(api.onHand("STAMP")).isEqualByComparingTo("98");
        assertThat(api.onHand("BREAD")).isEqualByComparingTo("98");
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("100");

        // A second bill, paid by wallet, so the report has more than one tender to add up.
        Response second = simpleBill(UUID.randomUUID().toString(), "SOAP", 3, "wallet");
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.body().get("total").asLong()).isEqualTo(597);
        assertThat(second.body().get("number").asLong()).isEqualTo(2);

        String day = bill.get("businessDay").asText();
        Response report = api.get("/api/reports/sales?day=" + day);
        assertThat(report.status()).isEqualTo(200);
        JsonNode till = report.body().get("byTill").get("till-1");
        assertThat(till.get("bills").asLong()).isEqualTo(2);
        assertThat(till.get("total").asLong()).isEqualTo(1767 + 597);
        assertThat(till.get("tax").asLong()).isEqualTo(167 + 100); // 597*2000/12000 = 99.5 -> 100
        assertThat(till.get("net").asLong()).isEqualTo(1767 + 597);
        JsonNode byTender = report.body().get("byTender");
        assertThat(byTender.get("card").asLong()).isEqualTo(1000);
        assertThat(byTender.get("cash").asLong()).isEqualTo(767);
        assertThat(byTender.get("wallet").asLong()).isEqualTo(597);
        long tenderSum = 0;
        for (JsonNode v : byTender) {
            tenderSum += v.asLong();
        }
        assertThat(tenderSum).as("tenders add up to the till totals").isEqualTo(report.body().get("total").asLong())
                .isEqualTo(1767 + 597);
        assertThat(report.body().get("bills").asLong()).isEqualTo(2);

        // GET by id answers the same bill.
        String id = bill.get("id").asText();
        Response fetched = api.get("/api/bills/" + id);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body().get("refunds")).isEmpty();
        assertThat(fetched.body().get("voided").asBoolean()).isFalse();
        assertSameBill(fetched.body(), bill);

        // A retry of the same cart answers 200 with the stored bill and writes nothing.
        long entriesAfter = api.entries();
        Response retry = api.post("/api/bills", workedCart(cart));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body().get("id").asText()).isEqualTo(id);
        assertThat(retry.body().get("number").asLong()).isEqualTo(1);
        assertSameBill(retry.body(), bill);
        assertThat(api.entries()).isEqualTo(entriesAfter);
        assertThat(api.onHand("MILK-1L")).isEqualByComparingTo("97");
    }

    @Test
    void twentyConcurrentPostsOfOneCartStoreOneBill() throws Exception {
        String cart = UUID.randomUUID().toString();
        long entriesBefore = api.entries();
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return api.post("/api/bills", workedCart(cart));
                }, pool));
            }
            go.countDown();
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Set<String> ids = new HashSet<>();
        int created = 0;
        for (CompletableFuture<Response> f : answers) {
            Response r = f.join();
            assertThat(r.status()).as("%s", r).isIn(200, 201);
            created += r.status() == 201 ? 1 : 0;
            ids.add(r.body().get("id").asText() + "#" + r.body().get("number").asLong());
        }
        assertThat(created).as("exactly one answer says created").isEqualTo(1);
        assertThat(ids).as("every answer names the same bill").hasSize(1);
        assertThat(api.entries()).isEqualTo(entriesBefore + 1);
        assertThat(api.get("/api/bills").body()).hasSize(1);
        assertThat(node.state().billCount()).isEqualTo(1);
    }

    @Test
    void fiftySequentialBillsAreNumberedOneToFifty() {
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Response r = simpleBill(UUID.randomUUID().toString(), i % 2 == 0 ? "MILK-1L" : "STAMP", 1 + i % 3,
                    i % 3 == 0 ? "card" : "cash");
            assertThat(r.status()).as("%s", r).isEqualTo(201);
            numbers.add(r.body().get("number").asLong());
        }
        assertThat(numbers).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        JsonNode listed = api.get("/api/bills?limit=100").body();
        assertThat(listed).hasSize(50);
        Set<Long> listedNumbers = new HashSet<>();
        listed.forEach(b -> listedNumbers.add(b.get("number").asLong()));
        assertThat(listedNumbers).containsExactlyInAnyOrderElementsOf(numbers);
    }

    @Test
    void partialRefundThenTheRestSumToTheLineNetAndOverRefundIsRefused() {
        receive("BANANA-KG", "10");
        Response created = api.post("/api/bills", workedCart(UUID.randomUUID().toString()));
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asText();
        JsonNode banana = created.body().get("lines").get(1);
        long net = banana.get("net").asLong();
        long tax = banana.get("tax").asLong();
        assertThat(net).isEqualTo(142);
        assertThat(api.onHand("BANANA-KG")).isEqualByComparingTo("9.245");

        Response first = api.post("/api/bills/" + id + "/refund",
                "{\"clientRefundId\":\"r1\",\"lines\":[{\"lineNo\":2,\"qty\":0.3}],\"tender\":\"cash\",\"reason\":\"bruised\"}");
        assertThat(first.status()).as("%s", first).isEqualTo(201);
        // halfUp(142 * 300 / 755) = 56.42 -> 56; tax halfUp(7 * 300 / 755) = 2.78 -> 3
        assertThat(first.body().get("total").asLong()).isEqualTo(56);
        assertThat(first.body().get("tax").asLong()).isEqualTo(3);
        assertThat(api.onHand("BANANA-KG")).isEqualByComparingTo("9.545");

        long entries = api.entries();
        Response over = api.post("/api/bills/" + id + "/refund",
                "{\"clientRefundId\":\"r2\",\"lines\":[{\"lineNo\":2,\"qty\":0.5}],\"tender\":\"cash\"}");
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.code()).isEqualTo("OVER_REFUND");
        assertThat(over.error()).contains("0.5 requested").contains("0.455 left to refund");
        assertThat(api.entries()).isEqualTo(entries);

        Response rest = api.post("/api/bills/" + id + "/refund",
                "{\"clientRefundId\":\"r3\",\"lines\":[{\"lineNo\":2,\"qty\":0.455}],\"tender\":\"cash\"}");
        assertThat(rest.status()).as("%s", rest).isEqualTo(201);
        assertThat(first.body().get("total").asLong() + rest.body().get("total").asLong()).isEqualTo(net);
        assertThat(first.body().get("tax").asLong() + rest.body().get("tax").asLong()).isEqualTo(tax);
        assertThat(api.onHand("BANANA-KG")).isEqualByComparingTo("10");

        // A retried refund (same clientRefundId) answers the refund already stored and writes nothing.
        long afterRest = api.entries();
        Response again = api.post("/api/bills/" + id + "/refund",
                "{\"clientRefundId\":\"r3\",\"lines\":[{\"lineNo\":2,\"qty\":0.455}],\"tender\":\"cash\"}");
        assertThat(again.body().get("id").asText()).isEqualTo(rest.body().get("id").asText());
        assertThat(api.entries()).isEqualTo(afterRest);

        Response nothingLeft = api.post("/api/bills/" + id + "/refund",
                "{\"clientRefundId\":\"r4\",\"lines\":[{\"lineNo\":2,\"qty\":0.001}]}");
        assertThat(nothingLeft.status()).isEqualTo(400);
        assertThat(api.entries()).isEqualTo(afterRest);

        JsonNode stored = api.get("/api/bills/" + id).body();
        long refunded = 0;
        for (JsonNode r : stored.get("refunds")) {
            refunded += r.get("total").asLong();
        }
        assertThat(refunded).isEqualTo(net);
        String day = created.body().get("businessDay").asText();
        JsonNode till = api.get("/api/reports/sales?day=" + day).body().get("byTill").get("till-1");
        assertThat(till.get("refundTotal").asLong()).isEqualTo(net);
        assertThat(till.get("net").asLong()).isEqualTo(1767 - net);
    }

    @Test
    void receiptsAdjustmentsAndCountsMoveStock() {
        assertThat(api.get("/api/stock/SOAP").status()).isEqualTo(200);
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("0");
        receive("SOAP", "10");
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("10");

        Response adj = api.post("/api/stock/adjustments", "{\"sku\":\"SOAP\",\"qty\":-2,\"reason\":\"broken\"}");
        assertThat(adj.status()).isEqualTo(201);
        assertThat(adj.body().get("onHand").decimalValue()).isEqualByComparingTo("8");

        Response sold = simpleBill(UUID.randomUUID().toString(), "SOAP", 1, "cash");
        assertThat(sold.status()).isEqualTo(201);
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("7");

        // The count records what the node saw (7) and what was counted (5): a fixed delta of -2.
        Response count = api.post("/api/stock/counts", "{\"sku\":\"SOAP\",\"counted\":5,\"reason\":\"inventory\"}");
        assertThat(count.status()).isEqualTo(201);
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("5");
        String countId = count.body().get("entry").asText();
        int colon = countId.lastIndexOf(':');
        var entry = node.log().read(countId.substring(0, colon), Long.parseLong(countId.substring(colon + 1))).orElseThrow();
        assertThat(entry.getStockCounted().getSeenMilli()).isEqualTo(7_000);
        assertThat(entry.getStockCounted().getDeltaMilli()).isEqualTo(-2_000);

        // Later movements add to the corrected level; the count is a delta, not "set to 5".
        receive("SOAP", "3");
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("8");
        Response weighed = api.post("/api/stock/adjustments", "{\"sku\":\"BANANA-KG\",\"qty\":1.25,\"reason\":\"found\"}");
        assertThat(weighed.status()).isEqualTo(201);
        assertThat(api.onHand("BANANA-KG")).isEqualByComparingTo("1.25");

        JsonNode all = api.get("/api/stock").body();
        Map<String, BigDecimal> levels = new java.util.TreeMap<>();
        all.forEach(s -> levels.put(s.get("sku").asText(), s.get("onHand").decimalValue()));
        assertThat(levels.get("SOAP")).isEqualByComparingTo("8");
        assertThat(levels.get("BANANA-KG")).isEqualByComparingTo("1.25");

        restart();
        assertThat(api.onHand("SOAP")).isEqualByComparingTo("8");
        assertThat(api.onHand("BANANA-KG")).isEqualByComparingTo("1.25");
        assertThat(api.get("/api/stock/NO-SUCH").status()).isEqualTo(404);
    }

    @Test
    void digestIsStableAcrossRestartAndTheCatalogIsNotImportedTwice() {
        receive("MILK-1L", "20");
        for (int i = 0; i < 5; i++) {
            assertThat(simpleBill(UUID.randomUUID().toString(), "MILK-1L", 1 + i, "cash").status()).isEqualTo(201);
        }
        Response refund = api.post("/api/bills/" + api.get("/api/bills?limit=1").body().get(0).get("id").asText()
                + "/refund", "{}");
        assertThat(refund.status()).as("%s", refund).isEqualTo(201);
        JsonNode before = api.get("/api/state/digest").body();
        long entries = api.entries();
        assertThat(before.get("entries").asLong()).isEqualTo(entries);

        restart();
        JsonNode after = api.get("/api/state/digest").body();
        assertThat(after.get("versionVector")).isEqualTo(before.get("versionVector"));
        assertThat(after.get("entries").asLong()).isEqualTo(entries);
        assertThat(after.get("digest").asText()).isEqualTo(before.get("digest").asText());
        // The catalog file imported at the first start was imported again at restart: nothing added.
        assertThat(api.entries()).isEqualTo(entries);
        assertThat(node.importCatalog(config.node().catalogFile().orElseThrow())).isZero();
        assertThat(api.entries()).isEqualTo(entries);

        // The digest moves with the state, and restarting again agrees once more.
        assertThat(simpleBill(UUID.randomUUID().toString(), "MILK-1L", 1, "cash").status()).isEqualTo(201);
        JsonNode moved = api.get("/api/state/digest").body();
        assertThat(moved.get("digest").asText()).isNotEqualTo(before.get("digest").asText());
        restart();
        assertThat(api.get("/api/state/digest").body()).isEqualTo(moved);
    }

    @Test
    void catalogSearchByNameSkuAndBarcode() {
        JsonNode byName = api.get("/api/catalog?q=milk").body();
        assertThat(byName).hasSize(1);
        assertThat(byName.get(0).get("sku").asText()).isEqualTo("MILK-1L");
        assertThat(byName.get(0).get("price").asLong()).isEqualTo(129);
        assertThat(byName.get(0).get("unit").asText()).isEqualTo("each");
        assertThat(byName.get(0).get("barcode").asText()).isEqualTo("4006381333931");
        assertThat(byName.get(0).get("name").asText()).isEqualTo("Whole milk 1 l");

        JsonNode bySku = api.get("/api/catalog?q=WINE").body();
        assertThat(bySku.get(0).get("sku").asText()).isEqualTo("WINE");

        JsonNode byBarcode = api.get("/api/catalog?q=4000000000017").body();
        assertThat(byBarcode).isNotEmpty();
        assertThat(byBarcode.get(0).get("sku").asText()).isEqualTo("BREAD");

        JsonNode weighed = api.get("/api/catalog?q=banana").body();
        assertThat(weighed.get(0).get("sku").asText()).isEqualTo("BANANA-KG");
        assertThat(weighed.get(0).get("unit").asText()).isEqualTo("kg");

        assertThat(api.get("/api/catalog?q=nothing-like-this").body()).isEmpty();
        assertThat(api.get("/api/catalog?q=").body()).isEmpty();
    }
}
