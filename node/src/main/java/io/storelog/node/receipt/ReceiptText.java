package io.storelog.node.receipt;

import io.storelog.config.units.Decimals;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lays a stored bill out as a receipt of {@value #WIDTH} columns. Every amount is the one the bill was
 * stored with; nothing is re-priced. A copy says COPY at its top and bottom.
 */
public final class ReceiptText {
    /** Characters per line of an 80 mm receipt printer in its standard font. */
    public static final int WIDTH = 42;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private ReceiptText() {
    }

    /** The receipt of {@code billEntry} (an entry whose body is a bill). */
    public static Receipt render(Entry billEntry, ReceiptContext ctx) {
        BillCommitted b = billEntry.getBill();
        Columns c = new Columns(WIDTH);
        List<String> out = new ArrayList<>();
        out.add(c.center(ctx.store()));
        if (ctx.copyNumber() > 0) {
            out.add(c.center("*** COPY " + ctx.copyNumber() + " ***"));
        }
        int header = out.size();
        out.add(c.leftRight("Till " + b.getTill(), "Bill " + b.getTill() + "-" + String.format(Locale.ROOT, "%06d", b.getNumber())));
        out.add(c.leftRight(TIME.format(Instant.ofEpochMilli(billEntry.getHlc().getWallMs()).atZone(ctx.zone())),
                ctx.zone().getId()));
        if (!billEntry.getActor().isEmpty()) {
            out.add(c.leftRight("Cashier", billEntry.getActor()));
        }
        if (!b.getCustomer().isEmpty()) {
            out.add(c.leftRight("Customer", b.getCustomer()));
        }
        out.add(c.rule('-'));
        for (BillLine l : b.getLinesList()) {
            out.addAll(c.wrap(l.getName().isEmpty() ? l.getSku() : l.getName(), ""));
            out.add(c.leftRight("  " + quantity(l, ctx), money(l.getGross(), ctx)));
            if (l.getLineDiscount() != 0) {
                out.add(c.leftRight("  Discount" + reason(l.getDiscount().getReason()), money(-l.getLineDiscount(), ctx)));
            }
        }
        out.add(c.rule('-'));
        List<PromotionLine> promotions = AppliedPromotions.of(b);
        if (!promotions.isEmpty()) {
            out.add("Promotions");
            for (PromotionLine p : promotions) {
                out.add(c.leftRight("  " + p.name(), money(-p.amount(), ctx)));
            }
        }
        if (b.getBillDiscountAmount() != 0) {
            out.add(c.leftRight("Bill discount" + reason(b.getBillDiscount().getReason()), money(-b.getBillDiscountAmount(), ctx)));
        }
        out.add(c.leftRight("TOTAL " + b.getCurrency(), money(b.getTotal(), ctx)));
        for (TaxLine t : b.getTaxesList()) {
            out.add(c.leftRight("  Tax " + t.getTaxClass() + " " + percent(t.getRateBp()) + " of " + money(t.getNet(), ctx),
                    money(t.getTax(), ctx)));
        }
        out.add(c.leftRight("  Tax included", money(b.getTax(), ctx)));
        if (b.getCashRounding() != 0) {
            out.add(c.leftRight("Cash rounding", signed(b.getCashRounding(), ctx)));
            out.add(c.leftRight("Due in cash", money(cashDue(b), ctx)));
        }
        for (Tender t : b.getTendersList()) {
            out.add(c.leftRight(tenderLabel(t), money(t.getType() == TenderType.CASH ? t.getTendered() : t.getAmount(), ctx)));
        }
        if (b.getChange() != 0 || b.getTendersList().stream().anyMatch(t -> t.getType() == TenderType.CASH)) {
            out.add(c.leftRight("Change", money(b.getChange(), ctx)));
        }
        out.add(c.rule('-'));
        out.add(ctx.lanesHolding() <= 1 ? "Held by this lane only" : "Held by " + ctx.lanesHolding() + " lanes");
        if (ctx.copyNumber() > 0) {
            out.add(c.center("*** COPY " + ctx.copyNumber() + " ***"));
        }
        return new Receipt(out, header);
    }

    /** Cash tenders' amounts plus the rounding: what cash paid, net of change. */
    private static long cashDue(BillCommitted b) {
        long cash = 0;
        for (Tender t : b.getTendersList()) {
            if (t.getType() == TenderType.CASH) {
                cash += t.getAmount();
            }
        }
        return cash + b.getCashRounding();
    }

    private static String quantity(BillLine l, ReceiptContext ctx) {
        String qty = Decimals.formatMilli(l.getQtyMilli());
        String price = money(l.getUnitPrice(), ctx);
        if (l.getPriceEmbedded()) {
            return qty + " x " + price + " (label)";
        }
        // Bills written before lines recorded their unit: a fractional quantity can only be a weight.
        boolean kg = l.getUnit() == Unit.KG || (l.getUnit() == Unit.UNIT_UNSPECIFIED && l.getQtyMilli() % 1000 != 0);
        return kg ? qty + " kg x " + price + "/kg" : qty + " x " + price;
    }

    private static String tenderLabel(Tender t) {
        String ref = t.getReference().isEmpty() ? "" : " " + t.getReference();
        return switch (t.getType()) {
            case CASH -> "Cash";
            case CARD -> "Card" + ref;
            case WALLET -> "Wallet" + ref;
            case CUSTOM -> t.getName() + ref;
            default -> t.getType().name();
        };
    }

    private static String reason(String reason) {
        return reason.isEmpty() ? "" : " (" + reason + ")";
    }

    private static String percent(int bp) {
        return BigDecimal.valueOf(bp, 2).stripTrailingZeros().toPlainString() + "%";
    }

    private static String signed(long minor, ReceiptContext ctx) {
        return (minor > 0 ? "+" : "") + money(minor, ctx);
    }

    private static String money(long minor, ReceiptContext ctx) {
        return Decimals.formatMinor(minor, ctx.currencyExponent());
    }
}
