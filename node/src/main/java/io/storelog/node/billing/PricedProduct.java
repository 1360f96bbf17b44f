package io.storelog.node.billing;

import io.storelog.protocol.Unit;

/**
 * A product as the pricer sees it: tax-inclusive price in minor units (per piece or per kg),
 * its tax class and rate in basis points, its unit and the catalog version it came from.
 */
public record PricedProduct(String sku, String name, long price, String taxClass, int taxRateBp, Unit unit,
                            long version) {
    /** The same product at another unit price (a price override typed in at the till). */
    public PricedProduct withPrice(long newPrice) {
        return new PricedProduct(sku, name, newPrice, taxClass, taxRateBp, unit, version);
    }
}
