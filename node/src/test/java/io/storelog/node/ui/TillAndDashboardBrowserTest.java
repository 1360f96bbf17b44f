package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.cluster.TestCluster;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * In a real browser against two linked lanes that want an API token: a sale keyed in on lane 1's till
 * screen (SKU, barcode, Enter to pay, cash with change) is stored as the receipt shows it, appears in
 * the sales of the operator dashboard served by lane 2 (live, within a second), and lowers the stock
 * lane 2's till screen shows; an item sold below zero shows as a negative-stock alert.
 */
@Tag("browser")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TillAndDashboardBrowserTest {
    private static final String TOKEN = "ui-test-token";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aSaleKeyedOnLaneOneReachesTheDashboardAndLaneTwosStock() {
        try (Browser browser = Browser.start(dir.resolve("chromium"));
                TestCluster c = TestCluster.builder(dir.resolve("store")).nodes(2)
                        .override(ConfigKeys.HTTP_API_TOKEN, TOKEN).start()) {
            c.awaitLinked(Duration.ofSeconds(15));
            c.awaitReady(0, Duration.ofSeconds(15));
            c.awaitReady(1, Duration.ofSeconds(15));
            ApiClient lane1 = c.api(0).withToken(TOKEN);
            ApiClient lane2 = c.api(1).withToken(TOKEN);
            assertThat(lane1.post("/api/stock/receipts", ApiClient.object().put("sku", "MILK-1L").put("qty", 10)).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(10)).until(() -> lane2.onHand("MILK-1L").compareTo(BigDecimal.TEN) == 0);

            String lane2Till = browser.open(url(c, 1, "/"));
            browser.signInWithToken(TOKEN);
            assertThat(browser.awaitText("#node-id")).isEqualTo(c.name(1));
            browser.awaitNoDialog();
            browser.type("MILK-1L");
            String before = browser.awaitText("#results li[data-sku='MILK-1L'] .on-hand");
            assertThat(new BigDecimal(before)).isEqualByComparingTo("10");

            String dashboard = browser.open(url(c, 1, "/dashboard"));
            browser.signInWithToken(TOKEN);
            browser.until(d -> browser.text("#live").equals("live") ? true : null);
            assertThat(browser.text("#node-id")).isEqualTo(c.name(1));
            assertThat(browser.awaitText("#lanes tr[data-lane='" + c.name(0) + "'] td:nth-child(3)"))
                    .isEqualTo("linked");
            assertThat(browser.text("#sales-bills")).isEqualTo("0");

            String lane1Till = browser.open(url(c, 0, "/"));
            browser.signInWithToken(TOKEN);
            assertThat(browser.awaitText("#node-id")).isEqualTo(c.name(0));
            browser.type("MILK-1L", Keys.ENTER);
            browser.visible("#cart-lines tr[data-sku='MILK-1L']");
            browser.type("4000000000017", Keys.ENTER);
            browser.visible("#cart-lines tr[data-sku='BREAD']");
            assertThat(browser.text("#cart-total")).isEqualTo("3.78");
            browser.screenshot("till");
            browser.enter();
            browser.visible("#pay-dialog");
            browser.type("20", Keys.ENTER);
            browser.visible("#receipt-dialog");
            long receiptShownAt = Long.parseLong(browser.attribute("#receipt-dialog", "data-shown-at"));

            JsonNode stored = lane1.get("/api/bills?limit=1").body().get(0);
            JsonNode bill = lane1.get("/api/bills/" + stored.get("id").asText()).body();
            assertThat(browser.attribute("#receipt-number", "data-number")).isEqualTo(bill.get("number").asText());
            assertThat(browser.text("#receipt-id")).isEqualTo(bill.get("id").asText());
            assertThat(bill.get("total").asLong()).isEqualTo(129 + 249);
            assertThat(bill.get("change").asLong()).isEqualTo(2000 - 378);
            assertThat(browser.text("#receipt-total")).isEqualTo("3.78");
            assertThat(browser.text("#receipt-change")).isEqualTo("16.22");
            assertThat(browser.attribute("#receipt-lanes", "data-single-lane")).isEqualTo("false");
            browser.screenshot("receipt");

            browser.show(dashboard);
            String till1Row = "#sales-by-till tr[data-till='" + c.name(0) + "']";
            browser.until(d -> browser.text(till1Row + " .bills").equals("1") ? true : null);
            assertThat(browser.text(till1Row + " .net")).isEqualTo("3.78");
            assertThat(browser.text("#sales-total")).isEqualTo("3.78");
            assertThat(browser.text("#sales-by-tender tr[data-tender='cash'] td:nth-child(2)")).isEqualTo("3.78");
            browser.visible("#negative-stock li[data-sku='BREAD']");
            assertThat(browser.text("#stock tr[data-sku='MILK-1L'] .on-hand")).isEqualTo("9");
            long dashboardChangedAt = Long.parseLong(browser.attribute("#sales-total", "data-changed-at"));
            long saleToDashboardMs = dashboardChangedAt - receiptShownAt;
            System.out.printf("sale on lane 1 to lane 2's dashboard: %d ms after the receipt showed%n", saleToDashboardMs);
            assertThat(saleToDashboardMs).as("a sale shows on the dashboard within 1 s").isLessThan(1000);
            browser.screenshot("dashboard");

            browser.show(lane2Till);
            browser.type(Keys.ESCAPE);
            browser.type("MILK-1L");
            browser.until(d -> browser.text("#results li[data-sku='MILK-1L'] .on-hand").equals("9") ? true : null);
            browser.show(lane1Till);
            browser.enter();
            browser.gone("#receipt-dialog");
            assertThat(browser.text("#cart-total")).isEqualTo("0.00");
        }
    }

    private static String url(TestCluster c, int lane, String path) {
        return "http://127.0.0.1:" + c.node(lane).httpPort() + path;
    }
}
