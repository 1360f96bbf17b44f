package io.storelog.node.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.config.ConfigKeys;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * A barcode scanner against a till holding a 50,000-product catalog: each scan (the digits and Enter,
 * typed in one go as a scanner does) puts that product in the cart as a new line, over several carts
 * cleared with Alt+N, and the page measures every scan ({@code performance.measure('scan-to-cart')}).
 * How fast is the scan benchmark's question ({@code storelog bench scan}), not this test's.
 */
@Tag("browser")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ScanToCartBrowserTest {
    private static final int PRODUCTS = 50_000;
    private static final int SCANS = 40;
    /** Items per customer: the cart is cleared (Alt+N) after this many, as between two sales. */
    private static final int PER_SALE = 20;

    @TempDir
    Path dir;

    @Test
    void everyScannedBarcodeLandsInTheCartAsItsProduct() throws Exception {
        Path catalog = dir.resolve("catalog-50k.csv");
        CatalogGenerator.write(PRODUCTS, CatalogGenerator.DEMO_SEED, catalog);
        List<CatalogItem> items = new ArrayList<>(CatalogGenerator.generate(PRODUCTS, CatalogGenerator.DEMO_SEED).stream()
                .filter(i -> i.unit() == ItemUnit.EACH && !i.barcode().isEmpty()).toList());
        Collections.shuffle(items, new Random(7));
        try (Browser browser = Browser.start(dir.resolve("chromium"));
                StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of(ConfigKeys.CATALOG_FILE, catalog.toString())))) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(node::ready);
            browser.open("http://127.0.0.1:" + node.httpPort() + "/");
            assertThat(browser.awaitText("#node-id")).isEqualTo("till-1");
            for (int i = 0; i < SCANS; i++) {
                if (i % PER_SALE == 0) {
                    browser.type(Keys.chord(Keys.ALT, "n"));
                    browser.until(d -> browser.text("#cart-total").equals("0.00") ? true : null);
                }
                CatalogItem item = items.get(i);
                browser.type(item.barcode() + Keys.ENTER);
                int line = i % PER_SALE + 1;
                browser.until(d -> browser.text("#cart-lines tr:nth-child(" + line + ")").contains(item.name()) ? true : null);
                assertThat(browser.script("return document.querySelectorAll('#cart-lines tr').length;"))
                        .as("one new line per scan").isEqualTo((long) line);
            }
            assertThat(browser.script("return performance.getEntriesByName('scan-to-cart').length;"))
                    .as("the page measured every scan").isEqualTo((long) SCANS);
        }
    }
}
