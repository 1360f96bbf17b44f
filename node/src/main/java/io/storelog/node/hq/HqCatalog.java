package io.storelog.node.hq;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.config.ConfigException;
import io.storelog.config.ConfigKeys;
import io.storelog.config.StoreSection;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.api.Json;
import io.storelog.protocol.Product;
import io.storelog.protocol.TaxRate;
import io.storelog.protocol.Unit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The catalog headquarters publishes: a product file imported as one version (again only when its content
 * changed), and single products changed through the API, each change a version of its own.
 */
final class HqCatalog {
    private static final Pattern SKU = Pattern.compile("\\S{1,64}");
    private static final Pattern BARCODE = Pattern.compile("[0-9]{0,14}");
    private static final int MAX_NAME_CHARS = 200;

    private final HqStore store;
    private final StoreSection config;
    private final LongSupplier clock;

    HqCatalog(HqStore store, StoreSection config) {
        this(store, config, System::currentTimeMillis);
    }

    /** @param clock epoch ms: a price published now takes effect now (scheduled prices come later, in order) */
    HqCatalog(HqStore store, StoreSection config, LongSupplier clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /** Publishes a catalog file with this HQ's tax rates; the same content a second time publishes nothing. */
    CatalogPublication importFile(Path file) {
        List<CatalogItem> items = CatalogCsv.read(file, config.currencyExponent());
        List<Product> products = new ArrayList<>(items.size());
        // A file states today's prices: they take effect now, after any scheduled price already in effect.
        long now = clock.getAsLong();
        for (CatalogItem i : items) {
            if (config.taxBasisPoints(i.taxClass()).isEmpty()) {
                throw ConfigException.invalid(ConfigKeys.CATALOG_FILE, file + ": SKU " + i.sku() + " has tax class '"
                        + i.taxClass() + "' which store.tax-classes does not define");
            }
            products.add(Product.newBuilder().setSku(i.sku()).setBarcode(i.barcode()).setName(i.name()).setPrice(i.price())
                    .setTaxClass(i.taxClass()).setUnit(i.unit() == ItemUnit.KG ? Unit.KG : Unit.EACH).setActive(true)
                    .setPriceEffectiveAtMs(now).build());
        }
        return store.publishCatalog(new CatalogChange("file:" + file.getFileName(), sha256(file), products, taxRates()));
    }

    /** This HQ's tax classes as catalog tax rates. */
    List<TaxRate> taxRates() {
        List<TaxRate> rates = new ArrayList<>();
        config.taxClasses().forEach((cls, bp) -> rates.add(TaxRate.newBuilder().setTaxClass(cls).setRateBp(bp).build()));
        return rates;
    }

    /**
     * Creates or changes one product from a JSON body ({@code name, price, taxClass, unit, barcode, active});
     * fields left out keep their published value. Answers the product as published and its version.
     */
    Published putProduct(String sku, JsonNode body) {
        if (!SKU.matcher(sku).matches()) {
            throw bad("sku '" + sku + "' must be 1-64 characters without spaces");
        }
        Optional<Product> current = store.product(sku);
        Product.Builder p = current.map(Product::toBuilder)
                .orElseGet(() -> Product.newBuilder().setSku(sku).setUnit(Unit.EACH).setActive(true));
        String name = Json.optText(body, "name", "");
        if (name != null) {
            if (name.isBlank() || name.length() > MAX_NAME_CHARS) {
                throw bad("name must be 1-" + MAX_NAME_CHARS + " characters");
            }
            p.setName(name.strip());
        }
        Long price = Json.optInteger(body, "price", "");
        if (price != null) {
            if (price < 0) {
                throw bad("price " + price + " is negative");
            }
            p.setPrice(price);
            // Takes effect now; an edit that leaves the price out keeps the instant it took effect, so it
            // does not undo a scheduled price that took effect since.
            p.setPriceEffectiveAtMs(clock.getAsLong());
        }
        String taxClass = Json.optText(body, "taxClass", "");
        if (taxClass != null) {
            String cls = taxClass.strip().toLowerCase(Locale.ROOT);
            if (config.taxBasisPoints(cls).isEmpty()) {
                throw bad("taxClass '" + taxClass + "' is not one of " + config.taxClasses().keySet());
            }
            p.setTaxClass(cls);
        }
        String unit = Json.optText(body, "unit", "");
        if (unit != null) {
            ItemUnit u = ItemUnit.parse(unit).orElseThrow(() -> bad("unit '" + unit + "' is not each or kg"));
            p.setUnit(u == ItemUnit.KG ? Unit.KG : Unit.EACH);
        }
        String barcode = Json.optText(body, "barcode", "");
        if (barcode != null) {
            if (!BARCODE.matcher(barcode).matches()) {
                throw bad("barcode '" + barcode + "' must be empty or up to 14 digits");
            }
            p.setBarcode(barcode);
        }
        JsonNode active = body.get("active");
        if (active != null && !active.isNull()) {
            if (!active.isBoolean()) {
                throw bad("active must be true or false");
            }
            p.setActive(active.booleanValue());
        }
        if (current.isEmpty()) {
            for (String required : List.of("name", "price", "taxClass")) {
                if (!body.hasNonNull(required)) {
                    throw bad(required + " is required for a new product");
                }
            }
        }
        Product product = p.build();
        CatalogPublication pub = store.publishCatalog(new CatalogChange("hq", "", List.of(product), List.of()));
        return new Published(product, pub.version());
    }

    /** A product and the catalog version it was published under. */
    record Published(Product product, long version) {
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw ConfigException.invalid(ConfigKeys.CATALOG_FILE, file + " cannot be read: " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
