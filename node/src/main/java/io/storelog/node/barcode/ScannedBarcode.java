package io.storelog.node.barcode;

import java.util.List;

/**
 * A barcode whose check digits hold, decoded.
 *
 * @param code        the digits as scanned
 * @param kind        trade item, or in-store code with a price or a weight
 * @param catalogKeys barcodes to look up in the catalog, in order: the code itself (and its UPC-A/EAN-13
 *                    twin), or for an in-store code its item's base code with value digits zero
 * @param value       embedded price in minor units, or weight in thousandths of a kg (grams); 0 for a trade item
 */
public record ScannedBarcode(String code, BarcodeKind kind, List<String> catalogKeys, long value) {
    public ScannedBarcode {
        catalogKeys = List.copyOf(catalogKeys);
    }
}
