package io.storelog.node.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.NodeConfig;
import io.storelog.config.units.Decimals;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.InStoreCatalog;
import io.storelog.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Receipts of stored bills over HTTP: content equal to the stored bill, COPY on reprints only, ESC/POS framing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiptApiTest {
    @TempDir
    Path dir;
    private NodeConfig config;
    private StoreNode node;
    private ApiClient api;

    @BeforeEach
    void start() {
        config = TestNodes.till(dir, "till-1", InStoreCatalog.swissTill(dir));
        node = StoreNode.start(config);
        api = new ApiClient(node.httpPort());
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theReceiptShowsWhatTheStoredBillHolds() {
        JsonNode bill = sale();
        String id = bill.get("id").asText();

        Response r = api.get("/api/bills/" + id + "/receipt");

        assertThat(r.status()).isEqualTo(200);
        List<String> lines = r.raw().lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(42));
        assertThat(lines.get(0).strip()).isEqualTo("test-store");
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .format(Instant.parse(bill.get("createdAt").asText()).atZone(ZoneId.of("Europe/Berlin")));
        assertThat(r.raw()).contains("Till till-1").contains("Bill till-1-000001").contains(when).contains("Europe/Berlin")
                .contains("anna").contains("Kalamata olives by weight").contains("0.755 kg x 10.29/kg")
                .contains("(label)").doesNotContain("COPY").doesNotContain("Promotions");
        assertThat(amountOf(lines, "TOTAL CHF")).isEqualTo(money(bill.get("total").asLong()));
        assertThat(amountOf(lines, "Bill discount")).isEqualTo(money(-bill.get("billDiscount").asLong()));
        assertThat(amountOf(lines, "  Tax included")).isEqualTo(money(bill.get("tax").asLong()));
        for (JsonNode t : bill.get("taxes")) {
            assertThat(amountOf(lines, "  Tax " + t.get("taxClass").asText() + " ")).isEqualTo(money(t.get("tax").asLong()));
        }
        assertThat(amountOf(lines, "Cash rounding")).isEqualTo("+" + money(bill.get("cashRounding").asLong()));
        assertThat(amountOf(lines, "Card AUTH-7")).isEqualTo(money(bill.get("tenders").get(0).get("amount").asLong()));
        assertThat(amountOf(lines, "Cash")).isEqualTo(money(bill.get("tenders").get(1).get("tendered").asLong()));
        assertThat(amountOf(lines, "Change")).isEqualTo(money(bill.get("change").asLong()));
        assertThat(amountOf(lines, "  Discount")).isEqualTo(money(-bill.get("lines").get(2).get("lineDiscount").asLong()));
        // no peer holds it: the till has no replication configured
        assertThat(lines).contains("Held by this lane only");
    }

    @Test
    void aReprintIsMarkedCopyAndNumberedAndCountedInTheLog() {
        String id = sale().get("id").asText();
        long entries = api.entries();

        Response first = api.post("/api/bills/" + id + "/reprint", ApiClient.object().put("reason", "customer asked"));
        Response second = api.post("/api/bills/" + id + "/reprint", ApiClient.object());

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.raw()).contains("*** COPY 1 ***");
        assertThat(second.raw()).contains("*** COPY 2 ***").doesNotContain("COPY 1");
        assertThat(api.entries()).isEqualTo(entries + 2);
        assertThat(api.get("/api/bills/" + id + "/receipt").raw()).doesNotContain("COPY");
        assertThat(api.get("/api/bills/" + id).body().get("reprints").asInt()).isEqualTo(2);
        // the copy is the same receipt but for its COPY lines
        List<String> copy = first.raw().lines().filter(l -> !l.contains("COPY")).toList();
        assertThat(copy).isEqualTo(api.get("/api/bills/" + id + "/receipt").raw().lines().toList());

        // reprints are state folded from the log: they survive a restart (snapshot and replay alike)
        node.close();
        node = StoreNode.start(config);
        api = new ApiClient(node.httpPort());
        assertThat(api.get("/api/bills/" + id).body().get("reprints").asInt()).isEqualTo(2);
        assertThat(api.post("/api/bills/" + id + "/reprint", ApiClient.object()).raw()).contains("*** COPY 3 ***");
    }

    @Test
    void escPosStartsWithInitialiseEndsWithACutAndCarriesTheText() throws Exception {
        String id = sale().get("id").asText();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + "/api/bills/" + id + "/receipt?format=escpos")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] b = r.body();

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(Arrays.copyOfRange(b, 0, 2)).containsExactly(0x1B, '@');
        assertThat(Arrays.copyOfRange(b, b.length - 3, b.length)).containsExactly(0x1D, 'V', 0);
        // bold + double height for the header, back to normal after it
        assertThat(indexOf(b, new byte[] {0x1B, 'E', 1, 0x1D, '!', 1})).isPositive();
        assertThat(indexOf(b, new byte[] {0x1B, 'E', 0, 0x1D, '!', 0})).isPositive();
        assertThat(indexOf(b, "Held by this lane only\n".getBytes())).isPositive();
        String text = new String(b, java.nio.charset.Charset.forName("IBM437"));
        assertThat(text).contains("TOTAL CHF");
        // every printed line fits the paper
        for (String line : text.split("\n")) {
            assertThat(line.replaceAll("[\\x00-\\x1F]", "").length()).isLessThanOrEqualTo(42 + 9);
        }
    }

    @Test
    void unknownBillAndUnknownFormat() {
        String id = sale().get("id").asText();

        assertThat(api.get("/api/bills/nobody:1/receipt").status()).isEqualTo(404);
        assertThat(api.post("/api/bills/nobody:1/reprint", ApiClient.object()).status()).isEqualTo(404);
        Response pdf = api.get("/api/bills/" + id + "/receipt?format=pdf");
        assertThat(pdf.status()).isEqualTo(400);
        assertThat(pdf.error()).contains("format 'pdf'");
    }

    /** A sale with a weighed pack, a labelled pack, a discounted line, a bill discount, card and cash. */
    private JsonNode sale() {
        ObjectNode body = ApiClient.object().put("clientBillId", UUID.randomUUID().toString()).put("cashier", "anna");
        ArrayNode lines = body.putArray("lines");
        lines.addObject().put("barcode", InStoreCatalog.OLIVES_755G);
        lines.addObject().put("barcode", InStoreCatalog.TRAY_499);
        lines.addObject().put("sku", "WINE").put("qty", 1).putObject("discount").put("percent", 10);
        lines.addObject().put("sku", "STAMP").put("qty", 2);
        body.putObject("discount").put("amount", 47);
        ArrayNode tenders = body.putArray("tenders");
        tenders.addObject().put("type", "card").put("amount", 1000).put("reference", "AUTH-7");
        tenders.addObject().put("type", "cash").put("amount", 2000);
        Response r = api.post("/api/bills", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        assertThat(r.body().get("cashRounding").asLong()).as("the cart is chosen so cash rounds up").isPositive();
        return r.body();
    }

    private static String amountOf(List<String> lines, String label) {
        // the label is the whole left part of the line, or its start when it ends in a space (tax lines)
        String line = lines.stream().filter(l -> label.endsWith(" ") ? l.startsWith(label)
                        : l.replaceAll(" +\\S+$", "").equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + label + "' in " + lines));
        return line.substring(line.lastIndexOf(' ') + 1);
    }

    private static String money(long minor) {
        return Decimals.formatMinor(minor, 2);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
