package io.storelog.node.billing;

import io.storelog.config.units.Decimals;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.promotion.CartLine;
import io.storelog.node.promotion.HeldPromotion;
import io.storelog.node.promotion.PromotionEngine;
import io.storelog.node.promotion.PromotionSaving;
import io.storelog.protocol.AppliedPromotion;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Discount;
import io.storelog.protocol.PromotionShare;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prices a bill request against the catalog: lines, promotions, discounts, tax contained in tax-inclusive
 * prices and tenders, in exact long arithmetic. The rules are written down in docs/pricing.md.
 */
public final class BillPricer {
    /** The most lines one bill may hold; keeps a single log entry and its pricing bounded. */
    public static final int MAX_LINES = 500;

    private static final long BP_ONE = 10_000L;
    private static final long MILLI_ONE = 1_000L;

    private final CashRounding cash;

    /** A pricer whose cash pays to the minor unit. */
    public BillPricer() {
        this(CashRounding.NONE);
    }

    /** A pricer that rounds the cash that settles a bill with {@code cash}. */
    public BillPricer(CashRounding cash) {
        this.cash = Objects.requireNonNull(cash, "cash");
    }

    /**
     * Prices {@code request} with no promotions. Fills everything but till, number, business_day, currency and
     * catalog_version, which the caller knows and the pricer does not.
     *
     * @throws StoreLogException BAD_REQUEST, UNKNOWN_SKU or SHORT_TENDER; nothing is half-priced
     */
    public BillCommitted.Builder price(BillRequest request, ProductLookup catalog) {
        return price(request, catalog, List.of(), 0);
    }

