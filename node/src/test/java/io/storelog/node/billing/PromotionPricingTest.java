package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.promotion.HeldPromotion;
import io.storelog.protocol.AppliedPromotion;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Promotion;
import io.storelog.protocol.PromotionKind;
import io.storelog.protocol.PromotionShare;
import io.storelog.protocol.TaxLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promotions priced into bills, one row per rule of docs/pricing.md ("Promotions"): each row is a cart,
 * the promotions held, the sale instant, and the amounts worked out by hand: the saving of each applied
 * promotion, each line's promotion discount, and the bill total. Every row also checks that the bill's
 * sums hold exactly (nets add up to the total, shares to each promotion, tax per class to the lines).
 */
class PromotionPricingTest {
    /** 2026-12-01T00:00:00Z, the instant the rows sell at unless they say otherwise. */
    static final long T = 1_795_996_800_000L;
    static final long HOUR = 3_600_000L;

    static final TestCatalog CATALOG = new TestCatalog()
            .each("MILK", 129, "reduced", 750)
            .each("JUICE", 250, "reduced", 750)
            .each("COLA", 199, "standard", 2000)
            .each("CHIPS", 150, "standard", 2000)
            .each("WINE", 999, "standard", 2000)
            .kg("APPLE", 399, "reduced", 750);

    private final BillPricer pricer = new BillPricer();

