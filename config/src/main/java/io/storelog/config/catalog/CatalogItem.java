package io.storelog.config.catalog;

import java.util.Objects;

/**
 * One product of a catalog file.
 *
 * @param sku      the store's product code, unique in a catalog
 * @param barcode  digits as printed under the bars (EAN-13 for packaged goods); "" for loose, weighed items
 * @param name     shown on the till and the receipt
 * @param price    in minor units of the store currency; per kg when {@code unit} is KG
 * @param taxClass a class of the store's tax-classes, e.g. "standard"
 * @param unit     sold each or by the kg
 */
public record CatalogItem(String sku, String barcode, String name, long price, String taxClass, ItemUnit unit) {
    /** Guards the invariants a file reader also checks, for items built in code. */
    public CatalogItem {
        Objects.requireNonNull(unit, "unit");
        if (sku == null || sku.isBlank()) {
            throw new IllegalArgumentException("sku is empty");
        }
        if (barcode == null || !barcode.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("barcode '" + barcode + "' is not digits");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is empty");
        }
        if (price < 0) {
            throw new IllegalArgumentException("price " + price + " is negative");
        }
        if (taxClass == null || taxClass.isBlank()) {
            throw new IllegalArgumentException("tax class is empty");
        }
    }
}
