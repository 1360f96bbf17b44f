package io.storelog.node.testing;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configs and catalogs for nodes started inside tests: loopback, any free port, a small known catalog. */
public final class TestNodes {
    /** A small catalog with known prices: pieces in each tax class and a weighed item. */
    public static final List<CatalogItem> CATALOG = List.of(
            new CatalogItem("MILK-1L", "4006381333931", "Whole milk 1 l", 129, "reduced", ItemUnit.EACH),
            new CatalogItem("BREAD", "4000000000017", "Rye bread", 249, "reduced", ItemUnit.EACH),
            new CatalogItem("SOAP", "4000000000024", "Hand soap", 199, "standard", ItemUnit.EACH),
            new CatalogItem("WINE", "4000000000031", "Red wine 0.75 l", 899, "standard", ItemUnit.EACH),
            new CatalogItem("BANANA-KG", "", "Bananas loose", 199, "reduced", ItemUnit.KG),
            new CatalogItem("STAMP", "4000000000048", "Postage stamp", 95, "zero", ItemUnit.EACH));

    private TestNodes() {
    }

    /** Writes {@link #CATALOG} as a CSV file in {@code dir}. */
    public static Path writeCatalog(Path dir) {
        Path file = dir.resolve("test-catalog.csv");
        try (Writer w = Files.newBufferedWriter(file)) {
            CatalogCsv.write(CATALOG, w, 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A till config on loopback with any free port, its data under {@code dir}, the test catalog loaded. */
    public static NodeConfig till(Path dir, String id, Map<String, String> extra) {
        return ConfigLoader.load(Optional.empty(), tillOverrides(dir, id, extra));
    }

    /**
     * The overrides {@link #till} loads, as key/value pairs: what a test passes to a node it starts in
     * another JVM, so that node runs on exactly the config an in-process node would.
     */
    public static Map<String, String> tillOverrides(Path dir, String id, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, id);
        o.put(ConfigKeys.STORE_ID, "test-store");
        o.put(ConfigKeys.DATA_DIR, dir.resolve(id).toString());
        o.put(ConfigKeys.HTTP_PORT, "0");
        o.put(ConfigKeys.PEER_PORT, "0");
        o.put(ConfigKeys.STORE_TIME_ZONE, "Europe/Berlin");
        o.put(ConfigKeys.CATALOG_FILE, writeCatalog(dir).toString());
        o.putAll(extra);
        return o;
    }
}
