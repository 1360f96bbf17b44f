package io.storelog.config.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogGeneratorTest {
    /** Tests run in config/, where the committed demo catalog lives. */
    private static final Path DEMO = Path.of("demo-catalog.csv");

    @TempDir
    Path dir;

    @Test
    void sameSeedSameCatalogOtherSeedOtherCatalog() {
        assertThat(CatalogGenerator.generate(500, 7)).isEqualTo(CatalogGenerator.generate(500, 7));
        assertThat(CatalogGenerator.generate(500, 8)).isNotEqualTo(CatalogGenerator.generate(500, 7));
        // A longer run starts with the shorter one, so a benchmark's first N products are stable.
        assertThat(CatalogGenerator.generate(1000, 7).subList(0, 500)).isEqualTo(CatalogGenerator.generate(500, 7));
    }

    @Test
    void fiftyThousandProductsHaveUniqueSkusAndValidUniqueBarcodes() throws IOException {
        List<CatalogItem> items = CatalogGenerator.generate(50_000, 2024);

        assertThat(items).hasSize(50_000);
        assertThat(items.get(122).sku()).isEqualTo("SKU-000123");
        assertThat(items.stream().map(CatalogItem::sku).collect(Collectors.toSet())).hasSize(50_000);
        List<String> barcodes = items.stream().map(CatalogItem::barcode).filter(b -> !b.isEmpty()).toList();
        assertThat(new HashSet<>(barcodes)).hasSameSizeAs(barcodes);
        assertThat(barcodes).allMatch(Ean13::isValid);
        // Loose produce is weighed at the till; deli goods packed at the counter carry an in-store weight code.
        assertThat(items).filteredOn(i -> i.unit() == ItemUnit.KG && i.name().endsWith(" loose"))
                .isNotEmpty().allMatch(i -> i.barcode().isEmpty());
        assertThat(items).filteredOn(i -> i.name().endsWith(" by weight")).isNotEmpty()
                .allMatch(i -> i.barcode().equals(Ean13.withCheckDigit("21" + i.sku().substring(5) + "00000")));
        assertThat(items).filteredOn(i -> i.unit() == ItemUnit.EACH).allMatch(i -> i.barcode().length() == 13);

        Path out = dir.resolve("big").resolve("catalog-50k.csv");
        CatalogGenerator.write(50_000, 2024, out);
        assertThat(CatalogCsv.read(out, 2)).isEqualTo(items);
        try (var files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out); // no temp file left behind
        }
    }

    @Test
    void pricesAreRealisticAndEndInNine() {
        List<CatalogItem> items = CatalogGenerator.generate(5_000, 1);

        assertThat(items).allMatch(i -> i.price() >= 29 && i.price() <= 3_990);
        assertThat(items).filteredOn(i -> i.unit() == ItemUnit.EACH).allMatch(i -> i.price() % 10 == 9);
        assertThat(items).extracting(CatalogItem::taxClass).containsOnly("standard", "reduced", "zero");
    }

    @Test
    void demoCatalogIsTheGeneratorsOutputAndHasWhatTheDemoNeeds() throws IOException {
        List<CatalogItem> demo = CatalogCsv.read(DEMO, 2);
        StringWriter expected = new StringWriter();
        CatalogCsv.write(CatalogGenerator.demo(), expected, 2);

        assertThat(Files.readString(DEMO))
                .as("config/demo-catalog.csv is stale; regenerate it with "
                        + "CatalogGenerator.main(\"demo\", \"config/demo-catalog.csv\")")
                .isEqualTo(expected.toString());
        assertThat(demo).hasSize(CatalogGenerator.DEMO_COUNT + CatalogGenerator.DEMO_PRICE_LABELLED.size());
        // What the barcode demo scans: a weighed deli pack (prefix 21) and a price-labelled pack (prefix 22).
        assertThat(demo).anyMatch(i -> i.unit() == ItemUnit.KG && i.barcode().startsWith("21") && Ean13.isValid(i.barcode()));
        assertThat(demo).anyMatch(i -> i.unit() == ItemUnit.EACH && i.barcode().startsWith("22") && Ean13.isValid(i.barcode()));
        Set<String> taxClasses = demo.stream().map(CatalogItem::taxClass).collect(Collectors.toSet());
        assertThat(taxClasses).containsExactlyInAnyOrder("standard", "reduced", "zero");
        assertThat(demo).filteredOn(i -> i.unit() == ItemUnit.KG).hasSizeGreaterThanOrEqualTo(10)
                .anyMatch(i -> i.name().endsWith(" loose"));
    }
}
