package io.storelog.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.config.units.Decimals;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.state.BudgetKeys;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.DiscountSpec;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.VoidedLineRequest;
import io.storelog.node.billing.RefundLineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.protocol.AppliedPromotion;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.Entry;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Bills and refunds between JSON and the protobuf entries; every field error names the field. */
final class BillJson {
    private BillJson() {
    }

    static BillRequest parseBill(JsonNode body) {
        String clientBillId = Json.text(body, "clientBillId", "");
        JsonNode lines = body.get("lines");
        if (lines == null || !lines.isArray() || lines.isEmpty()) {
            throw bad("lines must be a non-empty array");
        }
        List<LineRequest> lineRequests = new ArrayList<>();
        List<VoidedLineRequest> voided = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode l = lines.get(i);
            String where = "lines[" + i + "].";
            if (!l.isObject()) {
                throw bad("lines[" + i + "] must be an object");
            }
            JsonNode voidFlag = l.get("void");
            if (voidFlag != null && !voidFlag.isNull()) {
                if (!voidFlag.isBoolean()) {
                    throw bad(where + "void must be true or false");
                }
                if (voidFlag.booleanValue()) {
                    // Taken off the cart before payment: recorded on the bill, not charged (needs approval).
                    voided.add(new VoidedLineRequest(Json.text(l, "sku", where), Json.quantityMilli(l, "qty", where),
                            Json.optText(l, "reason", where)));
                    continue;
                }
            }
            JsonNode barcode = l.get("barcode");
            if (barcode != null && !barcode.isNull()) {
                lineRequests.add(scannedLine(l, where));
                continue;
            }
            long qty = Json.quantityMilli(l, "qty", where);
            Long priceOverride = Json.optInteger(l, "priceOverride", where);
            if (priceOverride != null && priceOverride < 0) {
                throw bad(where + "priceOverride must not be negative");
            }
            lineRequests.add(new LineRequest(Json.text(l, "sku", where), qty, discount(l.get("discount"), where + "discount"),
                    priceOverride));
        }
        JsonNode tenders = body.get("tenders");
        if (tenders != null && !tenders.isNull() && !tenders.isArray()) {
            throw bad("tenders must be an array");
        }
        List<TenderRequest> tenderRequests = new ArrayList<>();
        if (tenders != null && tenders.isArray()) {
            for (int i = 0; i < tenders.size(); i++) {
                JsonNode t = tenders.get(i);
                String where = "tenders[" + i + "].";
                if (!t.isObject()) {
                    throw bad("tenders[" + i + "] must be an object");
                }
                TenderType type = tenderType(Json.text(t, "type", where), where + "type");
                tenderRequests.add(new TenderRequest(type, Json.optInteger(t, "amount", where), Json.optText(t, "reference", where),
                        Json.optText(t, "name", where), offline(t, type, where)));
            }
        }
        if (lineRequests.isEmpty()) {
            throw bad("lines must hold at least one line that is not voided");
        }
        return new BillRequest(clientBillId, lineRequests, discount(body.get("discount"), "discount"), tenderRequests,
                Json.optText(body, "customer", ""), Json.optText(body, "cashier", ""), voided);
    }

    /** A line asked for by barcode: {@code qty} is optional (one piece, or the weight in the code). */
    private static LineRequest scannedLine(JsonNode l, String where) {
        if (l.hasNonNull("sku")) {
            throw bad(where + "sku and " + where + "barcode: give one of them, not both");
        }
        String code = Json.text(l, "barcode", where);
        long qty = 0;
        if (l.hasNonNull("qty")) {
            qty = Json.quantityMilli(l, "qty", where);
            if (qty <= 0) {
                throw bad(where + "qty must be positive");
            }
        }
        return LineRequest.scanned(code, qty, discount(l.get("discount"), where + "discount"));
    }

    static List<RefundLineRequest> parseRefundLines(JsonNode body) {
        JsonNode lines = body.get("lines");
        List<RefundLineRequest> out = new ArrayList<>();
        if (lines == null || lines.isNull()) {
            return out;
        }
        if (!lines.isArray()) {
            throw bad("lines must be an array");
        }
        for (int i = 0; i < lines.size(); i++) {
            JsonNode l = lines.get(i);
            String where = "lines[" + i + "].";
            long lineNo = Json.integer(l, "lineNo", where);
            if (lineNo < 1 || lineNo > Integer.MAX_VALUE) {
                throw bad(where + "lineNo must be a line number of the bill");
            }
            out.add(new RefundLineRequest((int) lineNo, Json.quantityMilli(l, "qty", where)));
        }
        return out;
    }

    /** {@code "offline": true} on a card tender: the terminal took it without the payment network. */
    private static boolean offline(JsonNode t, TenderType type, String where) {
        JsonNode n = t.get("offline");
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw bad(where + "offline must be true or false");
        }
        if (n.booleanValue() && type != TenderType.CARD) {
            throw bad(where + "offline is only for card tenders");
        }
        return n.booleanValue();
    }

    static TenderType tenderType(String text, String field) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "cash" -> TenderType.CASH;
            case "card" -> TenderType.CARD;
            case "wallet" -> TenderType.WALLET;
            case "custom" -> TenderType.CUSTOM;
            default -> throw bad(field + " '" + text + "' is not one of cash, card, wallet, custom");
        };
    }

    private static DiscountSpec discount(JsonNode d, String where) {
        if (d == null || d.isNull()) {
            return null;
        }
        if (!d.isObject()) {
            throw bad(where + " must be an object with percent or amount");
        }
        JsonNode percent = d.get("percent");
        JsonNode amount = d.get("amount");
        String reason = Json.optText(d, "reason", where + ".");
        if ((percent == null) == (amount == null)) {
            throw bad(where + " needs exactly one of percent or amount");
        }
        if (percent != null) {
            if (!percent.isNumber()) {
                throw bad(where + ".percent must be a number");
            }
            BigDecimal bp = percent.decimalValue().movePointRight(2);
            if (bp.stripTrailingZeros().scale() > 0 || bp.signum() < 0 || bp.compareTo(BigDecimal.valueOf(10_000)) > 0) {
                throw bad(where + ".percent must be between 0 and 100 with at most two decimals");
            }
            return DiscountSpec.percent(bp.intValueExact(), reason);
        }
        long value = Json.integer(d, "amount", where + ".");
        if (value < 0) {
            throw bad(where + ".amount must not be negative");
        }
        return DiscountSpec.amount(value, reason);
    }

    static ObjectNode render(Entry e, int exponent) {
        BillCommitted b = e.getBill();
        ObjectNode o = Json.object();
        o.put("id", e.getOrigin() + ":" + e.getSeq());
        o.put("clientBillId", b.getClientBillId());
        o.put("number", b.getNumber());
        o.put("receiptNumber", b.getTill() + "-" + String.format(Locale.ROOT, "%06d", b.getNumber()));
        o.put("till", b.getTill());
        o.put("businessDay", b.getBusinessDay());
        o.put("createdAt", Instant.ofEpochMilli(e.getHlc().getWallMs()).toString());
        o.put("cashier", e.getActor());
        o.put("approver", b.getApprover());
        ArrayNode voidedLines = o.putArray("voidedLines");
        for (io.storelog.protocol.VoidedLine v : b.getVoidedLinesList()) {
            voidedLines.addObject().put("sku", v.getSku()).put("name", v.getName()).put("qty", Json.qty(v.getQtyMilli()))
                    .put("unitPrice", v.getUnitPrice()).put("reason", v.getReason());
        }
        o.put("customer", b.getCustomer());
        o.put("currency", b.getCurrency());
        ArrayNode lines = o.putArray("lines");
        for (BillLine l : b.getLinesList()) {
            ObjectNode ln = lines.addObject();
            ln.put("lineNo", l.getLineNo());
            ln.put("sku", l.getSku());
            ln.put("name", l.getName());
            ln.put("qty", Json.qty(l.getQtyMilli()));
            ln.put("unitPrice", l.getUnitPrice());
            if (l.getPriceOverridden()) {
                ln.put("priceOverridden", true).put("catalogUnitPrice", l.getCatalogUnitPrice());
            }
            ln.put("gross", l.getGross());
            ln.put("promotionDiscount", l.getPromotionDiscount());
            ln.put("lineDiscount", l.getLineDiscount());
            ln.put("billDiscountShare", l.getBillDiscountShare());
            ln.put("net", l.getNet());
            ln.put("taxClass", l.getTaxClass());
            ln.put("taxRateBp", l.getTaxRateBp());
            ln.put("tax", l.getTax());
            if (!l.getBarcode().isEmpty()) {
                ln.put("barcode", l.getBarcode());
                ln.put("priceEmbedded", l.getPriceEmbedded());
            }
        }
        ArrayNode promotions = o.putArray("promotions");
        for (AppliedPromotion a : b.getPromotionsList()) {
            promotions.add(PromotionJson.renderApplied(a));
        }
        o.put("billDiscount", b.getBillDiscountAmount());
        o.put("total", b.getTotal());
        o.put("tax", b.getTax());
        ArrayNode taxes = o.putArray("taxes");
        for (TaxLine t : b.getTaxesList()) {
            taxes.addObject().put("taxClass", t.getTaxClass()).put("rateBp", t.getRateBp()).put("net", t.getNet()).put("tax", t.getTax());
        }
        o.set("tenders", tenders(b.getTendersList()));
        o.put("change", b.getChange());
        o.put("cashRounding", b.getCashRounding());
        o.put("catalogVersion", b.getCatalogVersion());
        o.put("totalText", Decimals.formatMinor(b.getTotal(), exponent));
        if (b.getBudgetSpendsCount() > 0) {
            // Quantities of a SKU's budget are thousandths, the card cap minor units, as in GET /api/budgets.
            ObjectNode spends = o.putObject("budgets");
            b.getBudgetSpendsList().forEach(sp -> {
                if (BudgetKeys.isSku(sp.getKey())) {
                    spends.put(sp.getKey(), Json.qty(sp.getAmount()));
                } else {
                    spends.put(sp.getKey(), sp.getAmount());
                }
            });
        }
        return o;
    }

    static ObjectNode renderRefund(Entry e) {
        BillRefunded r = e.getRefund();
        ObjectNode o = Json.object();
        o.put("id", e.getOrigin() + ":" + e.getSeq());
        o.put("billId", r.getBillId());
        o.put("clientRefundId", r.getClientRefundId());
        o.put("till", r.getTill());
        o.put("businessDay", r.getBusinessDay());
        ArrayNode lines = o.putArray("lines");
        for (RefundLine l : r.getLinesList()) {
            lines.addObject().put("lineNo", l.getLineNo()).put("sku", l.getSku()).put("qty", Json.qty(l.getQtyMilli()))
                    .put("amount", l.getAmount()).put("tax", l.getTax());
        }
        o.put("total", r.getTotal());
        o.put("tax", r.getTax());
        o.set("tenders", tenders(r.getTendersList()));
        o.put("cashRounding", r.getCashRounding());
        o.put("reason", r.getReason());
        o.put("cashier", e.getActor());
        o.put("approver", r.getApprover());
        return o;
    }

    private static ArrayNode tenders(List<Tender> list) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Tender t : list) {
            ObjectNode tn = arr.addObject();
            tn.put("type", t.getType().name().toLowerCase(Locale.ROOT));
            tn.put("amount", t.getAmount());
            tn.put("tendered", t.getTendered());
            if (!t.getReference().isEmpty()) {
                tn.put("reference", t.getReference());
            }
            if (!t.getName().isEmpty()) {
                tn.put("name", t.getName());
            }
            if (t.getOffline()) {
                tn.put("offline", true);
            }
        }
        return arr;
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }
}
