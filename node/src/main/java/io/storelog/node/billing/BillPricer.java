package io.storelog.node.billing;

import io.storelog.config.units.Decimals;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Discount;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prices a bill request against the catalog: lines, discounts, tax contained in tax-inclusive prices
 * and tenders, in exact long arithmetic. The rules are written down in docs/pricing.md.
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
     * Prices {@code request}. Fills everything but till, number, business_day, currency and
     * catalog_version, which the caller knows and the pricer does not.
     *
     * @throws StoreLogException BAD_REQUEST, UNKNOWN_SKU or SHORT_TENDER; nothing is half-priced
     */
    public BillCommitted.Builder price(BillRequest request, ProductLookup catalog) {
        Objects.requireNonNull(catalog, "catalog");
        if (request == null) {
            throw bad("the bill request is empty");
        }
        try {
            return priceChecked(request, catalog);
        } catch (ArithmeticException overflow) {
            // Only exact long operations throw this: amounts beyond what a long holds are a bad request,
            // never a silently wrapped total.
            throw new StoreLogException(ErrorCode.BAD_REQUEST,
                    "amounts on this bill are too large to price exactly", overflow);
        }
    }

    private BillCommitted.Builder priceChecked(BillRequest request, ProductLookup catalog) {
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

        long subtotal = 0;
        for (Line line : lines) {
            subtotal = Math.addExact(subtotal, line.afterLineDiscount());
        }
        long billDiscount = request.discount() == null ? 0
                : discountAmount(request.discount(), subtotal, "bill discount");
        splitBillDiscount(lines, billDiscount, subtotal);

        BillCommitted.Builder bill = BillCommitted.newBuilder().setClientBillId(request.clientBillId());
        if (request.customer() != null) {
            bill.setCustomer(request.customer());
        }
        if (request.discount() != null) {
            bill.setBillDiscount(discountProto(request.discount()));
        }
        bill.setBillDiscountAmount(billDiscount);

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
        if (request.embeddedPrice() != null) {
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
        line.gross = Rounding.mulDivHalfUp(request.qtyMilli(), product.price(), MILLI_ONE);
        line.lineDiscount = request.discount() == null ? 0
                : discountAmount(request.discount(), line.gross, where + ": discount");
        return line;
    }

    /**
     * Splits the bill discount over the lines in proportion to what each still costs, by the
     * largest-remainder method: shares sum exactly to the discount and no share exceeds its line.
     */
    private static void splitBillDiscount(List<Line> lines, long discount, long subtotal) {
        if (discount == 0) {
            return;
        }
        long given = 0;
        long[] remainders = new long[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            long[] qr = Rounding.mulDivFloor(discount, lines.get(i).afterLineDiscount(), subtotal);
            lines.get(i).billShare = qr[0];
            remainders[i] = qr[1];
            given += qr[0];
        }
        // The leftover is the sum of the fractional parts, so it is smaller than the number of lines
        // with a non-zero remainder: a line that costs nothing never receives a cent of it.
        long leftover = discount - given;
        List<Integer> order = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            order.add(i);
        }
        // Stable sort: equal remainders keep line order, so ties go to the earlier line.
        order.sort(Comparator.comparingLong((Integer i) -> remainders[i]).reversed());
        for (int k = 0; k < leftover; k++) {
            lines.get(order.get(k)).billShare++;
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
            return gross - lineDiscount;
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
            return b.build();
        }
    }
}
