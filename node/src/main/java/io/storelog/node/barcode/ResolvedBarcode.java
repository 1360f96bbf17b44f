package io.storelog.node.barcode;

import io.storelog.protocol.Product;

/**
 * A scanned barcode matched to its catalog product.
 *
 * @param barcode    the decoded barcode
 * @param product    the catalog product it names
 * @param multiplier how many packs were keyed ({@code 3*code}); always 1 for a weighed pack
 */
public record ResolvedBarcode(ScannedBarcode barcode, Product product, int multiplier) {
    private static final long MILLI_ONE = 1_000L;

    /** The line quantity in thousandths: the weight in the code, else the number of pieces. */
    public long qtyMilli() {
        return barcode.kind() == BarcodeKind.EMBEDDED_WEIGHT ? barcode.value() : multiplier * MILLI_ONE;
    }

    /** The price per piece printed in the code, or null when the catalog price applies. */
    public Long embeddedPrice() {
        return barcode.kind() == BarcodeKind.EMBEDDED_PRICE ? barcode.value() : null;
    }
}
