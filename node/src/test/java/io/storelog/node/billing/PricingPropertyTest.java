package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random carts from fixed seeds: whatever the cart, the invariants of a priced bill hold. */
class PricingPropertyTest {
    private static final int[] RATES = {0, 500, 750, 1000, 1900, 2000, 2500};
    private static final int CARTS_PER_SEED = 400;

    private final BillPricer pricer = new BillPricer();
    private final RefundCalculator refunds = new RefundCalculator();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 20240607, 987654321})
    void pricedBillsKeepTheirInvariants(long seed) {
        Random random = new Random(seed);
        TestCatalog catalog = randomCatalog(random);
        for (int cart = 0; cart < CARTS_PER_SEED; cart++) {
            List<LineRequest> lines = randomLines(random);
            DiscountSpec billDiscount = random.nextInt(2) == 0 ? null : randomDiscount(random, 20_000);

            // First pass learns the total (an oversized cash tender always pays a non-zero bill).
            long total = totalOf(catalog, lines, billDiscount);
            List<TenderRequest> tenders = randomTenders(random, total);
            BillCommitted bill = pricer.price(new BillRequest("c-" + cart, lines, billDiscount, tenders, null, null),
                    catalog).build();

            String where = "seed " + seed + " cart " + cart + ": " + bill;
            assertThat(bill.getTotal()).as(where).isEqualTo(total);
            checkBill(bill, lines.size(), where);
            checkRefunds(bill, random, where);
        }
    }

    private long totalOf(TestCatalog catalog, List<LineRequest> lines, DiscountSpec billDiscount) {
        try {
            return pricer.price(new BillRequest("probe", lines, billDiscount,
                    List.of(new TenderRequest(TenderType.CASH, Long.MAX_VALUE / 4, null, null)), null, null), catalog)
                    .getTotal();
        } catch (StoreLogException e) {
            // Only a free bill refuses the probe tender; it must then price with no tender at all.
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e).hasMessageContaining("nothing is left to pay");
            return pricer.price(new BillRequest("probe", lines, billDiscount, List.of(), null, null), catalog)
                    .getTotal();
        }
    }

    private static void checkBill(BillCommitted bill, int lineCount, String where) {
        long sumNet = 0;
        long sumTax = 0;
        long sumShares = 0;
        long subtotal = 0;
        for (BillLine l : bill.getLinesList()) {
            subtotal += l.getGross() - l.getLineDiscount();
        }
        assertThat(bill.getLinesList()).as(where).hasSize(lineCount);
        for (int i = 0; i < bill.getLinesCount(); i++) {
            BillLine l = bill.getLines(i);
            assertThat(l.getLineNo()).as(where).isEqualTo(i + 1);
            assertThat(l.getLineDiscount()).as(where).isBetween(0L, l.getGross());
            assertThat(l.getBillDiscountShare()).as(where).isGreaterThanOrEqualTo(0);
            assertThat(l.getNet()).as(where).isGreaterThanOrEqualTo(0)
                    .isEqualTo(l.getGross() - l.getLineDiscount() - l.getBillDiscountShare());
            assertThat(l.getTax()).as(where).isBetween(0L, l.getNet());
            // the tax is the contained tax to the nearest cent: |tax*(1+r) - net*r| <= (1+r)/2
            long denominator = 10_000L + l.getTaxRateBp();
            assertThat(2 * Math.abs(l.getTax() * denominator - l.getNet() * l.getTaxRateBp())).as(where)
                    .isLessThanOrEqualTo(denominator);
            // each share is within one cent of its exact proportional part
            if (subtotal > 0) {
                long exactTimesSubtotal = bill.getBillDiscountAmount() * (l.getGross() - l.getLineDiscount());
                assertThat(Math.abs(l.getBillDiscountShare() * subtotal - exactTimesSubtotal)).as(where)
                        .isLessThan(subtotal);
            }
            sumNet += l.getNet();
            sumTax += l.getTax();
            sumShares += l.getBillDiscountShare();
        }
        assertThat(bill.getTotal()).as(where).isEqualTo(sumNet);
        assertThat(bill.getTax()).as(where).isEqualTo(sumTax);
        assertThat(bill.getTaxesList().stream().mapToLong(TaxLine::getTax).sum()).as(where).isEqualTo(sumTax);
        assertThat(bill.getTaxesList().stream().mapToLong(TaxLine::getNet).sum()).as(where).isEqualTo(sumNet);
        assertThat(bill.getTaxesList()).extracting(TaxLine::getTaxClass).as(where).isSorted();
        assertThat(sumShares).as(where).isEqualTo(bill.getBillDiscountAmount());
        assertThat(bill.getBillDiscountAmount()).as(where).isBetween(0L, subtotal);

        long applied = 0;
        long overpaid = 0;
        for (Tender t : bill.getTendersList()) {
            assertThat(t.getAmount()).as(where).isPositive();
            if (t.getType() != TenderType.CASH) {
                assertThat(t.getTendered()).as(where).isEqualTo(t.getAmount());
            }
            assertThat(t.getTendered()).as(where).isGreaterThanOrEqualTo(t.getAmount());
            applied += t.getAmount();
            overpaid += t.getTendered() - t.getAmount();
        }
        assertThat(applied).as(where).isEqualTo(bill.getTotal());
        assertThat(bill.getChange()).as(where).isEqualTo(overpaid).isGreaterThanOrEqualTo(0);
    }

    /** Refunds the bill in random pieces until nothing is left; each line's refunds sum to its net and tax. */
    private void checkRefunds(BillCommitted bill, Random random, String where) {
        List<BillRefunded> done = new ArrayList<>();
        Map<Integer, Long> left = new HashMap<>();
        for (BillLine l : bill.getLinesList()) {
            left.put(l.getLineNo(), l.getQtyMilli());
        }
        while (left.values().stream().anyMatch(q -> q > 0)) {
            List<RefundLineRequest> request = new ArrayList<>();
            if (random.nextInt(8) != 0) {
                for (BillLine l : bill.getLinesList()) {
                    long q = left.get(l.getLineNo());
                    if (q > 0 && random.nextInt(3) == 0) {
                        request.add(new RefundLineRequest(l.getLineNo(), 1 + (long) (random.nextDouble() * q)));
                    }
                }
                if (request.isEmpty()) {
                    continue;
                }
            }
            BillRefunded r = refunds.refund(bill, done, request).build();
            for (RefundLine rl : r.getLinesList()) {
                assertThat(rl.getAmount()).as(where).isGreaterThanOrEqualTo(0);
                assertThat(rl.getTax()).as(where).isGreaterThanOrEqualTo(0);
                left.merge(rl.getLineNo(), -rl.getQtyMilli(), Long::sum);
            }
            assertThat(r.getTotal()).as(where).isEqualTo(r.getLinesList().stream().mapToLong(RefundLine::getAmount).sum());
            done.add(r);
        }
        for (BillLine l : bill.getLinesList()) {
            long amount = 0;
            long tax = 0;
            for (BillRefunded r : done) {
                for (RefundLine rl : r.getLinesList()) {
                    if (rl.getLineNo() == l.getLineNo()) {
                        amount += rl.getAmount();
                        tax += rl.getTax();
                    }
                }
            }
            assertThat(amount).as(where).isEqualTo(l.getNet());
            assertThat(tax).as(where).isEqualTo(l.getTax());
        }
        assertThatThrownBy(() -> refunds.refund(bill, done, List.of()))
                .isInstanceOfSatisfying(StoreLogException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.OVER_REFUND));
    }

    private static TestCatalog randomCatalog(Random random) {
        TestCatalog catalog = new TestCatalog();
        for (int i = 0; i < 40; i++) {
            int rate = RATES[random.nextInt(RATES.length)];
            long price = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1 + random.nextInt(9);
                default -> random.nextInt(50_000);
            };
            catalog.each("E" + i, price, "rate-" + rate, rate);
            catalog.kg("K" + i, price, "rate-" + rate, rate);
        }
        return catalog;
    }

    private static List<LineRequest> randomLines(Random random) {
        int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 120 : 12);
        List<LineRequest> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int product = random.nextInt(40);
            // Every product exists as a piece good E<n> and a weighed good K<n>.
            String sku = (random.nextBoolean() ? "E" : "K") + product;
            long qty = sku.startsWith("E") ? 1000L * (1 + random.nextInt(6)) : 1 + random.nextInt(4_000);
            DiscountSpec discount = random.nextInt(4) == 0 ? randomDiscount(random, 60_000) : null;
            lines.add(new LineRequest(sku, qty, discount));
        }
        return lines;
    }

    private static DiscountSpec randomDiscount(Random random, int maxAmount) {
        return switch (random.nextInt(4)) {
            case 0 -> DiscountSpec.percent(random.nextInt(10_001), "p");
            case 1 -> DiscountSpec.percent(10_000, "free");
            default -> DiscountSpec.amount(random.nextInt(maxAmount), "a");
        };
    }

    private static List<TenderRequest> randomTenders(Random random, long total) {
        List<TenderRequest> tenders = new ArrayList<>();
        long due = total;
        while (due > 0) {
            int kind = random.nextInt(5);
            boolean last = random.nextInt(3) == 0;
            long amount = last ? due : 1 + (long) (random.nextDouble() * due);
            switch (kind) {
                case 0 -> tenders.add(new TenderRequest(TenderType.CASH,
                        last ? amount + random.nextInt(5_000) : amount, null, null));
                case 1 -> tenders.add(new TenderRequest(TenderType.CARD, last ? null : amount, "auth", null));
                case 2 -> tenders.add(new TenderRequest(TenderType.WALLET, amount, null, null));
                case 3 -> tenders.add(new TenderRequest(TenderType.CUSTOM, amount, null, "voucher"));
                default -> tenders.add(new TenderRequest(TenderType.CASH, last ? null : amount, null, null));
            }
            due -= amount;
        }
        return tenders;
    }
}
