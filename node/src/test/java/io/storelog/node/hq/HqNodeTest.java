package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.config.ConfigException;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.protocol.CatalogFeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headquarters started from config as the launcher starts it: stores file, embedded Ignite, catalog file. */
class HqNodeTest {
    @TempDir
    Path dir;

    @Test
    void startsFromConfigPublishesItsCatalogOnceAndKeepsUploadsAcrossRestarts() throws IOException {
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\nberlin,tok-berlin\n");
        Path catalog = dir.resolve("catalog.csv");
        CatalogGenerator.write(150, 3, catalog);
        NodeConfig config = config(Map.of("hq.stores-file", stores.toString(), "catalog.file", catalog.toString()));

        CatalogFeed first;
        try (HqNode hq = HqNode.start(config)) {
            HqHttp http = new HqHttp(hq::httpPort);
            first = http.catalog(0, "tok-berlin");
            assertThat(http.upload("berlin", "tok-berlin", List.of(TestEntries.bill("till1-n", 1, 250))).status()).isEqualTo(200);
        }
        try (HqNode hq = HqNode.start(config)) {
            HqHttp http = new HqHttp(hq::httpPort);
            CatalogFeed second = http.catalog(0, "tok-berlin");

            assertThat(first.getVersion()).isEqualTo(1);
            assertThat(first.getUpdates(0).getProductsCount()).isEqualTo(150);
            assertThat(second.getVersion()).as("the same file again publishes nothing").isEqualTo(1);
            assertThat(http.get("/api/hq/stores/berlin", null).json().get("salesTotal").asLong()).isEqualTo(250);
        }
    }

    @Test
    void aBadStoresFileStopsTheStartBeforeIgniteWithFileAndLine() throws IOException {
        Path stores = Files.writeString(dir.resolve("stores.csv"), "store,token\nberlin\n");

        assertThatThrownBy(() -> HqNode.start(config(Map.of("hq.stores-file", stores.toString()))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key hq.stores-file: " + stores + " line 2: has 1 values; expected store,token");
        assertThatThrownBy(() -> HqNode.start(config(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key hq.stores-file: is required for role hq");
        assertThat(dir.resolve("hq")).doesNotExist();
    }

    private NodeConfig config(Map<String, String> extra) {
        Map<String, String> o = new java.util.HashMap<>(Map.of("node.role", "hq", "http.port", "0", "hq.ignite-port", "0",
                "data.dir", dir.resolve("hq").toString()));
        o.putAll(extra);
        return ConfigLoader.load(Optional.empty(), o);
    }
}
