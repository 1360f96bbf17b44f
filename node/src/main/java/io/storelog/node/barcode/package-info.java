/**
 * Barcodes as scanned at the till: GS1 check digits of EAN-13, EAN-8 and UPC-A, GS1 in-store codes that
 * carry a price or a weight, quantity multipliers ({@code 3*code}), and their resolution to a catalog product.
 */
package io.storelog.node.barcode;
