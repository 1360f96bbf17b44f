package io.storelog.config.catalog;

import io.storelog.config.units.Decimals;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Product catalog files: UTF-8 CSV with a header row naming at least {@code sku,barcode,name,price,tax_class,unit}
 * (any order, extra columns ignored). Prices are decimal text in the store currency ("12.99").
 */
public final class CatalogCsv {
    /** The columns every catalog file must have, in the order {@link #write} puts them. */
    public static final List<String> COLUMNS = List.of("sku", "barcode", "name", "price", "tax_class", "unit");

    private static final CSVFormat READ = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get();
    // "\n" rather than the RFC's CRLF, so the committed demo file diffs cleanly in git.
    private static final CSVFormat WRITE = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
    private static final Pattern SKU = Pattern.compile("\\S{1,64}");
    private static final Pattern TAX_CLASS = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern CSV_LINE = Pattern.compile("\\((?:start)?line (\\d+)\\)");
    private static final int MAX_BARCODE_DIGITS = 14; // GTIN-14 is the longest GS1 trade item number
    private static final int MAX_NAME_CHARS = 200;

    private CatalogCsv() {
    }

    /**
     * Reads and checks a whole catalog file.
     *
     * @param currencyExponent digits after the point the store currency has (2 for EUR)
     * @throws CatalogException naming the file, line and column of the first problem
     */
    public static List<CatalogItem> read(Path file, int currencyExponent) {
        String text = readText(file);
        try (CSVParser parser = CSVParser.parse(new StringReader(text), READ)) {
            return new FileReader(file, text, currencyExponent).items(parser.iterator());
        } catch (UncheckedIOException | IOException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            String msg = String.valueOf(cause.getMessage());
            Matcher m = CSV_LINE.matcher(msg);
            long line = m.find() ? Long.parseLong(m.group(1)) : 0;
            throw new CatalogException(file, line, null, "CSV syntax error: " + m.replaceAll("").strip());
        }
    }

    /** Writes items as a catalog file with a header row; the writer is flushed, not closed. */
    public static void write(List<CatalogItem> items, Writer out, int currencyExponent) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, WRITE);
        printer.printRecord(COLUMNS);
        for (CatalogItem i : items) {
            printer.printRecord(i.sku(), i.barcode(), i.name(), Decimals.formatMinor(i.price(), currencyExponent),
                    i.taxClass(), i.unit().text());
        }
        printer.flush();
    }

    private static String readText(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CatalogException(file, 0, null, "file not found");
        } catch (IOException e) {
            throw new CatalogException(file, 0, null, "cannot be read: " + e.getMessage());
        }
        String text;
        try {
            // Strict decoding: a Latin-1 file would otherwise turn "Käse" into replacement characters silently.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CatalogException(file, 0, null, "is not UTF-8 text");
        }
        // Spreadsheet exports often start with a byte order mark, which would otherwise glue onto "sku".
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The state of reading one file: where lines start, the header, and the SKUs and barcodes seen so far. */
    private static final class FileReader {
        private final Path file;
        private final int exponent;
        private final int[] lineStarts;
        private final String text;
        private final Map<String, Long> skuLines = new HashMap<>();
        private final Map<String, Long> barcodeLines = new HashMap<>();
        private Map<String, Integer> columns;
        private int width;
        private long line;

        FileReader(Path file, String text, int exponent) {
            this.file = file;
            this.text = text;
            this.exponent = exponent;
            this.lineStarts = lineStarts(text);
        }

        List<CatalogItem> items(Iterator<CSVRecord> records) {
            if (!records.hasNext()) {
                throw new CatalogException(file, 0, null, "is empty; expected a header row " + String.join(",", COLUMNS));
            }
            header(records.next());
            List<CatalogItem> items = new ArrayList<>();
            while (records.hasNext()) {
                items.add(item(records.next()));
            }
            return items;
        }

        private void header(CSVRecord r) {
            line = lineOf(r.getCharacterPosition());
            columns = new LinkedHashMap<>();
            width = r.size();
            for (int i = 0; i < r.size(); i++) {
                String name = r.get(i).trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && columns.put(name, i) != null) {
                    throw fail(name, "column '" + name + "' appears twice in the header");
                }
            }
            for (String c : COLUMNS) {
                if (!columns.containsKey(c)) {
                    throw fail(c, "missing column '" + c + "' (the header needs " + String.join(",", COLUMNS) + ")");
                }
            }
        }

        private CatalogItem item(CSVRecord r) {
            line = lineOf(r.getCharacterPosition());
            if (r.size() != width) {
                // Usually an unquoted comma in a name; guessing which one would silently shift a price.
                throw fail(null, "has " + r.size() + " values but the header has " + width
                        + " (quote a name that contains a comma)");
            }
            String sku = r.get(columns.get("sku"));
            if (!SKU.matcher(sku).matches()) {
                throw fail("sku", sku.isEmpty() ? "sku is empty" : "sku '" + sku + "' must be 1-64 characters without spaces");
            }
            String barcode = r.get(columns.get("barcode"));
            if (!barcode.matches("[0-9]{0," + MAX_BARCODE_DIGITS + "}")) {
                throw fail("barcode", "barcode '" + barcode + "' must be empty or up to " + MAX_BARCODE_DIGITS + " digits");
            }
            String name = r.get(columns.get("name"));
            if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
                throw fail("name", name.isEmpty() ? "name is empty" : "name is longer than " + MAX_NAME_CHARS + " characters");
            }
            long price = price(r.get(columns.get("price")));
            String taxClass = r.get(columns.get("tax_class")).toLowerCase(Locale.ROOT);
            if (!TAX_CLASS.matcher(taxClass).matches()) {
                throw fail("tax_class", taxClass.isEmpty() ? "tax_class is empty"
                        : "tax_class '" + taxClass + "' must be lower-case letters, digits, '_' or '-'");
            }
            String unitText = r.get(columns.get("unit"));
            ItemUnit unit = ItemUnit.parse(unitText).orElseThrow(() -> fail("unit", "unit '" + unitText + "' is not "
                    + String.join(" or ", Arrays.stream(ItemUnit.values()).map(ItemUnit::text).toList())));
            once(skuLines, sku, "sku");
            if (!barcode.isEmpty()) {
                once(barcodeLines, barcode, "barcode");
            }
            return new CatalogItem(sku, barcode, name, price, taxClass, unit);
        }

        private long price(String text) {
            long price;
            try {
                price = Decimals.parseScaled(text, exponent, "price");
            } catch (NumberFormatException e) {
                throw fail("price", e.getMessage());
            }
            if (price < 0) {
                throw fail("price", "price '" + text + "' is negative");
            }
            return price;
        }

        private void once(Map<String, Long> seen, String value, String column) {
            Long first = seen.putIfAbsent(value, line);
            if (first != null) {
                throw fail(column, column + " '" + value + "' is already used on line " + first);
            }
        }

        private CatalogException fail(String column, String problem) {
            return new CatalogException(file, line, column, problem);
        }

        /** 1-based line of a character offset; skips the blank lines the parser passed over before the record. */
        private long lineOf(long position) {
            int pos = (int) Math.min(position, text.length());
            while (pos < text.length() && (text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
                pos++;
            }
            int idx = Arrays.binarySearch(lineStarts, pos);
            return (idx >= 0 ? idx : -idx - 2) + 1;
        }

        private static int[] lineStarts(String text) {
            List<Integer> starts = new ArrayList<>();
            starts.add(0);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                // "\r\n" is one line break; a lone "\r" (old Mac files) is one too.
                if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                    starts.add(i + 1);
                }
            }
            return starts.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
