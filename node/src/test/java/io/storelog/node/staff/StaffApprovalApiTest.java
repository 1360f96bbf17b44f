package io.storelog.node.staff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.NodeConfig;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestNodes;
import io.storelog.node.testing.TestStaff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in and supervisor approvals end to end on one node with staff from a bootstrap file: each
 * approval case is refused (403, nothing written) without a supervisor, with a cashier approving
 * themselves and with a wrong PIN, and records the approver with one; PINs never reach the log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaffApprovalApiTest {
    @TempDir
    Path dir;
    private NodeConfig config;
    private StoreNode node;
    private ApiClient api;

    @BeforeEach
    void start() {
        config = TestNodes.till(dir, "till-1", TestStaff.overrides(dir));
        node = StoreNode.start(config);
        api = new ApiClient(node.httpPort());
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private Response signIn(String cashier, String pin) {
        return api.post("/api/session", ApiClient.object().put("cashier", cashier).put("pin", pin));
    }

    private ApiClient signedIn(String cashier, String pin) {
        Response r = signIn(cashier, pin);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return api.withHeader("X-Cashier-Session", r.body().get("token").asText());
    }

    private static ObjectNode bill(String sku, int qty) {
        ObjectNode b = ApiClient.object().put("clientBillId", UUID.randomUUID().toString());
        b.putArray("lines").addObject().put("sku", sku).put("qty", qty);
        b.putArray("tenders").addObject().put("type", "cash").put("amount", 100_000);
        return b;
    }

    private static ObjectNode approval(String who, String pin) {
        return ApiClient.object().put("supervisor", who).put("pin", pin);
    }

    @Test
    void signInGivesATokenAndTheCashierGoesOnEveryEntry() {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        Response bill = ann.post("/api/bills", bill("MILK-1L", 2));
        assertThat(bill.status()).isEqualTo(201);
        assertThat(bill.body().get("cashier").asText()).isEqualTo(TestStaff.CASHIER);
        String id = bill.body().get("id").asText();
        assertThat(node.bills().bill(id).orElseThrow().getActor()).isEqualTo(TestStaff.CASHIER);
        Response receipt = ann.post("/api/stock/receipts", ApiClient.object().put("sku", "MILK-1L").put("qty", 5).put("reason", "delivery"));
        assertThat(receipt.status()).isEqualTo(201);
        String entry = receipt.body().get("entry").asText();
        int colon = entry.lastIndexOf(':');
        assertThat(node.log().read(entry.substring(0, colon), Long.parseLong(entry.substring(colon + 1))).orElseThrow().getActor())
                .isEqualTo(TestStaff.CASHIER);

        // Without a session the contract's body field still names the cashier.
        Response plain = api.post("/api/bills", bill("MILK-1L", 1).put("cashier", "walk-in"));
        assertThat(plain.body().get("cashier").asText()).isEqualTo("walk-in");

        // A signed-out or made-up token is refused, not silently ignored.
        assertThat(ann.delete("/api/session").status()).isEqualTo(200);
        assertThat(ann.post("/api/bills", bill("MILK-1L", 1)).status()).isEqualTo(401);
        assertThat(api.withHeader("X-Cashier-Session", "forged").post("/api/bills", bill("MILK-1L", 1)).status()).isEqualTo(401);
    }

    @Test
    void wrongPinIsRefusedAndLocksOutAfterTheLimit() {
        Response wrong = signIn(TestStaff.CASHIER, "00000000");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("WRONG_PIN");
        assertThat(signIn("nobody", "12345678").status()).isEqualTo(401);
        assertThat(signIn(TestStaff.CASHIER, "00000001").status()).isEqualTo(401);
        Response third = signIn(TestStaff.CASHIER, "00000002");
        assertThat(third.code()).isEqualTo("LOCKED_OUT");
        // Locked out: even the right PIN is refused until the lock-out ends.
        Response right = signIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        assertThat(right.status()).isEqualTo(401);
        assertThat(right.code()).isEqualTo("LOCKED_OUT");
        // Another member is not affected.
        assertThat(signIn(TestStaff.OTHER_CASHIER, TestStaff.OTHER_CASHIER_PIN).status()).isEqualTo(201);
    }

    @Test
    void voidNeedsASupervisor() {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        String id = ann.post("/api/bills", bill("WINE", 1)).body().get("id").asText();
        String path = "/api/bills/" + id + "/void";
        assertRefusedEveryWay(ann, path, ApiClient.object().put("reason", "customer left"), "void");
        Response ok = ann.post(path, ApiClient.object().put("reason", "customer left")
                .set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("approver").asText()).isEqualTo(TestStaff.SUPERVISOR);
        String voidId = ok.body().get("id").asText();
        int colon = voidId.lastIndexOf(':');
        var entry = node.log().read(voidId.substring(0, colon), Long.parseLong(voidId.substring(colon + 1))).orElseThrow();
        assertThat(entry.getVoid().getApprover()).isEqualTo(TestStaff.SUPERVISOR);
        assertThat(entry.getActor()).isEqualTo(TestStaff.CASHIER);
        assertThat(api.get("/api/bills/" + id).body().get("voided").asBoolean()).isTrue();
        // Voided once: a second void is a conflict and writes nothing.
        long before = api.entries();
        assertThat(ann.post(path, ApiClient.object().set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)))
                .status()).isEqualTo(409);
        assertThat(api.entries()).isEqualTo(before);
    }

    @Test
    void refundNeedsASupervisor() {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        String id = ann.post("/api/bills", bill("SOAP", 2)).body().get("id").asText();
        String path = "/api/bills/" + id + "/refund";
        assertRefusedEveryWay(ann, path, ApiClient.object().put("reason", "broken"), "refund");
        Response ok = ann.post(path, ApiClient.object().put("reason", "broken")
                .set("approval", approval(TestStaff.MANAGER, TestStaff.MANAGER_PIN)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("approver").asText()).isEqualTo(TestStaff.MANAGER);
        assertThat(node.state().refundsOf(id)).singleElement().satisfies(r -> assertThat(r.getApprover()).isEqualTo(TestStaff.MANAGER));
    }

    @Test
    void aLineVoidedBeforePaymentNeedsASupervisorAndIsRecordedUncharged() {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        ObjectNode body = bill("WINE", 1);
        ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("lines")).addObject().put("sku", "BREAD").put("qty", 2)
                .put("void", true).put("reason", "scanned twice");
        assertRefusedEveryWay(ann, "/api/bills", body, "line-void");
        Response ok = ann.post("/api/bills", body.set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("approver").asText()).isEqualTo(TestStaff.SUPERVISOR);
        assertThat(ok.body().get("lines")).hasSize(1);
        assertThat(ok.body().get("total").asLong()).as("the voided bread is not charged").isEqualTo(899);
        JsonNode voided = ok.body().get("voidedLines").get(0);
        assertThat(voided.get("sku").asText()).isEqualTo("BREAD");
        assertThat(voided.get("qty").asInt()).isEqualTo(2);
        assertThat(voided.get("reason").asText()).isEqualTo("scanned twice");
        var stored = node.bills().bill(ok.body().get("id").asText()).orElseThrow().getBill();
        assertThat(stored.getVoidedLinesList()).singleElement().satisfies(v -> assertThat(v.getSku()).isEqualTo("BREAD"));
        assertThat(stored.getApprover()).isEqualTo(TestStaff.SUPERVISOR);
    }

    @Test
    void priceOverrideNeedsASupervisor() {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        ObjectNode body = bill("WINE", 2);
        ((ObjectNode) body.get("lines").get(0)).put("priceOverride", 650);
        assertRefusedEveryWay(ann, "/api/bills", body, "price-override");
        Response ok = ann.post("/api/bills", body.set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("approver").asText()).isEqualTo(TestStaff.SUPERVISOR);
        JsonNode line = ok.body().get("lines").get(0);
        assertThat(line.get("unitPrice").asLong()).isEqualTo(650);
        assertThat(line.get("catalogUnitPrice").asLong()).isEqualTo(899);
        assertThat(ok.body().get("total").asLong()).isEqualTo(1300);
        var stored = node.bills().bill(ok.body().get("id").asText()).orElseThrow().getBill();
        assertThat(stored.getApprover()).isEqualTo(TestStaff.SUPERVISOR);
        assertThat(stored.getLines(0).getPriceOverridden()).isTrue();
    }

    @Test
    void discountAboveTheLimitNeedsASupervisorAndOneAtTheLimitDoesNot() {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        ObjectNode atLimit = bill("WINE", 1);
        ((ObjectNode) atLimit.get("lines").get(0)).putObject("discount").put("percent", 10);
        Response fine = ann.post("/api/bills", atLimit);
        assertThat(fine.status()).as(fine.toString()).isEqualTo(201);
        assertThat(fine.body().get("approver").asText()).isEmpty();

        ObjectNode lineAbove = bill("WINE", 1);
        ((ObjectNode) lineAbove.get("lines").get(0)).putObject("discount").put("amount", 100);
        assertRefusedEveryWay(ann, "/api/bills", lineAbove, "discount");

        ObjectNode billAbove = bill("WINE", 1);
        billAbove.putObject("discount").put("percent", 15);
        assertRefusedEveryWay(ann, "/api/bills", billAbove, "discount");
        Response ok = ann.post("/api/bills", billAbove.set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("approver").asText()).isEqualTo(TestStaff.SUPERVISOR);
    }

    @Test
    void aSupervisorMayApproveTheirOwnChange() {
        ApiClient sue = signedIn(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN);
        String id = sue.post("/api/bills", bill("BREAD", 1)).body().get("id").asText();
        Response ok = sue.post("/api/bills/" + id + "/void", ApiClient.object()
                .set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("cashier").asText()).isEqualTo(TestStaff.SUPERVISOR);
        assertThat(ok.body().get("approver").asText()).isEqualTo(TestStaff.SUPERVISOR);
    }

    @Test
    void pinsNeverReachTheLogAndTheBootstrapImportIsIdempotent() throws IOException {
        ApiClient ann = signedIn(TestStaff.CASHIER, TestStaff.CASHIER_PIN);
        String id = ann.post("/api/bills", bill("WINE", 1)).body().get("id").asText();
        ann.post("/api/bills/" + id + "/void", ApiClient.object().set("approval", approval(TestStaff.SUPERVISOR, TestStaff.SUPERVISOR_PIN)));
        assertThat(api.get("/api/staff").body()).hasSize(4);
        long entries = api.entries();
        node.close();
        node = null;
        node = StoreNode.start(config);
        api = new ApiClient(node.httpPort());
        assertThat(api.entries()).as("re-importing the same staff file adds nothing").isEqualTo(entries);

        byte[] logBytes = logBytes(config.node().dataDir());
        assertThat(logBytes.length).isGreaterThan(0);
        String asText = new String(logBytes, StandardCharsets.ISO_8859_1);
        for (String pin : List.of(TestStaff.CASHIER_PIN, TestStaff.OTHER_CASHIER_PIN, TestStaff.SUPERVISOR_PIN, TestStaff.MANAGER_PIN)) {
            assertThat(asText).doesNotContain(pin);
        }
        // The scan does see text the log holds, so an absent PIN is not an artefact of how it reads.
        assertThat(asText).contains("Sue Supervisor");
    }

    /** Every byte under the data directory: log segments, snapshot, stamp. */
    private static byte[] logBytes(Path dataDir) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.write(Files.readAllBytes(f));
            }
        }
        return out.toByteArray();
    }

    /**
     * Posts {@code body} to {@code path} with no approval, with the cashier approving themselves and
     * with a wrong supervisor PIN: each is a 403 naming the case, and no entry is written.
     */
    private void assertRefusedEveryWay(ApiClient client, String path, ObjectNode body, String needs) {
        long before = api.entries();
        for (ObjectNode approval : java.util.Arrays.asList(null, approval(TestStaff.CASHIER, TestStaff.CASHIER_PIN),
                approval(TestStaff.SUPERVISOR, "11112222"))) {
            ObjectNode b = body.deepCopy();
            if (approval != null) {
                b.set("approval", approval);
            }
            Response r = client.post(path, b);
            assertThat(r.status()).as(r.toString()).isEqualTo(403);
            assertThat(r.error()).contains("needs a supervisor approval: " + needs);
            assertThat(r.body().get("needs").asText()).isEqualTo(needs);
        }
        assertThat(api.entries()).as("nothing written").isEqualTo(before);
    }
}
