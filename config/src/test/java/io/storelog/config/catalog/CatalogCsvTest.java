package io.storelog.config.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.config.ConfigException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogCsvTest {
    private static final String HEADER = "sku,barcode,name,price,tax_class,unit\n";

    @TempDir
    Path dir;

    @Test
    void readsItemsWithColumnsInAnyOrderAndExtraColumnsIgnored() throws IOException {
        Path file = write("catalog.csv", "\uFEFFName,SKU,unit,price,tax_class,barcode,aisle\n"
                + "Milk 1 L,SKU-1,each,1.29,reduced,4006381333931,dairy\n"
                + "\n"
                + "\"Bananas, loose\",SKU-2,KG,1.9,zero,,produce\n"
                + "Bag,SKU-3,each,0,standard,12345678,\n");

        List<CatalogItem> items = CatalogCsv.read(file, 2);

        assertThat(items).containsExactly(
                new CatalogItem("SKU-1", "4006381333931", "Milk 1 L", 129, "reduced", ItemUnit.EACH),
                new CatalogItem("SKU-2", "", "Bananas, loose", 190, "zero", ItemUnit.KG),
                new CatalogItem("SKU-3", "12345678", "Bag", 0, "standard", ItemUnit.EACH));
    }

    @Test
    void priceUsesTheCurrencyExponent() throws IOException {
        Path file = write("yen.csv", HEADER + "S,,Rice,350,standard,each\n");

        assertThat(CatalogCsv.read(file, 0).get(0).price()).isEqualTo(350);
        Path bad = write("yen2.csv", HEADER + "S,,Rice,350.5,standard,each\n");
        assertThatThrownBy(() -> CatalogCsv.read(bad, 0)).hasMessageEndingWith("line 2: price '350.5' has more than 0 decimal places");
    }

    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', textBlock = """
            S1,,Apples,12.999,zero,kg          | 3 | price     | price '12.999' has more than 2 decimal places
            S1,,Apples,12.99.1,zero,kg         | 3 | price     | price '12.99.1' is not a decimal number
            S1,,Apples,,zero,kg                | 3 | price     | price is empty
            S1,,Apples,-1.00,zero,kg           | 3 | price     | price '-1.00' is negative
            S1,,Apples,1.00,zero,lb            | 3 | unit      | unit 'lb' is not each or kg
            S1,40063813339X,Apples,1,zero,kg   | 3 | barcode   | barcode '40063813339X' must be empty or up to 14 digits
            ,,Apples,1,zero,kg                 | 3 | sku       | sku is empty
            S 1,,Apples,1,zero,kg              | 3 | sku       | sku 'S 1' must be 1-64 characters without spaces
            S1,,,1,zero,kg                     | 3 | name      | name is empty
            S1,,Apples,1,,kg                   | 3 | tax_class | tax_class is empty
            S0,,Apples,1,zero,kg               | 3 | sku       | sku 'S0' is already used on line 2
            S1,4006381333931,Apples,1,zero,each | 3 | barcode  | barcode '4006381333931' is already used on line 2
            S1,,Apples,1,zero                  | 3 |           | has 5 values but the header has 6
            S1,,Apples, 1,99,zero,kg           | 3 |           | has 7 values but the header has 6
            """)
    void errorsNameFileLineAndColumn(String row, long line, String column, String problem) throws IOException {
        Path file = write("catalog.csv", HEADER + "S0,4006381333931,Pears,2.49,zero,each\n" + row + "\n");

        assertThatThrownBy(() -> CatalogCsv.read(file, 2))
                .isInstanceOf(CatalogException.class)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + " line " + line + ": " + problem)
                .satisfies(e -> {
                    CatalogException c = (CatalogException) e;
                    assertThat(c.line()).isEqualTo(line);
                    assertThat(c.column()).isEqualTo(column);
                    assertThat(c.file()).isEqualTo(file);
                    assertThat(c.key()).isEqualTo("catalog.file");
                });
    }

    @Test
    void lineNumbersCountBlankLinesAndQuotedLineBreaks() throws IOException {
        Path file = write("c.csv", HEADER + "\r\n\r\nS1,,\"Two\nlines\",1,zero,kg\r\n\r\nS2,,X,1.001,zero,kg\r\n");

        assertThatThrownBy(() -> CatalogCsv.read(file, 2)).hasMessage(file + " line 7: price '1.001' has more than 2 decimal places");
    }

    @Test
    void wholeFileProblems() throws IOException {
        Path missingColumn = write("a.csv", "sku,barcode,name,price,unit\n");
        Path twice = write("b.csv", "sku,barcode,name,price,tax_class,unit,SKU\n");
        Path empty = write("c.csv", "");
        Path unclosed = write("d.csv", HEADER + "S1,,\"Apples,1,zero,kg\n");
        Path latin1 = dir.resolve("e.csv");
        Files.write(latin1, (HEADER + "S1,,K\u00e4se,1,zero,kg\n").getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> CatalogCsv.read(missingColumn, 2))
                .hasMessage(missingColumn + " line 1: missing column 'tax_class' (the header needs sku,barcode,name,price,tax_class,unit)");
        assertThatThrownBy(() -> CatalogCsv.read(twice, 2)).hasMessage(twice + " line 1: column 'sku' appears twice in the header");
        assertThatThrownBy(() -> CatalogCsv.read(empty, 2)).hasMessageStartingWith(empty + ": is empty; expected a header row");
        assertThatThrownBy(() -> CatalogCsv.read(unclosed, 2)).hasMessageStartingWith(unclosed + " line 2: CSV syntax error");
        assertThatThrownBy(() -> CatalogCsv.read(latin1, 2)).hasMessage(latin1 + ": is not UTF-8 text");
        assertThatThrownBy(() -> CatalogCsv.read(dir.resolve("none.csv"), 2)).hasMessage(dir.resolve("none.csv") + ": file not found");
    }

    @Test
    void writeThenReadGivesTheSameItems() throws IOException {
        List<CatalogItem> items = List.of(
                new CatalogItem("SKU-1", "0012345678905", "Crisps, \"Sea Salt\" 150 g", 199, "standard", ItemUnit.EACH),
                new CatalogItem("SKU-2", "", "Bananas loose", 5, "zero", ItemUnit.KG));
        StringWriter out = new StringWriter();

        CatalogCsv.write(items, out, 2);
        Path file = write("round.csv", out.toString());

        assertThat(out.toString()).startsWith(HEADER).contains("SKU-2,,Bananas loose,0.05,zero,kg\n");
        assertThat(CatalogCsv.read(file, 2)).isEqualTo(items);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
