package io.storelog.node.hq;

import io.storelog.protocol.PriceChange;
import io.storelog.protocol.Product;
import io.storelog.protocol.Promotion;
import io.storelog.protocol.StaffUpdate;
import io.storelog.protocol.TaxRate;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A catalog change to publish under one new version.
 *
 * @param source      "hq" for an edit, "file:NAME" for an import
 * @param contentHash hex SHA-256 of an imported file (publishing it again is a no-op), or "" for an edit
 * @param products    the products as they are from this version on
 * @param taxRates    tax rates to publish with it (may be empty)
 * @param promotions  promotions as they are from this version on (may be empty)
 * @param priceChanges scheduled prices (may be empty)
 * @param staff       staff as they are from this version on (may be empty)
 */
public record CatalogChange(String source, String contentHash, List<Product> products, List<TaxRate> taxRates,
                            List<Promotion> promotions, List<PriceChange> priceChanges, List<StaffUpdate> staff) {
    /** A change without staff. */
    public CatalogChange(String source, String contentHash, List<Product> products, List<TaxRate> taxRates,
                         List<Promotion> promotions, List<PriceChange> priceChanges) {
        this(source, contentHash, products, taxRates, promotions, priceChanges, List.of());
    }

    /** A change of products and tax rates only. */
    public CatalogChange(String source, String contentHash, List<Product> products, List<TaxRate> taxRates) {
        this(source, contentHash, products, taxRates, List.of(), List.of(), List.of());
    }

    public CatalogChange {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(contentHash, "contentHash");
        // Sorted, as entry.proto asks of repeated fields: every store then appends identical bytes.
        products = products.stream().sorted(Comparator.comparing(Product::getSku)).toList();
        taxRates = taxRates.stream().sorted(Comparator.comparing(TaxRate::getTaxClass)).toList();
        promotions = promotions.stream().sorted(Comparator.comparing(Promotion::getId)).toList();
        priceChanges = priceChanges.stream().sorted(Comparator.comparing(PriceChange::getSku)
                .thenComparingLong(PriceChange::getEffectiveAtMs)).toList();
        staff = staff.stream().sorted(Comparator.comparing(StaffUpdate::getStaffId)).toList();
        if (products.isEmpty() && taxRates.isEmpty() && promotions.isEmpty() && priceChanges.isEmpty() && staff.isEmpty()) {
            throw new IllegalArgumentException("a catalog change needs at least one product, tax rate, promotion, price or member of staff");
        }
    }
}
