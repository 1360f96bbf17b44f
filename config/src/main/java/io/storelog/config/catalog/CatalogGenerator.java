package io.storelog.config.catalog;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Makes a realistic, reproducible supermarket catalog: the same count and seed always give the same
 * file, so a benchmark run can be repeated and the committed demo catalog regenerated. Packaged goods
 * get unique EAN-13 barcodes; loose produce is sold by the kg without a barcode, weighed on the till's
 * scale; deli goods sold "by weight" are packed and labelled at the counter, so they carry a GS1 in-store
 * weight barcode (prefix 21) whose catalog form has the weight digits zero.
 */
public final class CatalogGenerator {
    /** Seed of the committed {@code config/demo-catalog.csv}. */
    public static final long DEMO_SEED = 42L;
    /** Size of the committed demo catalog. */
    public static final int DEMO_COUNT = 300;
    /** Generated prices are in cents: the word lists' ranges are written for a two-decimal currency. */
    public static final int CURRENCY_EXPONENT = 2;
    /** Prefix of the in-store weight barcodes of deli goods (the default of barcodes.weight-prefixes). */
    public static final String IN_STORE_WEIGHT_PREFIX = "21";
    /** Item references of in-store codes have five digits, so only the first 99,999 SKUs can have one. */
    private static final int MAX_IN_STORE_ITEM = 99_999;
    /**
     * Products labelled in the store with their price in the barcode (prefix 22, the default of
     * barcodes.price-prefixes), appended to the demo catalog so the demo can scan one; the catalog price
     * is the usual price, the label's price is what is billed.
     */
    public static final List<CatalogItem> DEMO_PRICE_LABELLED = List.of(
            new CatalogItem("SKU-900001", Ean13.withCheckDigit("229000100000"), "Antipasti Tray (price on label)", 699,
                    "reduced", ItemUnit.EACH),
            new CatalogItem("SKU-900002", Ean13.withCheckDigit("229000200000"), "Store-Baked Fruit Tart (price on label)", 1249,
                    "reduced", ItemUnit.EACH));
    /** A bound that keeps generation (and the barcode space per brand) sane. */
    public static final int MAX_COUNT = 5_000_000;

    // GS1 country prefixes 400-440 are Germany's; any real-looking range would do.
    private static final int GS1_PREFIX_MIN = 400;
    private static final int GS1_PREFIX_SPAN = 41;
    private static final int NAME_ATTEMPTS = 8;
    private static final int BRAND_BARCODE_ATTEMPTS = 20;

    private final Random random;
    private final long seed;
    private final int totalWeight;
    private final Set<String> names = new HashSet<>();
    private final Set<String> barcodes = new HashSet<>();

    private CatalogGenerator(long seed) {
        this.seed = seed;
        // java.util.Random's algorithm is fixed by its specification, so output is the same on every JVM.
        this.random = new Random(seed);
        this.totalWeight = CatalogWords.CATEGORIES.stream().mapToInt(ProductCategory::weight).sum();
    }

