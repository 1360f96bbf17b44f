package io.storelog.node.barcode;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.billing.LineRequest;
import io.storelog.protocol.Product;
import io.storelog.protocol.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns scans into catalog products and bill lines asked for by barcode into lines by SKU, before the
 * bill is priced. A weighed pack's line quantity is the weight in its code; a price-embedded pack is
 * one piece at the price in its code. Every problem names the line and the barcode; nothing is written.
 */
public final class BarcodeResolver {
    private static final long MILLI_ONE = 1_000L;

    private final BarcodeDecoder decoder;
    private final Function<String, Optional<Product>> byBarcode;

    /** Looks products up with {@code byBarcode} (active products only; empty when the catalog has none). */
    public BarcodeResolver(BarcodeDecoder decoder, Function<String, Optional<Product>> byBarcode) {
        this.decoder = decoder;
        this.byBarcode = byBarcode;
    }

    /** The product a scan names, with the decoded price or weight; BAD_REQUEST or UNKNOWN_SKU otherwise. */
    public ResolvedBarcode resolve(String scan) {
        ScanText text = ScanText.parse(scan);
        ScannedBarcode code = decoder.decode(text.code());
        Product product = null;
        for (String key : code.catalogKeys()) {
            Optional<Product> p = byBarcode.apply(key);
            if (p.isPresent() && p.get().getActive()) {
                product = p.get();
                break;
            }
        }
        if (product == null) {
            String where = code.kind() == BarcodeKind.TRADE_ITEM ? ""
                    : " (an in-store code; the catalog lists its item under " + code.catalogKeys().get(0) + ")";
            throw new StoreLogException(ErrorCode.UNKNOWN_SKU, "barcode " + code.code() + " names no product in the catalog" + where);
        }
        switch (code.kind()) {
            case EMBEDDED_WEIGHT -> {
                if (product.getUnit() != Unit.KG) {
                    throw BarcodeDecoder.bad(code.code(), "carries a weight, but " + product.getSku() + " is sold by the piece");
                }
                if (code.value() <= 0) {
                    throw BarcodeDecoder.bad(code.code(), "carries a weight of zero");
                }
                if (text.multiplier() != 1) {
                    throw BarcodeDecoder.bad(code.code(), "carries the weight of one pack; scan each pack instead of a multiplier");
                }
            }
            case EMBEDDED_PRICE -> {
                if (product.getUnit() != Unit.EACH) {
                    throw BarcodeDecoder.bad(code.code(), "carries a price, but " + product.getSku()
                            + " is sold by the kg; its labels must carry the weight");
                }
            }
            case TRADE_ITEM -> {
                // The quantity comes from the till.
            }
        }
        return new ResolvedBarcode(code, product, text.multiplier());
    }

    /** The lines with every barcode line replaced by a line by SKU; lines by SKU pass unchanged. */
    public List<LineRequest> resolveLines(List<LineRequest> lines) {
        if (lines == null) {
            return null;
        }
        List<LineRequest> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            LineRequest l = lines.get(i);
            out.add(l == null || l.barcode() == null ? l : resolveLine(i + 1, l));
        }
        return out;
    }

    private LineRequest resolveLine(int lineNo, LineRequest line) {
        String where = "line " + lineNo + ": ";
        if (line.sku() != null) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, where + "give sku or barcode, not both");
        }
        ResolvedBarcode r;
        try {
            r = resolve(line.barcode());
        } catch (StoreLogException e) {
            throw new StoreLogException(e.code(), where + e.getMessage());
        }
        long qty = r.qtyMilli();
        if (line.qtyMilli() != 0) {
            String code = r.barcode().code();
            if (line.qtyMilli() < 0) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, where + "quantity must be positive");
            }
            if (r.multiplier() != 1 && line.qtyMilli() != MILLI_ONE) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, where + "barcode " + code
                        + " has a multiplier and the line a qty; give the quantity once");
            }
            if (r.barcode().kind() == BarcodeKind.EMBEDDED_WEIGHT && line.qtyMilli() != MILLI_ONE) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, where + "barcode " + code
                        + " carries the weight of one pack; scan each pack instead of giving a qty");
            }
            if (r.barcode().kind() != BarcodeKind.EMBEDDED_WEIGHT) {
                qty = line.qtyMilli() * r.multiplier();
            }
        }
        return new LineRequest(r.product().getSku(), qty, line.discount(), r.barcode().code(), r.embeddedPrice());
    }
}
