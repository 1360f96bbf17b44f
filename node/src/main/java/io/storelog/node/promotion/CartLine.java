package io.storelog.node.promotion;

import java.util.Objects;

/**
 * One priced line as the engine sees it.
 *
 * @param lineNo    the line's number on the bill (shares are reported by it)
 * @param sku       the product
 * @param qtyMilli  quantity in thousandths; a piece good's is a whole number of pieces
 * @param unitPrice tax-inclusive price per piece or per kg, minor units
 * @param weighed   true for a good sold by the kg: it takes percent and amount offers, never a bundle
 * @param gross     the line's price before any discount, minor units
 * @param tieKey    a key made from the line's content, never its position, that orders lines of equal price,
 *                  so the same cart in another line order claims the same units
 */
public record CartLine(int lineNo, String sku, long qtyMilli, long unitPrice, boolean weighed, long gross,
                       String tieKey) {
    public CartLine {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(tieKey, "tieKey");
        if (qtyMilli <= 0 || unitPrice < 0 || gross < 0) {
            throw new IllegalArgumentException("line " + lineNo + ": quantity, price and gross must not be negative");
        }
    }

    /** Whole pieces on a piece-good line; 0 for a weighed line. */
    long pieces() {
        return weighed ? 0 : qtyMilli / 1000;
    }
}
