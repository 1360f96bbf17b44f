package io.storelog.config.catalog;

import io.storelog.config.units.Decimals;
import java.util.Arrays;
import java.util.List;

/**
 * One aisle of the generated supermarket: its tax class, how it is sold, its brands and product lines.
 * Names are brand + variant + product + size + suffix, skipping empty parts
 * ("Bananas loose", "Alpenhof Organic Milk 1 L").
 *
 * @param name     aisle name, for documentation
 * @param taxClass tax class of everything in the aisle
 * @param unit     EACH for packaged goods, KG for goods weighed at the till
 * @param weight   relative share of the catalog
 * @param brands   brand names; empty for unbranded goods
 * @param lines    the products of the aisle
 * @param suffix   a word after the name, e.g. "loose"; "" for none
 */
record ProductCategory(String name, String taxClass, ItemUnit unit, int weight, List<String> brands,
                       List<Line> lines, String suffix) {

    /** Builds an aisle from compact line specs, see {@link Line#parse}. */
    static ProductCategory of(String name, String taxClass, ItemUnit unit, int weight, List<String> brands,
                              String suffix, String... lineSpecs) {
        return new ProductCategory(name, taxClass, unit, weight, brands,
                Arrays.stream(lineSpecs).map(Line::parse).toList(), suffix);
    }

    /**
     * A product with the variants and sizes that make sense for it, and its price range in cents.
     *
     * @param noun     "Milk"
     * @param variants words before the noun; the plain product is always also possible
     * @param sizes    pack sizes; empty for weighed goods
     * @param minPrice lowest price in cents (per kg for weighed goods)
     * @param maxPrice highest price in cents
     */
    record Line(String noun, List<String> variants, List<String> sizes, long minPrice, long maxPrice) {
        /** Parses "Milk | Whole, Organic | 500 ml, 1 L | 0.89-1.99"; prices are exact decimal text. */
        static Line parse(String spec) {
            String[] parts = spec.split("\\|", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("product line '" + spec + "' needs noun | variants | sizes | min-max");
            }
            String[] range = parts[3].trim().split("-");
            return new Line(parts[0].trim(), items(parts[1]), items(parts[2]),
                    Decimals.parseScaled(range[0], 2, "price"), Decimals.parseScaled(range[1], 2, "price"));
        }

        private static List<String> items(String csv) {
            return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