    /** {@code count} products with SKUs SKU-000001, SKU-000002, ...; prices in cents. */
    public static List<CatalogItem> generate(int count, long seed) {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count " + count + " is not between 0 and " + MAX_COUNT);
        }
        CatalogGenerator g = new CatalogGenerator(seed);
        List<CatalogItem> items = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            items.add(g.next(i));
        }
        return items;
    }

    /** The committed demo catalog: the generated products plus {@link #DEMO_PRICE_LABELLED}. */
    public static List<CatalogItem> demo() {
        List<CatalogItem> items = new ArrayList<>(generate(DEMO_COUNT, DEMO_SEED));
        items.addAll(DEMO_PRICE_LABELLED);
        return items;
    }

    /** Writes a generated catalog as CSV; the file appears whole or not at all (written aside, then moved). */
    public static void write(int count, long seed, Path out) throws IOException {
        write(generate(count, seed), out);
    }

    /** Writes the demo catalog ({@link #demo()}) to {@code out}. */
    public static void writeDemo(Path out) throws IOException {
        write(demo(), out);
    }

    private static void write(List<CatalogItem> items, Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                CatalogCsv.write(items, w, CURRENCY_EXPONENT);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@code CatalogGenerator COUNT [SEED] [OUT]}: writes to OUT, or to standard output when OUT is absent or "-";
     * {@code CatalogGenerator demo OUT} writes the demo catalog.
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("demo")) {
            writeDemo(Path.of(args[1]));
            return;
        }
        int count;
        long seed;
        try {
            count = args.length > 0 ? Integer.parseInt(args[0]) : DEMO_COUNT;
            seed = args.length > 1 ? Long.parseLong(args[1]) : DEMO_SEED;
        } catch (NumberFormatException e) {
            System.err.println("usage: CatalogGenerator [COUNT [SEED [OUT.csv]]]  (" + e.getMessage() + ")");
            System.exit(2);
            return;
        }
        if (args.length > 2 && !args[2].equals("-")) {
            write(count, seed, Path.of(args[2]));
        } else {
            Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
            CatalogCsv.write(generate(count, seed), w, CURRENCY_EXPONENT);
        }
    }

    private CatalogItem next(int index) {
        ProductCategory category = pickCategory();
        String name = null;
        ProductCategory.Line line = null;
        String brand = "";
        for (int attempt = 0; attempt < NAME_ATTEMPTS && (name == null || names.contains(name)); attempt++) {
            // Past the distinct combinations (a 50,000 catalog) names repeat, as they do across pack variants.
            line = pick(category.lines());
            brand = category.brands().isEmpty() ? "" : pick(category.brands());
            name = name(brand, line, category.suffix());
        }
        names.add(name);
        String barcode = category.unit() == ItemUnit.KG ? weighedBarcode(category, index) : barcode(brand);
        return new CatalogItem(String.format(Locale.ROOT, "SKU-%06d", index), barcode, name, price(line), category.taxClass(),
                category.unit());
    }

    /** Deli goods packed at the counter: 21 + item reference (the SKU number) + zero weight digits + check digit. */
    private static String weighedBarcode(ProductCategory category, int index) {
        if (!category.suffix().equals("by weight") || index > MAX_IN_STORE_ITEM) {
            return "";
        }
        return Ean13.withCheckDigit(IN_STORE_WEIGHT_PREFIX + String.format(Locale.ROOT, "%05d", index) + "00000");
    }

    private ProductCategory pickCategory() {
        int r = random.nextInt(totalWeight);
        for (ProductCategory c : CatalogWords.CATEGORIES) {
            r -= c.weight();
            if (r < 0) {
                return c;
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    private String name(String brand, ProductCategory.Line line, String suffix) {
        // One chance in (variants + 1) of the plain product, e.g. "Milk" beside "Organic Milk".
        int v = random.nextInt(line.variants().size() + 1);
        String variant = v == line.variants().size() ? "" : line.variants().get(v);
        String size = line.sizes().isEmpty() ? "" : pick(line.sizes());
        StringBuilder sb = new StringBuilder();
        for (String part : new String[] {brand, variant, line.noun(), size, suffix}) {
            if (!part.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(part);
            }
        }
        return sb.toString();
    }

    /** A shelf price ending in 9 within the line's range: prices like 1.49 and 2.99, as shops set them. */
    private long price(ProductCategory.Line line) {
        long span = line.maxPrice() - line.minPrice() + 1;
        long p = line.minPrice() + random.nextInt(Math.toIntExact(span));
        p = p - p % 10 + 9;
        if (p > line.maxPrice()) {
            p -= 10;
        }
        return Math.max(p, line.minPrice());
    }

    /**
     * An unused EAN-13: a company prefix fixed per brand (so a brand's goods share their first seven
     * digits, as in a real shop) plus a random item number, then the GS1 check digit.
     */
    private String barcode(String brand) {
        Random brandRandom = new Random(seed * 31 + brand.hashCode());
        String company = String.format(Locale.ROOT, "%03d%04d", GS1_PREFIX_MIN + brandRandom.nextInt(GS1_PREFIX_SPAN),
                brandRandom.nextInt(10_000));
        for (int attempt = 0; ; attempt++) {
            String data = attempt < BRAND_BARCODE_ATTEMPTS
                    ? company + String.format(Locale.ROOT, "%05d", random.nextInt(100_000))
                    : String.format(Locale.ROOT, "%03d%09d", GS1_PREFIX_MIN + random.nextInt(GS1_PREFIX_SPAN), random.nextInt(1_000_000_000));
            String code = Ean13.withCheckDigit(data);
            if (barcodes.add(code)) {
                return code;
            }
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
