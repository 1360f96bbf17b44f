package io.storelog.node.billing;

import java.util.Optional;

/** Where the pricer finds a product by SKU; the node's catalog, a map in tests. */
@FunctionalInterface
public interface ProductLookup {
    /** The product with this SKU, or empty if the catalog does not hold it. */
    Optional<PricedProduct> find(String sku);
}