    /** One row: cart, promotions, instant; expected savings by promotion id, promotion discount per line, total. */
    record Row(String name, List<LineRequest> cart, List<HeldPromotion> promotions, long at,
               Map<String, Long> savings, long[] lineDiscounts, long total) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("3 for 2: three milk, one free", cart(line("MILK", 3)), List.of(payFor("P32", 3, 2, "MILK")), T,
                        Map.of("P32", 129L), new long[] {129}, 258),
                row("3 for 2: a fourth milk is paid in full", cart(line("MILK", 4)), List.of(payFor("P32", 3, 2, "MILK")), T,
                        Map.of("P32", 129L), new long[] {129}, 387),
                row("3 for 2: six milk on two lines, split by value", cart(line("MILK", 2), line("MILK", 4)),
                        List.of(payFor("P32", 3, 2, "MILK")), T, Map.of("P32", 258L), new long[] {86, 172}, 516),
                row("3 for 2: two milk make no bundle", cart(line("MILK", 2)), List.of(payFor("P32", 3, 2, "MILK")), T,
                        Map.of(), new long[] {0}, 258),
                row("3 cola for 5.00", cart(line("COLA", 3)), List.of(bundle("C3", 3, 500, "COLA")), T,
                        Map.of("C3", 97L), new long[] {97}, 500),
                row("3 cola for 5.00: two cola pay full price", cart(line("COLA", 2)), List.of(bundle("C3", 3, 500, "COLA")), T,
                        Map.of(), new long[] {0}, 398),
                row("a bundle price above the shelf price saves nothing", cart(line("CHIPS", 3)),
                        List.of(bundle("DEAR", 3, 500, "CHIPS")), T, Map.of(), new long[] {0}, 450),
                row("mix and match: juice + cola for 4.00, split 250:199", cart(line("JUICE", 1), line("COLA", 1)),
                        List.of(bundle("MM", 2, 400, "COLA", "JUICE")), T, Map.of("MM", 49L), new long[] {27, 22}, 400),
                row("mix and match 3 for 2: the cheapest of the three is free",
                        cart(line("JUICE", 1), line("COLA", 1), line("CHIPS", 1)),
                        List.of(payFor("MM32", 3, 2, "CHIPS", "COLA", "JUICE")), T,
                        Map.of("MM32", 150L), new long[] {63, 50, 37}, 449),
                row("mix and match 3 for 2 over six: dearest bundled together",
                        cart(line("WINE", 2), line("CHIPS", 2), line("COLA", 2)),
                        List.of(payFor("MM32", 3, 2, "CHIPS", "COLA", "WINE")), T,
                        // Bundles (999, 999, 199) and (199, 150, 150): free 199 + 150.
                        Map.of("MM32", 349L), new long[] {259, 39, 51}, 2347),
                row("10% off wine", cart(line("WINE", 1)), List.of(percent("W10", 1000, "WINE")), T,
                        Map.of("W10", 100L), new long[] {100}, 899),
                row("20% off weighed apples", cart(kgLine("APPLE", 755)), List.of(percent("A20", 2000, "APPLE")), T,
                        Map.of("A20", 60L), new long[] {60}, 241),
                row("0.50 off each chips", cart(line("CHIPS", 3)), List.of(amount("C50", 50, "CHIPS")), T,
                        Map.of("C50", 150L), new long[] {150}, 300),
                row("1.00 off per kg of apples", cart(kgLine("APPLE", 755)), List.of(amount("A100", 100, "APPLE")), T,
                        Map.of("A100", 76L), new long[] {76}, 225),
                row("amount off never below zero", cart(line("MILK", 2)), List.of(amount("BIG", 500, "MILK")), T,
                        Map.of("BIG", 258L), new long[] {258}, 0),
                row("bundles skip weighed goods", cart(kgLine("APPLE", 3000)), List.of(payFor("AP32", 3, 2, "APPLE")), T,
                        Map.of(), new long[] {0}, 1197),
                row("overlap: 3 for 2 first (129 > 52), then 10% on the milk left over", cart(line("MILK", 4)),
                        List.of(payFor("A-MILK32", 3, 2, "MILK"), percent("B-MILK10", 1000, "MILK")), T,
                        Map.of("A-MILK32", 129L, "B-MILK10", 13L), new long[] {142}, 374),
                row("overlap: the larger saving wins whatever its id", cart(line("WINE", 1)),
                        List.of(percent("A-SMALL", 500, "WINE"), amount("B-LARGE", 200, "WINE")), T,
                        Map.of("B-LARGE", 200L), new long[] {200}, 799),
                row("overlap: equal savings go to the smaller id", cart(line("WINE", 1)),
                        List.of(percent("Z-PCT", 1000, "WINE"), amount("M-AMT", 100, "WINE")), T,
                        Map.of("M-AMT", 100L), new long[] {100}, 899),
                row("starts at the sale instant: applies (start inclusive)", cart(line("WINE", 1)),
                        List.of(window(percent("W10", 1000, "WINE"), T, T + HOUR)), T,
                        Map.of("W10", 100L), new long[] {100}, 899),
                row("starts 1 ms after the sale: does not apply", cart(line("WINE", 1)),
                        List.of(window(percent("W10", 1000, "WINE"), T + 1, T + HOUR)), T,
                        Map.of(), new long[] {0}, 999),
                row("ends at the sale instant: does not apply (end exclusive)", cart(line("WINE", 1)),
                        List.of(window(percent("W10", 1000, "WINE"), T - HOUR, T)), T,
                        Map.of(), new long[] {0}, 999),
                row("ends 1 ms after the sale: applies", cart(line("WINE", 1)),
                        List.of(window(percent("W10", 1000, "WINE"), T - HOUR, T + 1)), T,
                        Map.of("W10", 100L), new long[] {100}, 899),
                row("withdrawn: does not apply", cart(line("WINE", 1)),
                        List.of(new HeldPromotion(percent("W10", 1000, "WINE").promotion().toBuilder().setWithdrawn(true).build(), 3)),
                        T, Map.of(), new long[] {0}, 999),
                row("ill-formed (pay for as many as bought): ignored", cart(line("MILK", 3)),
                        List.of(payFor("BAD", 3, 3, "MILK")), T, Map.of(), new long[] {0}, 387));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void promotionsPriceAsWorkedOut(Row row) {
        BillCommitted bill = price(row.cart(), row.promotions(), row.at(), null);
        Map<String, Long> savings = new HashMap<>();
        for (AppliedPromotion a : bill.getPromotionsList()) {
            savings.put(a.getPromotionId(), a.getAmount());
        }
        assertThat(savings).as("savings").isEqualTo(row.savings());
        long[] discounts = bill.getLinesList().stream().mapToLong(BillLine::getPromotionDiscount).toArray();
        assertThat(discounts).as("promotion discount per line").isEqualTo(row.lineDiscounts());
        assertThat(bill.getTotal()).as("total").isEqualTo(row.total());
        assertSumsExact(bill);
    }

    @Test
    void promotionsLineAndBillDiscountsAndTaxTogetherAddUpExactly() {
        // Milk 3 for 2 then 10% off the line; wine 1.00 off by the cashier; apples 20% off; 5% off the bill.
        List<LineRequest> cart = List.of(
                new LineRequest("MILK", 3_000, DiscountSpec.percent(1000, null)),
                new LineRequest("WINE", 1_000, DiscountSpec.amount(100, null)),
                new LineRequest("APPLE", 755, null));
        BillCommitted bill = price(cart, List.of(payFor("M32", 3, 2, "MILK"), percent("A20", 2000, "APPLE")), T,
                DiscountSpec.percent(500, null));

        // Milk 387 - 129 = 258, 10% = 26 -> 232; wine 999 - 100 = 899; apples 301 - 60 = 241.
        assertThat(bill.getLinesList()).extracting(BillLine::getPromotionDiscount).containsExactly(129L, 0L, 60L);
        assertThat(bill.getLinesList()).extracting(BillLine::getLineDiscount).containsExactly(26L, 100L, 0L);
        // Subtotal 1372; 5% = 69, split 232 : 899 : 241 -> 11 r 916, 45 r 291, 12 r 165: the cent to milk.
        assertThat(bill.getBillDiscountAmount()).isEqualTo(69);
        assertThat(bill.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(12L, 45L, 12L);
        assertThat(bill.getLinesList()).extracting(BillLine::getNet).containsExactly(220L, 854L, 229L);
        // Tax: 220 * 750 / 10750 = 15.35 -> 15; 854 * 2000 / 12000 = 142.3 -> 142; 229 * 750 / 10750 = 15.98 -> 16.
        assertThat(bill.getLinesList()).extracting(BillLine::getTax).containsExactly(15L, 142L, 16L);
        assertThat(bill.getTotal()).isEqualTo(1303);
        assertThat(bill.getTax()).isEqualTo(173);
        assertThat(bill.getTaxesList()).extracting(TaxLine::getTaxClass, TaxLine::getNet, TaxLine::getTax)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reduced", 449L, 31L),
                        org.assertj.core.groups.Tuple.tuple("standard", 854L, 142L));
        assertSumsExact(bill);
    }

    @Test
    void aRefundOfAPromotedBillPaysBackWhatEachLineCost() {
        BillCommitted bill = price(List.of(new LineRequest("MILK", 3_000, null), new LineRequest("COLA", 1_000, null)),
                List.of(payFor("M32", 3, 2, "MILK")), T, null);
        RefundCalculator refunds = new RefundCalculator();
        // One of the three milk back: a third of what the line cost after its promotion (258 / 3 = 86).
        var one = refunds.refund(bill, List.of(), List.of(new RefundLineRequest(1, 1_000))).build();
        assertThat(one.getTotal()).isEqualTo(86);
        var rest = refunds.refund(bill, List.of(one), List.of()).build();
        assertThat(one.getTotal() + rest.getTotal()).isEqualTo(bill.getTotal());
        assertThat(one.getTax() + rest.getTax()).isEqualTo(bill.getTax());
    }

    private BillCommitted price(List<LineRequest> cart, List<HeldPromotion> promotions, long at, DiscountSpec billDiscount) {
        return priceWith(pricer, CATALOG, cart, promotions, at, billDiscount);
    }

    /** Prices with one cash tender paying exactly what is due, or none when the bill comes to nothing. */
    static BillCommitted priceWith(BillPricer pricer, ProductLookup catalog, List<LineRequest> cart,
            List<HeldPromotion> promotions, long at, DiscountSpec billDiscount) {
        BillCommitted free = null;
        try {
            free = pricer.price(new BillRequest("cart", cart, billDiscount, List.of(), null, null), catalog, promotions, at)
                    .build();
        } catch (io.storelog.node.StoreLogException e) {
            assertThat(e.code()).isEqualTo(io.storelog.node.ErrorCode.SHORT_TENDER);
        }
        if (free != null) {
            return free;
        }
        return pricer.price(new BillRequest("cart", cart, billDiscount,
                List.of(new TenderRequest(io.storelog.protocol.TenderType.CASH, null, null, null)), null, null),
                catalog, promotions, at).build();
    }

    /** Nets add up to the total, each promotion's shares to its amount, each line's promotion discount to its shares. */
    static void assertSumsExact(BillCommitted bill) {
        long nets = 0;
        long tax = 0;
        Map<String, long[]> byClass = new TreeMap<>();
        for (BillLine l : bill.getLinesList()) {
            assertThat(l.getNet()).as("net of line %d", l.getLineNo())
                    .isEqualTo(l.getGross() - l.getPromotionDiscount() - l.getLineDiscount() - l.getBillDiscountShare())
                    .isNotNegative();
            nets += l.getNet();
            tax += l.getTax();
            long[] c = byClass.computeIfAbsent(l.getTaxClass(), k -> new long[2]);
            c[0] += l.getNet();
            c[1] += l.getTax();
        }
        assertThat(nets).isEqualTo(bill.getTotal());
        assertThat(tax).isEqualTo(bill.getTax());
        Map<String, long[]> taxes = new TreeMap<>();
        for (TaxLine t : bill.getTaxesList()) {
            taxes.put(t.getTaxClass(), new long[] {t.getNet(), t.getTax()});
        }
        assertThat(taxes).usingRecursiveComparison().isEqualTo(byClass);
        Map<Integer, Long> sharesByLine = new HashMap<>();
        for (AppliedPromotion a : bill.getPromotionsList()) {
            assertThat(a.getLinesList().stream().mapToLong(PromotionShare::getAmount).sum()).isEqualTo(a.getAmount());
            a.getLinesList().forEach(s -> sharesByLine.merge(s.getLineNo(), s.getAmount(), Long::sum));
        }
        for (BillLine l : bill.getLinesList()) {
            assertThat(sharesByLine.getOrDefault(l.getLineNo(), 0L)).isEqualTo(l.getPromotionDiscount());
        }
    }

    static Arguments row(String name, List<LineRequest> cart, List<HeldPromotion> promotions, long at,
            Map<String, Long> savings, long[] lineDiscounts, long total) {
        return Arguments.of(new Row(name, cart, promotions, at, savings, lineDiscounts, total));
    }

    static List<LineRequest> cart(LineRequest... lines) {
        return Arrays.asList(lines);
    }

    static LineRequest line(String sku, int pieces) {
        return new LineRequest(sku, pieces * 1_000L, null);
    }

    static LineRequest kgLine(String sku, long milli) {
        return new LineRequest(sku, milli, null);
    }

    static HeldPromotion payFor(String id, int buy, int payFor, String... skus) {
        return held(base(id, PromotionKind.BUNDLE_PAY_FOR, skus).setBundleQty(buy).setPayForQty(payFor));
    }

    static HeldPromotion bundle(String id, int buy, long price, String... skus) {
        return held(base(id, PromotionKind.BUNDLE_PRICE, skus).setBundleQty(buy).setBundlePrice(price));
    }

    static HeldPromotion percent(String id, int bp, String... skus) {
        return held(base(id, PromotionKind.PERCENT_OFF, skus).setPercentBp(bp));
    }

    static HeldPromotion amount(String id, long off, String... skus) {
        return held(base(id, PromotionKind.AMOUNT_OFF, skus).setAmountOff(off));
    }

    static HeldPromotion window(HeldPromotion h, long startsAt, long endsAt) {
        return new HeldPromotion(h.promotion().toBuilder().setStartsAtMs(startsAt).setEndsAtMs(endsAt).build(), h.version());
    }

    private static Promotion.Builder base(String id, PromotionKind kind, String... skus) {
        List<String> sorted = new ArrayList<>(Arrays.asList(skus));
        sorted.sort(null);
        return Promotion.newBuilder().setId(id).setName("Promotion " + id).setKind(kind).addAllSkus(sorted)
                .setStartsAtMs(T - 24 * HOUR);
    }

    private static HeldPromotion held(Promotion.Builder p) {
        return new HeldPromotion(p.build(), 5);
    }

}
