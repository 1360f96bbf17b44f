package io.storelog.node.billing;

import io.storelog.protocol.Unit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A map-backed catalog for pricing tests. */
final class TestCatalog implements ProductLookup {
    private final Map<String, PricedProduct> products = new LinkedHashMap<>();

    TestCatalog add(String sku, long price, String taxClass, int rateBp, Unit unit) {
        products.put(sku, new PricedProduct(sku, "Name of " + sku, price, taxClass, rateBp, unit, 7));
        return this;
    }

    TestCatalog each(String sku, long price, String taxClass, int rateBp) {
        return add(sku, price, taxClass, rateBp, Unit.EACH);
    }

    TestCatalog kg(String sku, long price, String taxClass, int rateBp) {
        return add(sku, price, taxClass, rateBp, Unit.KG);
    }

    @Override
    public Optional<PricedProduct> find(String sku) {
        return Optional.ofNullable(products.get(sku));
    }
}
