package io.storelog.node.barcode;

/** What a scanned barcode identifies: a trade item, or an in-store item with its price or weight in the code. */
public enum BarcodeKind {
    /** EAN-13, EAN-8 or UPC-A naming a product; the quantity comes from the till. */
    TRADE_ITEM,
    /** GS1 in-store code carrying the price of this pack. */
    EMBEDDED_PRICE,
    /** GS1 in-store code carrying the weight of this pack. */
    EMBEDDED_WEIGHT
}