    /**
     * Prices {@code request} as sold at {@code atMs} (epoch ms), with the promotions among
     * {@code promotions} that {@link PromotionEngine} finds for the cart at that instant. The prices in
     * {@code catalog} must be those in effect at the same instant.
     *
     * @throws StoreLogException BAD_REQUEST, UNKNOWN_SKU or SHORT_TENDER; nothing is half-priced
     */
    public BillCommitted.Builder price(BillRequest request, ProductLookup catalog, Collection<HeldPromotion> promotions,
            long atMs) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(promotions, "promotions");
        if (request == null) {
            throw bad("the bill request is empty");
        }
        try {
            return priceChecked(request, catalog, promotions, atMs);
        } catch (ArithmeticException overflow) {
            // Only exact long operations throw this: amounts beyond what a long holds are a bad request,
            // never a silently wrapped total.
            throw new StoreLogException(ErrorCode.BAD_REQUEST,
                    "amounts on this bill are too large to price exactly", overflow);
        }
    }

    private static io.storelog.protocol.VoidedLine voidedLine(VoidedLineRequest v, ProductLookup catalog, String where) {
        if (v.sku() == null || v.sku().isBlank()) {
            throw bad(where + ": sku is missing");
        }
        if (v.qtyMilli() <= 0) {
            throw bad(where + ": quantity must be positive");
        }
        Optional<PricedProduct> found = catalog.find(v.sku());
        if (found == null || found.isEmpty()) {
            throw new StoreLogException(ErrorCode.UNKNOWN_SKU, where + ": unknown SKU " + v.sku());
        }
        return io.storelog.protocol.VoidedLine.newBuilder().setSku(v.sku()).setName(orEmpty(found.get().name()))
                .setQtyMilli(v.qtyMilli()).setUnitPrice(found.get().price()).setReason(orEmpty(v.reason())).build();
    }

    private BillCommitted.Builder priceChecked(BillRequest request, ProductLookup catalog,
            Collection<HeldPromotion> promotions, long atMs) {
        if (request.clientBillId() == null || request.clientBillId().isBlank()) {
            throw bad("clientBillId is missing");
        }
        List<LineRequest> requested = request.lines();
        if (requested == null || requested.isEmpty()) {
            throw bad("a bill needs at least one line");
        }
        if (requested.size() > MAX_LINES) {
            throw bad("a bill holds at most " + MAX_LINES + " lines; this one has " + requested.size());
        }

        List<Line> lines = new ArrayList<>(requested.size());
        for (int i = 0; i < requested.size(); i++) {
            lines.add(priceLine(i + 1, requested.get(i), catalog));
        }
        List<AppliedPromotion> applied = applyPromotions(lines, promotions, atMs);
        for (Line line : lines) {
            // A cashier's line discount applies to what the line costs after its promotions.
            line.lineDiscount = line.request.discount() == null ? 0
                    : discountAmount(line.request.discount(), line.gross - line.promotionDiscount,
                    "line " + line.lineNo + ": discount");
        }

        long subtotal = 0;
        for (Line line : lines) {
            subtotal = Math.addExact(subtotal, line.afterLineDiscount());
        }
        long billDiscount = request.discount() == null ? 0
                : discountAmount(request.discount(), subtotal, "bill discount");
        splitBillDiscount(lines, billDiscount);

        BillCommitted.Builder bill = BillCommitted.newBuilder().setClientBillId(request.clientBillId());
        if (request.customer() != null) {
            bill.setCustomer(request.customer());
        }
        if (request.discount() != null) {
            bill.setBillDiscount(discountProto(request.discount()));
        }
        bill.setBillDiscountAmount(billDiscount);
        bill.addAllPromotions(applied);
        for (int i = 0; i < request.voidedLines().size(); i++) {
            bill.addVoidedLines(voidedLine(request.voidedLines().get(i), catalog, "voided line " + (i + 1)));
        }

        long total = 0;
        long tax = 0;
        // Keyed by class, then rate: a class normally has one rate, but two lines priced with
        // different catalog versions may disagree, and their sums must not be blended under one rate.
        Map<String, TreeMap<Integer, long[]>> taxes = new TreeMap<>();
        for (Line line : lines) {
            line.net = line.afterLineDiscount() - line.billShare;
            long rate = line.product.taxRateBp();
            // Tax contained in a tax-inclusive amount: net * r / (1 + r), with r in basis points.
            line.tax = Rounding.mulDivHalfUp(line.net, rate, BP_ONE + rate);
            total = Math.addExact(total, line.net);
            tax = Math.addExact(tax, line.tax);
            long[] sums = taxes.computeIfAbsent(line.taxClass(), k -> new TreeMap<>())
                    .computeIfAbsent(line.product.taxRateBp(), k -> new long[2]);
            sums[0] = Math.addExact(sums[0], line.net);
            sums[1] = Math.addExact(sums[1], line.tax);
            bill.addLines(line.toProto());
        }
        taxes.forEach((taxClass, byRate) -> byRate.forEach((rate, sums) -> bill.addTaxes(TaxLine.newBuilder()
                .setTaxClass(taxClass).setRateBp(rate).setNet(sums[0]).setTax(sums[1]))));
        bill.setTotal(total).setTax(tax);

        applyTenders(bill, request.tenders(), total, cash);
        return bill;
    }

    private Line priceLine(int lineNo, LineRequest request, ProductLookup catalog) {
        String where = "line " + lineNo;
        if (request == null) {
            throw bad(where + ": the line is empty");
        }
        if (request.sku() == null || request.sku().isBlank()) {
            throw bad(where + ": sku is missing");
        }
        if (request.qtyMilli() <= 0) {
            throw bad(where + ": quantity must be positive");
        }
        Optional<PricedProduct> found = catalog.find(request.sku());
        if (found == null || found.isEmpty()) {
            throw new StoreLogException(ErrorCode.UNKNOWN_SKU, where + ": unknown SKU " + request.sku());
        }
        PricedProduct product = found.get();
        long catalogPrice = product.price();
        if (request.priceOverride() != null) {
            product = product.withPrice(request.priceOverride());
        } else if (request.embeddedPrice() != null) {
            // A GS1 in-store code printed the price of this pack; the catalog's price does not apply.
            product = new PricedProduct(product.sku(), product.name(), request.embeddedPrice(), product.taxClass(),
                    product.taxRateBp(), product.unit(), product.version());
        }
        Unit unit = product.unit();
        if (unit == Unit.EACH) {
            if (request.qtyMilli() % MILLI_ONE != 0) {
                throw bad(where + ": " + request.sku() + " is sold by the piece; quantity "
                        + Decimals.formatMilli(request.qtyMilli()) + " is not whole");
            }
        } else if (unit != Unit.KG) {
            // A product without a unit cannot be told apart from a weighed one; refuse rather than guess.
            throw bad(where + ": " + request.sku() + " has no unit (each or kg) in the catalog");
        }
        if (product.price() < 0) {
            throw bad(where + ": " + request.sku() + " has a negative price in the catalog");
        }
        if (product.taxRateBp() < 0) {
            throw bad(where + ": " + request.sku() + " has a negative tax rate in the catalog");
        }

        Line line = new Line(lineNo, request, product);
        line.catalogPrice = catalogPrice;
        line.gross = Rounding.mulDivHalfUp(request.qtyMilli(), product.price(), MILLI_ONE);
        return line;
    }

    /**
     * Runs the promotion engine on the priced lines and splits each promotion's saving over the lines
     * it affects by largest remainder, ties in the order of the lines' content so that line order never
     * changes a line's net. Sets each line's promotion discount.
     */
    private static List<AppliedPromotion> applyPromotions(List<Line> lines, Collection<HeldPromotion> promotions,
            long atMs) {
        if (promotions.isEmpty()) {
            return List.of();
        }
        List<CartLine> cart = new ArrayList<>(lines.size());
        for (Line l : lines) {
            cart.add(new CartLine(l.lineNo, l.sku(), l.request.qtyMilli(), l.product.price(), l.product.unit() == Unit.KG,
                    l.gross, l.tieKey()));
        }
        List<AppliedPromotion> out = new ArrayList<>();
        for (PromotionSaving saving : PromotionEngine.apply(cart, promotions, atMs)) {
            List<Integer> lineNos = new ArrayList<>(saving.weights().keySet());
            long[] weights = new long[lineNos.size()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = saving.weights().get(lineNos.get(i));
            }
            List<Integer> tieOrder = new ArrayList<>(lineNos.size());
            for (int i = 0; i < lineNos.size(); i++) {
                tieOrder.add(i);
            }
            tieOrder.sort(Comparator.comparing((Integer i) -> lines.get(lineNos.get(i) - 1).tieKey())
                    .thenComparing(i -> lineNos.get(i)));
            long[] shares = LargestRemainder.split(saving.amount(), weights, tieOrder);
            AppliedPromotion.Builder a = AppliedPromotion.newBuilder().setPromotionId(saving.id()).setName(saving.name())
                    .setVersion(saving.version()).setAmount(saving.amount());
            for (int i = 0; i < shares.length; i++) {
                if (shares[i] > 0) {
                    Line line = lines.get(lineNos.get(i) - 1);
                    line.promotionDiscount = Math.addExact(line.promotionDiscount, shares[i]);
                    a.addLines(PromotionShare.newBuilder().setLineNo(line.lineNo).setAmount(shares[i]));
                }
            }
            out.add(a.build());
        }
        return out;
    }

    /**
     * Splits the bill discount over the lines in proportion to what each still costs, by the
     * largest-remainder method (ties to the earlier line): shares sum exactly to the discount and no share
     * exceeds its line.
     */
    private static void splitBillDiscount(List<Line> lines, long discount) {
        if (discount == 0) {
            return;
        }
        long[] weights = new long[lines.size()];
        List<Integer> lineOrder = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            weights[i] = lines.get(i).afterLineDiscount();
            lineOrder.add(i);
        }
        long[] shares = LargestRemainder.split(discount, weights, lineOrder);
        for (int i = 0; i < lines.size(); i++) {
            lines.get(i).billShare = shares[i];
        }
    }

    private static long discountAmount(DiscountSpec spec, long base, String what) {
        boolean hasPercent = spec.percentBp() != null;
        boolean hasAmount = spec.amount() != null;
        if (hasPercent == hasAmount) {
            throw bad(what + " needs exactly one of percent or amount");
        }
        if (hasPercent) {
            int bp = spec.percentBp();
            if (bp < 0) {
                throw bad(what + " of " + percentText(bp) + " is negative");
            }
            if (bp > BP_ONE) {
                throw bad(what + " of " + percentText(bp) + " is over 100%");
            }
            // bp <= 100%, so the discount never exceeds its base.
            return Rounding.mulDivHalfUp(base, bp, BP_ONE);
        }
        long amount = spec.amount();
        if (amount < 0) {
            throw bad(what + " amount " + amount + " is negative");
        }
        // A fixed discount larger than what it applies to stops at zero rather than going negative.
        return Math.min(amount, base);
    }

    private static void applyTenders(BillCommitted.Builder bill, List<TenderRequest> tenders, long total, CashRounding cash) {
        long due = total;
        long change = 0;
        List<TenderRequest> list = tenders == null ? List.of() : tenders;
        for (int i = 0; i < list.size(); i++) {
            String where = "tender " + (i + 1);
            TenderRequest t = list.get(i);
            if (t == null) {
                throw bad(where + ": the tender is empty");
            }
            TenderType type = t.type();
            if (type == null || type == TenderType.TENDER_UNSPECIFIED || type == TenderType.UNRECOGNIZED) {
                throw bad(where + ": type must be cash, card, wallet or custom");
            }
            // Cards are keyed in by hand at an offline till: the authorisation code is the only trace.
            if (type == TenderType.CARD && (t.reference() == null || t.reference().isBlank())) {
                throw bad(where + ": a card tender needs a reference (the authorisation code)");
            }
            if (type == TenderType.CUSTOM && (t.name() == null || t.name().isBlank())) {
                throw bad(where + ": a custom tender needs a name");
            }
            if (due == 0) {
                throw bad(where + ": the bill is already fully paid; nothing is left to pay");
            }
            long applied;
            long tendered;
            CashRounding.Settlement settles = type == TenderType.CASH ? cash.settle(due, t.amount(), where) : null;
            if (settles != null) {
                // Cash that settles the bill pays the due exactly; the rounding is recorded beside it.
                applied = due;
                tendered = settles.tendered();
                change = settles.change();
                bill.setCashRounding(settles.rounding());
            } else if (t.amount() == null) {
                applied = due;
                tendered = due;
            } else {
                long amount = t.amount();
                if (amount <= 0) {
                    throw bad(where + ": amount must be positive");
                }
                if (amount > due) {
                    if (type != TenderType.CASH) {
                        throw bad(type.name().toLowerCase(Locale.ROOT) + " tender " + amount + " exceeds " + due
                                + " still due; only cash gives change");
                    }
                    change = amount - due;
                    applied = due;
                } else {
                    applied = amount;
                }
                tendered = amount;
            }
            Tender.Builder tender = Tender.newBuilder().setType(type).setAmount(applied).setTendered(tendered);
            if (t.reference() != null) {
                tender.setReference(t.reference());
            }
            if (t.name() != null) {
                tender.setName(t.name());
            }
            bill.addTenders(tender);
            due -= applied;
        }
        if (due > 0) {
            throw new StoreLogException(ErrorCode.SHORT_TENDER,
                    "tenders cover " + (total - due) + " of " + total + "; " + due + " still due");
        }
        bill.setChange(change);
    }

    private static Discount discountProto(DiscountSpec spec) {
        Discount.Builder d = Discount.newBuilder();
        if (spec.percentBp() != null) {
            d.setPercentBp(spec.percentBp());
        } else {
            d.setAmount(spec.amount());
        }
        if (spec.reason() != null) {
            d.setReason(spec.reason());
        }
        return d.build();
    }

    private static String percentText(int bp) {
        // Display only: basis points to "12.5%"; money never goes through BigDecimal here.
        return BigDecimal.valueOf(bp, 2).stripTrailingZeros().toPlainString() + "%";
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Working state of one line while the bill is priced. */
    private static final class Line {
        final int lineNo;
        final LineRequest request;
        final PricedProduct product;
        long gross;
        long catalogPrice;
        long promotionDiscount;
        long lineDiscount;
        long billShare;
        long net;
        long tax;

        Line(int lineNo, LineRequest request, PricedProduct product) {
            this.lineNo = lineNo;
            this.request = request;
            this.product = product;
        }

        long afterLineDiscount() {
            return gross - promotionDiscount - lineDiscount;
        }

        /** The line's content (SKU, quantity, asked discount), never its position. */
        String tieKey() {
            DiscountSpec d = request.discount();
            String discount = d == null ? "-" : d.percentBp() != null ? "p" + d.percentBp() : "a" + d.amount();
            return sku() + "|" + request.qtyMilli() + "|" + discount;
        }

        String taxClass() {
            return orEmpty(product.taxClass());
        }

        String sku() {
            return product.sku() == null || product.sku().isBlank() ? request.sku() : product.sku();
        }

        BillLine toProto() {
            BillLine.Builder b = BillLine.newBuilder()
                    .setLineNo(lineNo)
                    .setSku(sku())
                    .setName(orEmpty(product.name()))
                    .setQtyMilli(request.qtyMilli())
                    .setUnitPrice(product.price())
                    .setTaxClass(taxClass())
                    .setTaxRateBp(product.taxRateBp())
                    .setGross(gross)
                    .setPromotionDiscount(promotionDiscount)
                    .setLineDiscount(lineDiscount)
                    .setBillDiscountShare(billShare)
                    .setNet(net)
                    .setTax(tax)
                    .setProductVersion(product.version())
                    .setUnit(product.unit());
            if (request.discount() != null) {
                b.setDiscount(discountProto(request.discount()));
            }
            if (request.barcode() != null) {
                b.setBarcode(request.barcode()).setPriceEmbedded(request.embeddedPrice() != null);
            }
            if (request.priceOverride() != null) {
                // The price typed at the till replaced this one (the approval is checked by the caller).
                b.setPriceOverridden(true).setCatalogUnitPrice(catalogPrice);
            }
            return b.build();
        }
    }
}
