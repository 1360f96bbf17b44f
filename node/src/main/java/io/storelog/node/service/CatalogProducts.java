package io.storelog.node.service;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.billing.PricedProduct;
import io.storelog.node.billing.ProductLookup;
import io.storelog.node.state.CatalogProduct;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Product;
import java.util.Optional;

/**
 * Prices come from the node's folded catalog, never from the request: each at the price in effect at the
 * sale instant (a scheduled price change the lane holds takes effect on time, online or not).
 */
final class CatalogProducts implements ProductLookup {
    private final StoreState state;
    private final long atMs;

    CatalogProducts(StoreState state, long atMs) {
        this.state = state;
        this.atMs = atMs;
    }

    @Override
    public Optional<PricedProduct> find(String sku) {
        Optional<CatalogProduct> found = state.productAt(sku, atMs);
        if (found.isEmpty() || !found.get().product().getActive()) {
            return Optional.empty();
        }
        CatalogProduct cp = found.get();
        Product p = cp.product();
        int rate = cp.taxRateBp().orElseThrow(() -> new StoreLogException(ErrorCode.BAD_REQUEST,
                "SKU " + sku + " has tax class '" + p.getTaxClass() + "' for which the catalog holds no rate"));
        return Optional.of(new PricedProduct(p.getSku(), p.getName(), p.getPrice(), p.getTaxClass(), rate, p.getUnit(), cp.version()));
    }
}
