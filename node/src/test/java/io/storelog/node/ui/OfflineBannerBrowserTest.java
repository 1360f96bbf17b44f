package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.hq.HqNode;
import io.storelog.node.testing.cluster.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * In a real browser against a store lane uploading to a real headquarters (embedded Ignite): stopping
 * headquarters makes the till screen show "Working in Offline Mode" and its count of entries not yet at
 * headquarters grow with a sale keyed in meanwhile; starting headquarters again on the same port clears
 * both; headquarters' own dashboard then lists the store with the bills it holds.
 */
@Tag("browser")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OfflineBannerBrowserTest {
    private static final String HQ_TOKEN = "ui-hq-token";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void cuttingHeadquartersOffShowsTheBannerAndPendingCountUntilItIsBack() throws Exception {
        Browser browser = Browser.start(dir.resolve("chromium"));
        int hqPort = TestCluster.freePort();
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\ntest-store," + HQ_TOKEN + "\n");
        NodeConfig hqConfig = ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.NODE_ROLE, "hq",
                ConfigKeys.HTTP_PORT, Integer.toString(hqPort), ConfigKeys.HQ_IGNITE_PORT, "0",
                ConfigKeys.DATA_DIR, dir.resolve("hq").toString(), ConfigKeys.HQ_STORES_FILE, stores.toString()));
        HqNode hq = HqNode.start(hqConfig);
        try (browser; TestCluster c = TestCluster.builder(dir.resolve("store")).nodes(1)
                .override(ConfigKeys.HQ_URL, "http://127.0.0.1:" + hqPort).override(ConfigKeys.HQ_TOKEN, HQ_TOKEN).start()) {
            c.awaitReady(0, Duration.ofSeconds(15));
            String till = browser.open("http://127.0.0.1:" + c.node(0).httpPort() + "/");
            assertThat(browser.awaitText("#node-id")).isEqualTo(c.name(0));
            assertThat(browser.attribute("#offline-ready", "data-ready")).isEqualTo("true");
            browser.until(d -> browser.text("#hq-pending").equals("0") ? true : null);
            browser.gone("#offline-banner");
            sell(browser, "SOAP");
            browser.until(d -> browser.text("#hq-pending").equals("0") ? true : null);

            hq.close();
            browser.visible("#offline-banner");
            assertThat(browser.text("#offline-banner")).contains("Working in Offline Mode");
            assertThat(browser.text("#hq-state")).isEqualTo("HQ unreachable");
            long pendingBefore = Long.parseLong(browser.text("#hq-pending"));
            sell(browser, "WINE");
            browser.until(d -> Long.parseLong(browser.text("#hq-pending")) > pendingBefore ? true : null);
            assertThat(Long.parseLong(browser.text("#hq-pending")))
                    .isEqualTo(c.api(0).get("/api/status").body().get("hq").get("pendingEntries").asLong());
            browser.screenshot("till-offline");

            hq = HqNode.start(hqConfig);
            browser.gone("#offline-banner");
            browser.until(d -> browser.text("#hq-pending").equals("0") ? true : null);
            assertThat(browser.text("#hq-state")).isEqualTo("HQ connected");

            browser.open("http://127.0.0.1:" + hqPort + "/");
            JsonNode held = storeAtHq(hqPort);
            assertThat(held.get("bills").asLong()).isEqualTo(2);
            String row = "#stores tr[data-store='test-store']";
            browser.until(d -> browser.text(row + " .bills").equals("2") ? true : null);
            assertThat(browser.text(row + " .entries")).isEqualTo(String.format("%,d", held.get("entries").asLong()));
            assertThat(browser.text(row + " .sales")).isEqualTo(String.format("%,d", held.get("salesTotal").asLong()));
            assertThat(browser.text(row + " .last-upload")).isNotEqualTo("never");
            browser.screenshot("hq");
            browser.show(till);
        } finally {
            hq.close();
        }
    }

    /** A sale as a cashier keys it: the SKU, Enter, Enter to pay, Enter for exact cash; then the next customer. */
    private static void sell(Browser browser, String sku) {
        browser.type(sku, Keys.ENTER);
        browser.visible("#cart-lines tr[data-sku='" + sku + "']");
        browser.enter();
        browser.visible("#pay-dialog");
        browser.enter();
        browser.visible("#receipt-dialog");
        browser.enter();
        browser.gone("#receipt-dialog");
    }

    private static JsonNode storeAtHq(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/hq/stores/test-store")).build(), HttpResponse.BodyHandlers.ofString());
        return io.storelog.node.testing.ApiClient.JSON.readTree(r.body());
    }
}
