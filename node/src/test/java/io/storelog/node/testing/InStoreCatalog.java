package io.storelog.node.testing;

import io.storelog.config.ConfigKeys;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The test catalog plus GS1 in-store items for the default layout (21 weight, 22 price, value check
 * digit), and a node config in Swiss francs with 0.05 cash rounding.
 * <pre>
 * 2100001307554  OLIVES-KG 0.755 kg (weight check digit 3, EAN check digit 4)
 * 2290001804990  TRAY      4.99 on the label (price check digit 8, EAN check digit 0)
 * </pre>
 */
public final class InStoreCatalog {
    /** A weighed deli pack of 0.755 kg of OLIVES-KG. */
    public static final String OLIVES_755G = "2100001307554";
    /** A price-labelled pack of TRAY at 4.99. */
    public static final String TRAY_499 = "2290001804990";
    /** Olives at 10.29 per kg; the catalog lists the in-store code with weight digits zero. */
    public static final CatalogItem OLIVES = new CatalogItem("OLIVES-KG", "2100001000004", "Kalamata olives by weight", 1029,
            "reduced", ItemUnit.KG);
    /** A deli tray whose label carries its price; 6.99 is only the usual price. */
    public static final CatalogItem TRAY = new CatalogItem("TRAY", "2290001000002", "Antipasti tray", 699, "reduced",
            ItemUnit.EACH);

    private InStoreCatalog() {
    }

    /** A till in CHF with cash rounded to 0.05 and the in-store items in its catalog. */
    public static Map<String, String> swissTill(Path dir) {
        List<CatalogItem> items = new ArrayList<>(TestNodes.CATALOG);
        items.add(OLIVES);
        items.add(TRAY);
        Path file = dir.resolve("in-store-catalog.csv");
        try (Writer w = Files.newBufferedWriter(file)) {
            CatalogCsv.write(items, w, 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(ConfigKeys.CATALOG_FILE, file.toString(), ConfigKeys.STORE_CURRENCY, "CHF",
                ConfigKeys.CURRENCY_CASH_INCREMENT, "5");
    }
}
