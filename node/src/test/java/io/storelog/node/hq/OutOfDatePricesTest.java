package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headquarters reports sales made at out-of-date prices: a lane that sold at the old price after a
 * change headquarters had published was in effect (and without that catalog version) is listed; sales
 * before the change, at the new price, or at a price typed at the till are not.
 */
class OutOfDatePricesTest {
    private static final String TOKEN = "tok-berlin";

    @TempDir
    Path dir;

    @Test
    void salesAtAPriceNoLongerInEffectAreListedAndOthersAreNot() throws Exception {
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\nberlin," + TOKEN + "\n");
        NodeConfig config = ConfigLoader.load(Optional.empty(), Map.of("node.role", "hq", "http.port", "0",
                "hq.ignite-port", "0", "data.dir", dir.resolve("hq").toString(), "hq.stores-file", stores.toString()));
        try (HqNode hq = HqNode.start(config)) {
            HqHttp http = new HqHttp(hq::httpPort);
            assertThat(http.put("/api/hq/catalog/products/MILK", null,
                    "{\"name\": \"Milk\", \"price\": 129, \"taxClass\": \"standard\"}").status()).isEqualTo(200);
            long change = Instant.now().plusSeconds(600).toEpochMilli();
            HqHttp.Answer scheduled = http.post("/api/hq/catalog/prices", null,
                    "{\"sku\": \"MILK\", \"price\": 150, \"effectiveAt\": \"" + Instant.ofEpochMilli(change) + "\"}");
            assertThat(scheduled.status()).as(scheduled.text()).isEqualTo(200);

            List<ByteString> entries = List.of(
                    bill(1, change - 1_000, 129, 1, false),   // before the change: right price
                    bill(2, change + 1_000, 129, 1, false),   // after it, old price, lane still at version 1: listed
                    bill(3, change + 2_000, 150, 2, false),   // after it, new price
                    bill(4, change + 3_000, 99, 1, true));    // a price typed at the till (approved)
            assertThat(http.upload("berlin", TOKEN, entries).status()).isEqualTo(200);

            JsonNode report = http.get("/api/hq/stores/berlin/out-of-date-prices", null).json();
            assertThat(report.get("lines")).hasSize(1);
            JsonNode line = report.get("lines").get(0);
            assertThat(line.get("billId").asText()).isEqualTo("till1-abc:2");
            assertThat(line.get("chargedUnitPrice").asLong()).isEqualTo(129);
            assertThat(line.get("publishedUnitPrice").asLong()).isEqualTo(150);
            assertThat(line.get("publishedVersion").asLong()).isEqualTo(2);
            assertThat(line.get("laneVersion").asLong()).isEqualTo(1);
            assertThat(http.get("/api/hq/stores/nowhere/out-of-date-prices", null).status()).isEqualTo(404);
        }
    }

    private static ByteString bill(long seq, long wallMs, long unitPrice, long productVersion, boolean overridden) {
        return Entry.newBuilder().setOrigin("till1-abc").setSeq(seq).setNode("till1")
                .setHlc(HlcStamp.newBuilder().setWallMs(wallMs))
                .setBill(BillCommitted.newBuilder().setClientBillId("c-" + seq).setTill("till1").setNumber(seq)
                        .setBusinessDay("2026-11-27").setCurrency("EUR").setTotal(unitPrice)
                        .addLines(BillLine.newBuilder().setLineNo(1).setSku("MILK").setName("Milk").setQtyMilli(1000)
                                .setUnitPrice(unitPrice).setGross(unitPrice).setNet(unitPrice).setTaxClass("standard")
                                .setTaxRateBp(2000).setProductVersion(productVersion).setPriceOverridden(overridden))
                        .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(unitPrice).setTendered(unitPrice)))
                .build().toByteString();
    }
}
