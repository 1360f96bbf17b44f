package io.storelog.node.shift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestStaff;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane's shift with bills, a refund, a void and cash paid in and out, part of it taken while the
 * lane was cut off from the store server: once healed, the server's X report equals the sum of every
 * bill and movement of the shift; the close answers over/short per tender; the Z report equals the
 * same sum on both nodes, and a later Z never changes an earlier one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShiftReportPartitionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SERVER = 0;
    private static final int LANE = 1;

    @TempDir
    Path dir;

    /** What the test itself adds up from the API's answers, independently of the report code. */
    private static final class Ledger {
        long bills;
        long salesTotal;
        long refundTotal;
        long voidTotal;
        long cashTendered;
        long change;
        long paidIn;
        long paidOut;
        long openingFloat;
        final Map<String, Long> expected = new TreeMap<>(Map.of("cash", 0L));

        void bill(JsonNode b) {
            bills++;
            salesTotal += b.get("total").asLong();
            change += b.get("change").asLong();
            for (JsonNode t : b.get("tenders")) {
                expected.merge(t.get("type").asText(), t.get("amount").asLong(), Long::sum);
                if (t.get("type").asText().equals("cash")) {
                    cashTendered += t.get("tendered").asLong();
                }
            }
        }

        void refund(JsonNode r) {
            refundTotal += r.get("total").asLong();
            for (JsonNode t : r.get("tenders")) {
                expected.merge(t.get("type").asText(), -t.get("amount").asLong(), Long::sum);
            }
        }

        void voided(JsonNode bill) {
            voidTotal += bill.get("total").asLong();
            for (JsonNode t : bill.get("tenders")) {
                expected.merge(t.get("type").asText(), -t.get("amount").asLong(), Long::sum);
            }
        }

        /** Cash the drawer should hold: float + cash handed over - change - cash refunds/voids + paid in - paid out. */
        long expectedCash(Map<String, Long> cashRefundsAndVoids) {
            return openingFloat + cashTendered - change - cashRefundsAndVoids.getOrDefault("cash", 0L) + paidIn - paidOut;
        }

        void assertMatches(JsonNode figures) {
            assertThat(figures.get("bills").asLong()).isEqualTo(bills);
            assertThat(figures.get("salesTotal").asLong()).isEqualTo(salesTotal);
            assertThat(figures.get("refundTotal").asLong()).isEqualTo(refundTotal);
            assertThat(figures.get("voidTotal").asLong()).isEqualTo(voidTotal);
            assertThat(figures.get("cashTendered").asLong()).isEqualTo(cashTendered);
            assertThat(figures.get("change").asLong()).isEqualTo(change);
            assertThat(figures.get("paidIn").asLong()).isEqualTo(paidIn);
            assertThat(figures.get("paidOut").asLong()).isEqualTo(paidOut);
            assertThat(figures.get("openingFloat").asLong()).isEqualTo(openingFloat);
            Map<String, Long> exp = new TreeMap<>(expected);
            exp.merge("cash", openingFloat + paidIn - paidOut, Long::sum);
            Map<String, Long> got = new TreeMap<>();
            figures.get("expected").fields().forEachRemaining(f -> got.put(f.getKey(), f.getValue().asLong()));
            assertThat(got).isEqualTo(exp);
        }
    }

    private static ObjectNode bill(String sku, int qty, ObjectNode... tenders) {
        ObjectNode b = ApiClient.object().put("clientBillId", UUID.randomUUID().toString());
        b.putArray("lines").addObject().put("sku", sku).put("qty", qty);
        var arr = b.putArray("tenders");
        for (ObjectNode t : tenders) {
            arr.add(t);
        }
        return b;
    }

    private static ObjectNode tender(String type, Long amount) {
        ObjectNode t = ApiClient.object().put("type", type);
        if (amount != null) {
            t.put("amount", amount);
        }
        if (type.equals("card")) {
            t.put("reference", "AUTH-" + UUID.randomUUID().toString().substring(0, 6));
        }
        return t;
    }

    private static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isIn(200, 201);
        return r.body();
    }

    private static ObjectNode supervisor() {
        return ApiClient.object().put("supervisor", TestStaff.SUPERVISOR).put("pin", TestStaff.SUPERVISOR_PIN);
    }

    @Test
    void reportsEqualTheSumOfTheShiftAlsoWhenPartOfItArrivedLate() {
        TestCluster.Builder b = TestCluster.builder(dir).nodes(2).ackTimeoutMs(100);
        TestStaff.overrides(dir).forEach(b::override);
        try (TestCluster cluster = b.start()) {
            cluster.awaitLinked(WAIT);
            String token = created(cluster.api(LANE).post("/api/session",
                    ApiClient.object().put("cashier", TestStaff.CASHIER).put("pin", TestStaff.CASHIER_PIN))).get("token").asText();
            ApiClient lane = cluster.api(LANE).withHeader("X-Cashier-Session", token);
            Ledger ledger = new Ledger();

            JsonNode shift = created(lane.post("/api/shifts", ApiClient.object().put("openingFloat", 10_000)));
            String shiftId = shift.get("shiftId").asText();
            assertThat(shift.get("cashier").asText()).isEqualTo(TestStaff.CASHIER);
            ledger.openingFloat = 10_000;
            assertThat(lane.post("/api/shifts", ApiClient.object().put("openingFloat", 1)).status())
                    .as("one open shift per lane").isEqualTo(409);

            JsonNode b1 = created(lane.post("/api/bills", bill("MILK-1L", 2, tender("cash", 1_000L))));
            ledger.bill(b1);
            JsonNode b2 = created(lane.post("/api/bills", bill("WINE", 1, tender("card", null))));
            ledger.bill(b2);
            created(lane.post("/api/shifts/" + shiftId + "/cash-movements",
                    ApiClient.object().put("type", "paid-in").put("amount", 500).put("reason", "change from the safe")));
            ledger.paidIn += 500;
            cluster.awaitConverged(WAIT);

            cluster.partition(SERVER, LANE);
            JsonNode b3 = created(lane.post("/api/bills", bill("BREAD", 3, tender("cash", null))));
            ledger.bill(b3);
            JsonNode b4 = created(lane.post("/api/bills", bill("SOAP", 2, tender("card", 100L), tender("cash", 500L))));
            ledger.bill(b4);
            JsonNode refund = created(lane.post("/api/bills/" + b1.get("id").asText() + "/refund", ApiClient.object()
                    .put("reason", "sour").put("tender", "cash").set("approval", supervisor())));
            ledger.refund(refund);
            created(lane.post("/api/bills/" + b2.get("id").asText() + "/void",
                    ApiClient.object().put("reason", "wrong item").set("approval", supervisor())));
            ledger.voided(b2);
            created(lane.post("/api/shifts/" + shiftId + "/cash-movements",
                    ApiClient.object().put("type", "paid-out").put("amount", 300).put("reason", "window cleaner")));
            ledger.paidOut += 300;

            // The lane already adds it all up; the server, cut off, knows only the first part.
            ledger.assertMatches(lane.get("/api/shifts/" + shiftId + "/x-report").body().get("figures"));
            JsonNode serverBefore = cluster.api(SERVER).get("/api/shifts/" + shiftId + "/x-report").body();
            assertThat(serverBefore.get("figures").get("bills").asLong()).isEqualTo(2);

            cluster.heal(SERVER, LANE);
            cluster.awaitConverged(WAIT);
            JsonNode serverX = cluster.api(SERVER).get("/api/shifts/" + shiftId + "/x-report").body();
            ledger.assertMatches(serverX.get("figures"));

            // Close: count 100 more cash than expected and exactly the card total.
            long cash = ledger.expected.get("cash") + ledger.openingFloat + ledger.paidIn - ledger.paidOut;
            assertThat(cash).isEqualTo(ledger.expectedCash(Map.of("cash", cashRefundsAndVoids(refund, b2))));
            long card = ledger.expected.get("card");
            JsonNode closed = created(lane.post("/api/shifts/" + shiftId + "/close",
                    ApiClient.object().set("counted", ApiClient.object().put("cash", cash + 100).put("card", card))));
            assertThat(closed.get("open").asBoolean()).isFalse();
            assertThat(closed.get("tenders").get("cash").get("expected").asLong()).isEqualTo(cash);
            assertThat(closed.get("tenders").get("cash").get("overShort").asLong()).isEqualTo(100);
            assertThat(closed.get("tenders").get("card").get("overShort").asLong()).isZero();
            assertThat(lane.post("/api/shifts/" + shiftId + "/cash-movements",
                    ApiClient.object().put("type", "paid-in").put("amount", 1).put("reason", "late")).status()).isEqualTo(409);

            // Day end at the lane; the server may not number the lane's Z.
            assertThat(cluster.api(SERVER).post("/api/reports/z", ApiClient.object().put("till", cluster.name(LANE))).status())
                    .isEqualTo(400);
            JsonNode z1 = created(lane.post("/api/reports/z", ApiClient.object()));
            assertThat(z1.get("number").asLong()).isEqualTo(1);
            ledger.assertMatches(z1.get("figures"));
            cluster.awaitConverged(WAIT);
            String z1Path = "/api/reports/z/" + cluster.name(LANE) + "/1";
            JsonNode z1AtServer = cluster.api(SERVER).get(z1Path).body();
            assertThat(z1AtServer).isEqualTo(z1);

            // The next day: one more bill, taken while cut off again; Z 2 holds it alone, Z 1 is unchanged.
            cluster.partition(SERVER, LANE);
            JsonNode late = created(lane.post("/api/bills", bill("STAMP", 1, tender("cash", null))));
            JsonNode z2 = created(lane.post("/api/reports/z", ApiClient.object()));
            assertThat(z2.get("number").asLong()).isEqualTo(2);
            assertThat(z2.get("figures").get("bills").asLong()).isEqualTo(1);
            assertThat(z2.get("figures").get("salesTotal").asLong()).isEqualTo(late.get("total").asLong());
            cluster.heal(SERVER, LANE);
            cluster.awaitConverged(WAIT);
            for (int i : new int[] {SERVER, LANE}) {
                ApiClient api = cluster.api(i);
                await().atMost(WAIT).untilAsserted(() -> assertThat(api.get("/api/reports/z/" + cluster.name(LANE) + "/2").status())
                        .isEqualTo(200));
                assertThat(api.get(z1Path).body()).isEqualTo(z1);
                assertThat(api.get("/api/reports/z/" + cluster.name(LANE) + "/2").body()).isEqualTo(z2);
            }
        }
    }

    private static long cashRefundsAndVoids(JsonNode refund, JsonNode voidedBill) {
        long sum = 0;
        for (JsonNode t : refund.get("tenders")) {
            sum += t.get("type").asText().equals("cash") ? t.get("amount").asLong() : 0;
        }
        for (JsonNode t : voidedBill.get("tenders")) {
            sum += t.get("type").asText().equals("cash") ? t.get("amount").asLong() : 0;
        }
        return sum;
    }
}
