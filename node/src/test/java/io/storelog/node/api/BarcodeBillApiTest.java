package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.InStoreCatalog;
import io.storelog.node.testing.TestNodes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bills by barcode and cash rounding through the HTTP API of a real node (CHF, 0.05 cash rounding). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BarcodeBillApiTest {
    @TempDir
    Path dir;
    private StoreNode node;
    private ApiClient api;

    @BeforeEach
    void start() {
        node = StoreNode.start(TestNodes.till(dir, "till-1", InStoreCatalog.swissTill(dir)));
        api = new ApiClient(node.httpPort());
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void linesByBarcodeAreWeighedLabelledAndMultiplied() {
        ObjectNode body = cart();
        ArrayNode lines = body.putArray("lines");
        lines.addObject().put("barcode", InStoreCatalog.OLIVES_755G);
        lines.addObject().put("barcode", InStoreCatalog.TRAY_499);
        lines.addObject().put("barcode", "3*4006381333931");
        lines.addObject().put("barcode", "4006381333931").put("qty", 2);
        lines.addObject().put("sku", "BREAD").put("qty", 1);
        body.putArray("tenders").addObject().put("type", "card").put("reference", "AUTH-9");

        Response r = api.post("/api/bills", body);

        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        JsonNode l = r.body().get("lines");
        // 0.755 kg x 10.29/kg = 7.76895 -> 7.77, half up in exact integers
        assertThat(l.get(0).get("sku").asText()).isEqualTo("OLIVES-KG");
        assertThat(l.get(0).get("qty").decimalValue()).isEqualByComparingTo("0.755");
        assertThat(l.get(0).get("gross").asLong()).isEqualTo(777);
        assertThat(l.get(0).get("barcode").asText()).isEqualTo(InStoreCatalog.OLIVES_755G);
        assertThat(l.get(0).get("priceEmbedded").asBoolean()).isFalse();
        // the label's price, not the catalog's 6.99
        assertThat(l.get(1).get("sku").asText()).isEqualTo("TRAY");
        assertThat(l.get(1).get("gross").asLong()).isEqualTo(499);
        assertThat(l.get(1).get("unitPrice").asLong()).isEqualTo(499);
        assertThat(l.get(1).get("priceEmbedded").asBoolean()).isTrue();
        assertThat(l.get(2).get("qty").decimalValue()).isEqualByComparingTo("3");
        assertThat(l.get(2).get("gross").asLong()).isEqualTo(3 * 129);
        assertThat(l.get(3).get("qty").decimalValue()).isEqualByComparingTo("2");
        assertThat(l.get(4).has("barcode")).isFalse();
        assertThat(r.body().get("total").asLong()).isEqualTo(777 + 499 + 387 + 258 + 249);
        assertThat(api.onHand("OLIVES-KG")).isEqualByComparingTo(new BigDecimal("-0.755"));
        assertThat(api.onHand("MILK-1L")).isEqualByComparingTo(new BigDecimal("-5"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "4006381333932 |     | has check digit 2 but EAN-13 400638133393 needs 1",
        "2290001704993 |     | price check digit 7",
        "4000000000013 |     | names no product",
        "2100001307554 | 2   | scan each pack",
        "0*4006381333931 |   | multiplier 0",
    })
    void aBadBarcodeAnswers400NamingItAndWritesNothing(String barcode, String qty, String problem) {
        long entries = api.entries();
        ObjectNode body = cart();
        ArrayNode lines = body.putArray("lines");
        lines.addObject().put("sku", "BREAD").put("qty", 1);
        ObjectNode scanned = lines.addObject().put("barcode", barcode);
        if (qty != null) {
            scanned.put("qty", Integer.parseInt(qty));
        }

        Response r = api.post("/api/bills", body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("line 2").contains(barcode.substring(barcode.indexOf('*') + 1)).contains(problem);
        assertThat(api.entries()).isEqualTo(entries);
    }

    @Test
    void skuAndBarcodeOnOneLineIsRefused() {
        ObjectNode body = cart();
        body.putArray("lines").addObject().put("sku", "BREAD").put("barcode", "4006381333931");

        Response r = api.post("/api/bills", body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("lines[0].sku and lines[0].barcode");
    }

    @Test
    void catalogSearchResolvesInStoreCodesWithWeightOrPrice() {
        JsonNode weighed = api.get("/api/catalog?q=" + InStoreCatalog.OLIVES_755G).body();
        JsonNode labelled = api.get("/api/catalog?q=" + InStoreCatalog.TRAY_499).body();
        JsonNode upc = api.get("/api/catalog?q=4006381333931").body();

        assertThat(weighed.get(0).get("sku").asText()).isEqualTo("OLIVES-KG");
        assertThat(weighed.get(0).get("scanned").get("kind").asText()).isEqualTo("weight");
        assertThat(weighed.get(0).get("scanned").get("weight").decimalValue()).isEqualByComparingTo("0.755");
        assertThat(weighed.get(0).get("scanned").get("gross").asLong()).isEqualTo(777);
        assertThat(labelled.get(0).get("sku").asText()).isEqualTo("TRAY");
        assertThat(labelled.get(0).get("scanned").get("embeddedPrice").asLong()).isEqualTo(499);
        assertThat(upc.get(0).get("sku").asText()).isEqualTo("MILK-1L");
        assertThat(upc).hasSize(1);
    }

    /**
     * Cash rounding end to end: bills of 1.29 x n settled in cash, by card and split; a cash refund of a
     * rounded bill; then the sales report's cash tenders plus its cash rounding equal the cash the drawer
     * actually took (handed over less change, less cash paid out for refunds).
     */
    @Test
    void cashRoundingAddsUpInTheSalesReport() {
        JsonNode cash = bill(1, cashTender(null));            // 1.29 -> 1.30 (+1)
        JsonNode cashOver = bill(2, cashTender(500L));        // 2.58 -> 2.60 (+2), change 2.40
        JsonNode card = bill(3, cardTender(null));            // 3.87 exact
        JsonNode split = bill(4, cardTender(100L), cashTender(null)); // 5.16: card 1.00, cash 4.16 -> 4.15 (-1)

        assertThat(cash.get("cashRounding").asLong()).isEqualTo(1);
        assertThat(cashOver.get("cashRounding").asLong()).isEqualTo(2);
        assertThat(cashOver.get("change").asLong()).isEqualTo(240);
        assertThat(card.get("cashRounding").asLong()).isZero();
        assertThat(split.get("cashRounding").asLong()).isEqualTo(-1);
        assertThat(split.get("tenders").get(1).get("tendered").asLong()).isEqualTo(415);

        // refund one of the two milks of the 2.58 bill in cash: 1.29 pays out 1.30
        ObjectNode refund = ApiClient.object().put("clientRefundId", UUID.randomUUID().toString()).put("tender", "cash");
        refund.putArray("lines").addObject().put("lineNo", 1).put("qty", 1);
        Response rf = api.post("/api/bills/" + cashOver.get("id").asText() + "/refund", refund);
        assertThat(rf.status()).as(rf.raw()).isEqualTo(201);
        assertThat(rf.body().get("total").asLong()).isEqualTo(129);
        assertThat(rf.body().get("cashRounding").asLong()).isEqualTo(1);

        JsonNode sales = api.get("/api/reports/sales").body();
        long drawer = 0;
        for (JsonNode b : new JsonNode[] {cash, cashOver, card, split}) {
            for (JsonNode t : b.get("tenders")) {
                if (t.get("type").asText().equals("cash")) {
                    drawer += t.get("tendered").asLong();
                }
            }
            drawer -= b.get("change").asLong();
        }
        drawer -= 129 + 1;
        assertThat(sales.get("cashRounding").asLong()).isEqualTo(1 + 2 - 1 - 1);
        assertThat(sales.get("byTill").get("till-1").get("cashRounding").asLong()).isEqualTo(1);
        assertThat(sales.get("byTender").get("cash").asLong() + sales.get("cashRounding").asLong()).isEqualTo(drawer);
        // the tenders still sum to the sales total: rounding is its own figure, not hidden in a tender
        long tenders = 0;
        for (JsonNode t : sales.get("byTender")) {
            tenders += t.asLong();
        }
        assertThat(tenders).isEqualTo(sales.get("total").asLong());
    }

    @Test
    void refundingAllOfACashRoundedBillInCashPaysBackWhatTheCashPaid() {
        JsonNode sale = bill(3, cashTender(1000L)); // 3.87 -> 3.85 in cash (-2), change 6.15
        long cashPaid = sale.get("tenders").get(0).get("tendered").asLong() - sale.get("change").asLong();

        Response rf = api.post("/api/bills/" + sale.get("id").asText() + "/refund",
                ApiClient.object().put("clientRefundId", UUID.randomUUID().toString()).put("tender", "cash"));
        Response byCard = api.post("/api/bills/" + bill(3, cashTender(null)).get("id").asText() + "/refund",
                ApiClient.object().put("clientRefundId", UUID.randomUUID().toString()).put("tender", "card"));

        assertThat(cashPaid).isEqualTo(385);
        assertThat(rf.body().get("total").asLong()).isEqualTo(387);
        assertThat(rf.body().get("total").asLong() + rf.body().get("cashRounding").asLong()).isEqualTo(cashPaid);
        // a card refund pays exactly
        assertThat(byCard.body().get("cashRounding").asLong()).isZero();
    }

    private JsonNode bill(int milks, ObjectNode... tenders) {
        ObjectNode body = cart();
        body.putArray("lines").addObject().put("sku", "MILK-1L").put("qty", milks);
        ArrayNode t = body.putArray("tenders");
        for (ObjectNode tender : tenders) {
            t.add(tender);
        }
        Response r = api.post("/api/bills", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body();
    }

    private static ObjectNode cashTender(Long amount) {
        ObjectNode t = ApiClient.object().put("type", "cash");
        return amount == null ? t : t.put("amount", amount);
    }

    private static ObjectNode cardTender(Long amount) {
        ObjectNode t = ApiClient.object().put("type", "card").put("reference", "AUTH-1");
        return amount == null ? t : t.put("amount", amount);
    }

    private static ObjectNode cart() {
        return ApiClient.object().put("clientBillId", UUID.randomUUID().toString());
    }
}
