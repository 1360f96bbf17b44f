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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the till asks when a code is scanned: {@code exact=true} answers only the product whose barcode
 * or SKU is that code (nothing for a mere part of a name), and every catalog answer carries the stock
 * on hand the till screen shows.
 */
class CatalogExactLookupTest {
    @TempDir
    Path dir;

    @Test
    void exactLookupFindsOneProductByBarcodeOrSkuWithItsStock() {
        try (StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1", Map.of()))) {
            await().atMost(Duration.ofSeconds(10)).until(node::ready);
            ApiClient api = new ApiClient(node.httpPort());
            assertThat(api.post("/api/stock/receipts", ApiClient.object().put("sku", "BREAD").put("qty", 4)).status()).isEqualTo(201);

            JsonNode byBarcode = api.get("/api/catalog?exact=true&q=4000000000017").body();
            assertThat(byBarcode).hasSize(1);
            assertThat(byBarcode.get(0).get("sku").asText()).isEqualTo("BREAD");
            assertThat(byBarcode.get(0).get("onHand").decimalValue()).isEqualByComparingTo("4");
            JsonNode bySku = api.get("/api/catalog?exact=true&q=MILK-1L").body();
            assertThat(bySku).hasSize(1);
            assertThat(bySku.get(0).get("barcode").asText()).isEqualTo("4006381333931");
            assertThat(api.get("/api/catalog?exact=true&q=milk").body()).as("part of a name is no code").isEmpty();
            assertThat(api.get("/api/catalog?q=milk").body()).as("a search still finds it").hasSize(1);
        }
    }
}
