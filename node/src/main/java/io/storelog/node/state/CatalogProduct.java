package io.storelog.node.state;

import io.storelog.protocol.Product;
import java.util.Optional;

/** A product as the catalog currently holds it, with its winning version and its tax rate if known. */
public record CatalogProduct(Product product, long version, Optional<Integer> taxRateBp) {
}
