package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * The till's keys do what the screen says, all without a mouse: quantity, line and bill discount,
 * suspend and recall, a split payment (card with its reference, the rest in cash), and a refund of
 * the bill just made; the node stores exactly what the screen previewed. Sign-in and shift panels stay
 * hidden on a node without those APIs.
 */
@Tag("browser")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TillKeyboardBrowserTest {
    @TempDir
    Path dir;

    @Test
    void discountsSuspendRecallSplitTenderAndRefundByKeyboard() {
        try (Browser browser = Browser.start(dir.resolve("chromium"));
                StoreNode node = StoreNode.start(TestNodes.till(dir, "till-7", Map.of()))) {
            await().atMost(Duration.ofSeconds(10)).until(node::ready);
            ApiClient api = new ApiClient(node.httpPort());
            browser.open("http://127.0.0.1:" + node.httpPort() + "/");
            assertThat(browser.awaitText("#node-id")).isEqualTo("till-7");

            browser.type("MILK-1L", Keys.ENTER);
            browser.visible("#cart-lines tr[data-sku='MILK-1L']");
            browser.type("+");
            browser.until(d -> browser.text("#cart-lines tr[data-sku='MILK-1L'] .qty").equals("2") ? true : null);
            browser.type(Keys.chord(Keys.ALT, "i"));
            browser.visible("#discount-dialog");
            browser.type("10%", Keys.ENTER);
            browser.gone("#discount-dialog");
            browser.type("SOAP", Keys.ENTER);
            browser.visible("#cart-lines tr[data-sku='SOAP']");
            browser.type(Keys.chord(Keys.ALT, "b"));
            browser.visible("#discount-dialog");
            browser.type("0.50", Keys.ENTER);
            browser.until(d -> browser.text("#cart-total").equals("3.81") ? true : null);

            browser.type(Keys.chord(Keys.ALT, "s"));
            browser.visible("#suspend-dialog");
            browser.type("Mrs K", Keys.ENTER);
            browser.until(d -> browser.text("#cart-total").equals("0.00") ? true : null);
            JsonNode waiting = api.get("/api/carts").body();
            assertThat(waiting).hasSize(1);
            assertThat(browser.text("#message")).contains(waiting.get(0).get("code").asText());

            browser.type(Keys.chord(Keys.ALT, "r"));
            browser.visible("#recall-list li");
            assertThat(browser.text("#recall-list li")).contains("Mrs K");
            browser.enter();
            browser.gone("#recall-dialog");
            browser.until(d -> browser.text("#cart-total").equals("3.81") ? true : null);
            assertThat(api.get("/api/carts").body()).isEmpty();

            browser.enter();
            browser.visible("#pay-dialog");
            browser.type("k1.00", Keys.ENTER);
            browser.type("AUTH-9", Keys.ENTER);
            browser.until(d -> browser.text("#pay-due").equals("2.81") ? true : null);
            browser.enter();
            browser.visible("#receipt-dialog");
            String billId = browser.text("#receipt-id");
            JsonNode bill = api.get("/api/bills/" + billId).body();
            assertThat(bill.get("total").asLong()).isEqualTo(381);
            assertThat(bill.get("billDiscount").asLong()).isEqualTo(50);
            assertThat(bill.get("lines").get(0).get("lineDiscount").asLong()).isEqualTo(26);
            assertThat(bill.get("tenders").get(0).get("type").asText()).isEqualTo("card");
            assertThat(bill.get("tenders").get(0).get("amount").asLong()).isEqualTo(100);
            assertThat(bill.get("tenders").get(0).get("reference").asText()).isEqualTo("AUTH-9");
            assertThat(bill.get("tenders").get(1).get("type").asText()).isEqualTo("cash");
            assertThat(bill.get("tenders").get(1).get("amount").asLong()).isEqualTo(281);
            assertThat(browser.text("#receipt-total")).isEqualTo("3.81");

            browser.type(Keys.chord(Keys.ALT, "u"));
            browser.visible("#refund-ask");
            browser.enter();
            browser.visible("#refund-dialog");
            assertThat(browser.text("#refund-bill")).contains(bill.get("receiptNumber").asText());
            browser.type("1", Keys.ENTER);
            browser.gone("#refund-dialog");
            assertThat(browser.text("#message")).contains("Refunded").contains(billId);
            JsonNode refunds = api.get("/api/bills/" + billId).body().get("refunds");
            assertThat(refunds).hasSize(1);
            assertThat(browser.text("#message")).contains(formatCents(refunds.get(0).get("total").asLong()));

            assertThat(browser.visible("#search").getAttribute("value")).isEmpty();
            assertThat(browser.attribute("#cashier-area", "hidden")).as("no sign-in panel in a store without staff").isNotNull();
        }
    }

    private static String formatCents(long cents) {
        return cents / 100 + "." + String.format("%02d", cents % 100);
    }
}
