package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.ApiClient.Response;
import io.storelog.node.testing.TestNodes;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's barcode example works against the committed demo catalog with the default layout. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoCatalogScanTest {
    /** Tests run in node/; the demo catalog is committed under config/. */
    private static final Path DEMO_CATALOG = Path.of("..", "config", "demo-catalog.csv").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aDeliWeightLabelAndAPriceLabelScanFromTheDemoCatalog() {
        try (StoreNode node = StoreNode.start(TestNodes.till(dir, "till-1",
                Map.of(ConfigKeys.CATALOG_FILE, DEMO_CATALOG.toString())))) {
            ApiClient api = new ApiClient(node.httpPort());
            ObjectNode body = ApiClient.object().put("clientBillId", "0b6f7f0e-7d4a-4d4e-9c55-3c1f1f6a0b11");
            var lines = body.putArray("lines");
            lines.addObject().put("barcode", "2100001307554");
            lines.addObject().put("barcode", "2290001804990");
            lines.addObject().put("barcode", "3*4051129180933");
            body.putArray("tenders").addObject().put("type", "cash").put("amount", 10000);

            Response r = api.post("/api/bills", body);

            assertThat(r.status()).as(r.raw()).isEqualTo(201);
            JsonNode l = r.body().get("lines");
            assertThat(l.get(0).get("name").asText()).isEqualTo("Herb Olives by weight");
            assertThat(l.get(0).get("gross").asLong()).isEqualTo(777); // 0.755 kg x 10.29
            assertThat(l.get(1).get("sku").asText()).isEqualTo("SKU-900001");
            assertThat(l.get(1).get("gross").asLong()).isEqualTo(499);
            assertThat(l.get(2).get("gross").asLong()).isEqualTo(3 * 1269);
        }
    }
}
