package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestNodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input answers 400 with an error naming the problem, writes nothing, and leaves the
 * node taking bills; the API token guards every call but GET /api/status.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final int MAX_BODY = 4096;
    private static final String CASH = "\"tenders\":[{\"type\":\"cash\"}]";

    @TempDir
    static Path dir;
    private static StoreNode node;
    private static ApiClient api;
    private static String billId;

    @BeforeAll
    static void start() {
        node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.HTTP_MAX_BODY_BYTES, String.valueOf(MAX_BODY))));
        api = new ApiClient(node.httpPort()).withTimeout(java.time.Duration.ofSeconds(5));
        Response sold = api.post("/api/bills", bill("{\"sku\":\"MILK-1L\",\"qty\":2}", CASH));
        assertThat(sold.status()).isEqualTo(201);
        billId = sold.body().get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String bill(String line, String tenders) {
        return "{\"clientBillId\":\"" + UUID.randomUUID() + "\",\"lines\":[" + line + "]," + tenders + "}";
    }

    /** One bad request: where it goes, what it sends, and a word the error must contain. */
    record Bad(String name, String path, String contentType, String body, String keyword) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badRequests() {
        String oversized = "{\"clientBillId\":\"" + UUID.randomUUID() + "\",\"customer\":\"" + "x".repeat(MAX_BODY)
                + "\",\"lines\":[{\"sku\":\"MILK-1L\",\"qty\":1}]," + CASH + "}";
        return Stream.of(
                new Bad("unknown SKU", "/api/bills", "application/json",
                        bill("{\"sku\":\"NO-SUCH-SKU\",\"qty\":1}", CASH), "unknown SKU NO-SUCH-SKU"),
                new Bad("short tender", "/api/bills", "application/json",
                        bill("{\"sku\":\"WINE\",\"qty\":1}", "\"tenders\":[{\"type\":\"cash\",\"amount\":500}]"),
                        "399 still due"),
                new Bad("no tender at all", "/api/bills", "application/json",
                        "{\"clientBillId\":\"" + UUID.randomUUID() + "\",\"lines\":[{\"sku\":\"WINE\",\"qty\":1}]}",
                        "899 still due"),
                new Bad("negative quantity", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":-1}", CASH), "must be positive"),
                new Bad("zero quantity", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":0}", CASH), "must be positive"),
                new Bad("non-whole quantity of a piece item", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1.5}", CASH), "not whole"),
                new Bad("more than three decimals", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":0.7555}", CASH), "more than 3 decimal places"),
                new Bad("card without reference", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1}", "\"tenders\":[{\"type\":\"card\"}]"), "reference"),
                new Bad("card over what is due", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1}", "\"tenders\":[{\"type\":\"card\",\"amount\":5000,\"reference\":\"A1\"}]"),
                        "only cash gives change"),
                new Bad("unknown tender type", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1}", "\"tenders\":[{\"type\":\"cheque\"}]"), "cheque"),
                new Bad("discount over 100%", "/api/bills", "application/json",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1,\"discount\":{\"percent\":150}}", CASH), "percent"),
                new Bad("malformed JSON", "/api/bills", "application/json",
                        "{\"clientBillId\": \"abc\", \"lines\": [", "malformed JSON"),
                new Bad("JSON array instead of object", "/api/bills", "application/json",
                        "[{\"sku\":\"MILK-1L\",\"qty\":1}]", "must be a JSON object"),
                new Bad("empty body", "/api/bills", "application/json", "", "empty"),
                new Bad("missing clientBillId", "/api/bills", "application/json",
                        "{\"lines\":[{\"sku\":\"MILK-1L\",\"qty\":1}]," + CASH + "}", "clientBillId"),
                new Bad("blank clientBillId", "/api/bills", "application/json",
                        "{\"clientBillId\":\"  \",\"lines\":[{\"sku\":\"MILK-1L\",\"qty\":1}]," + CASH + "}", "clientBillId"),
                new Bad("missing lines", "/api/bills", "application/json",
                        "{\"clientBillId\":\"" + UUID.randomUUID() + "\"," + CASH + "}", "lines"),
                new Bad("empty lines", "/api/bills", "application/json",
                        "{\"clientBillId\":\"" + UUID.randomUUID() + "\",\"lines\":[]," + CASH + "}", "lines"),
                new Bad("wrong Content-Type", "/api/bills", "text/plain",
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1}", CASH), "Content-Type"),
                new Bad("no Content-Type", "/api/bills", null,
                        bill("{\"sku\":\"MILK-1L\",\"qty\":1}", CASH), "Content-Type"),
                new Bad("oversized body", "/api/bills", "application/json", oversized, "exceeds the limit of 4096 bytes"),
                new Bad("refund of more than sold", "/api/bills/{bill}/refund", "application/json",
                        "{\"lines\":[{\"lineNo\":1,\"qty\":3}]}", "3 requested, 2 left to refund"),
                new Bad("refund of a line the bill lacks", "/api/bills/{bill}/refund", "application/json",
                        "{\"lines\":[{\"lineNo\":7,\"qty\":1}]}", "no such line"),
                new Bad("quantity 1e400", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":1e400}", CASH), "out of range"),
                new Bad("quantity of 60 digits", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":" + "9".repeat(60) + "}", CASH), "Number value length"),
                new Bad("quantity 1e999999999", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":1e999999999}", CASH), "out of range"),
                new Bad("quantity 1e-999999999", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":1e-999999999}", CASH), "decimal places"),
                new Bad("quantity of 20 digits", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":" + "9".repeat(20) + "}", CASH), "out of range"),
                new Bad("amounts too large to price", "/api/bills", "application/json",
                        bill("{\"sku\":\"WINE\",\"qty\":9000000000000000},{\"sku\":\"WINE\",\"qty\":9000000000000000}", CASH),
                        "too large to price"),
                new Bad("quantity as text that is no number", "/api/bills", "application/json",
                        bill("{\"sku\":\"BANANA-KG\",\"qty\":\"lots\"}", CASH), "not a number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsRefusedWithNothingWritten(Bad bad) throws Exception {
        long entries = api.entries();
        String path = bad.path().replace("{bill}", billId);
        Response r = api.post(path, bad.contentType(), bad.body().getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.body()).as("a JSON error body: %s", r).isNotNull();
        assertThat(r.error()).as("the error names the problem").containsIgnoringCase(bad.keyword());
        assertThat(r.error().length()).as("a short, readable message").isLessThan(400);
        assertThat(api.entries()).as("nothing was written").isEqualTo(entries);

        Response valid = api.post("/api/bills", bill("{\"sku\":\"STAMP\",\"qty\":1}", CASH));
        assertThat(valid.status()).as("the node still takes bills: %s", valid).isEqualTo(201);
        assertThat(api.entries()).isEqualTo(entries + 1);
    }

    /**
     * Quantities that parse and price but are absurd: each answer is 201 or 400, whatever was answered
     * 201 is in the state, and the node still restarts on its log with the same digest (a fold that
     * throws on a durable entry would leave it unapplied and make every later start fail).
     */
    @Test
    void absurdQuantitiesNeverBrickTheNode(@TempDir Path own) {
        var config = TestNodes.till(own, "till-2", Map.of());
        String digest;
        long entries;
        try (StoreNode n = StoreNode.start(config)) {
            ApiClient c = new ApiClient(n.httpPort());
            String huge = "9000000000000000";
            String[][] writes = {
                {"/api/stock/receipts", "{\"sku\":\"SOAP\",\"qty\":" + huge + "}"},
                {"/api/stock/receipts", "{\"sku\":\"SOAP\",\"qty\":" + huge + "}"},
                {"/api/stock/adjustments", "{\"sku\":\"SOAP\",\"qty\":" + huge + "}"},
                {"/api/bills", bill("{\"sku\":\"STAMP\",\"qty\":" + huge + "}", CASH)},
                {"/api/bills", bill("{\"sku\":\"STAMP\",\"qty\":" + huge + "}", CASH)},
                {"/api/bills", bill("{\"sku\":\"STAMP\",\"qty\":" + huge + "}", CASH)},
            };
            for (String[] w : writes) {
                long before = c.entries();
                Response r = c.post(w[0], w[1]);
                assertThat(r.status()).as("%s -> %s", w[0], r).isIn(201, 400);
                assertThat(c.entries()).isEqualTo(before + (r.status() == 201 ? 1 : 0));
                if (r.status() == 201 && w[0].equals("/api/bills")) {
                    assertThat(c.get("/api/bills/" + r.body().get("id").asText()).status())
                            .as("an acknowledged bill is in the state").isEqualTo(200);
                }
            }
            assertThat(c.get("/api/stock/SOAP").status()).isEqualTo(200);
            assertThat(c.get("/api/reports/sales").status()).isEqualTo(200);
            digest = c.get("/api/state/digest").body().get("digest").asText();
            entries = c.entries();
        }
        try (StoreNode again = StoreNode.start(config)) {
            ApiClient c = new ApiClient(again.httpPort());
            assertThat(c.entries()).isEqualTo(entries);
            assertThat(c.get("/api/state/digest").body().get("digest").asText()).isEqualTo(digest);
        }
    }

    @Test
    void apiTokenGuardsEverythingButStatus(@TempDir Path tokenDir) throws Exception {
        try (StoreNode guarded = StoreNode.start(TestNodes.till(tokenDir, "till-9",
                Map.of(ConfigKeys.HTTP_API_TOKEN, "s3cret-token")))) {
            ApiClient anonymous = new ApiClient(guarded.httpPort());
            ApiClient wrong = anonymous.withToken("not-the-token");
            ApiClient right = anonymous.withToken("s3cret-token");
            String body = bill("{\"sku\":\"MILK-1L\",\"qty\":1}", CASH);

            for (ApiClient c : new ApiClient[] {anonymous, wrong}) {
                Response post = c.post("/api/bills", body);
                assertThat(post.status()).isEqualTo(401);
                assertThat(post.code()).isEqualTo("UNAUTHORIZED");
                assertThat(post.error()).contains("Bearer");
                assertThat(c.get("/api/stock").status()).isEqualTo(401);
                assertThat(c.get("/api/stock/MILK-1L").status()).isEqualTo(401);
                assertThat(c.get("/api/state/digest").status()).isEqualTo(401);
                assertThat(c.get("/api/status").status()).as("status stays open").isEqualTo(200);
            }
            // A non-Bearer scheme with the right secret is refused too.
            Response basic = anonymous.post("/api/bills", "application/json", body.getBytes(StandardCharsets.UTF_8));
            assertThat(basic.status()).isEqualTo(401);
            assertThat(right.entries()).isEqualTo(anonymous.entries());

            long entries = anonymous.entries();
            Response ok = right.post("/api/bills", body);
            assertThat(ok.status()).as("%s", ok).isEqualTo(201);
            assertThat(right.get("/api/stock").status()).isEqualTo(200);
            assertThat(right.onHand("MILK-1L")).isEqualByComparingTo("-1");
            assertThat(anonymous.entries()).isEqualTo(entries + 1);
        }
    }
}
