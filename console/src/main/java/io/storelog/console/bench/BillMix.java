package io.storelog.console.bench;

import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.DiscountSpec;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.protocol.TenderType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Seeded stream of realistic bill requests over a catalog: 5–30 lines, some line and bill discounts,
 * cash with change, card with a reference and card+cash splits. Not thread-safe: one per writer.
 */
final class BillMix {
    static final int MIN_LINES = 5;
    static final int MAX_LINES = 30;

    private final List<CatalogItem> catalog;
    private final SplittableRandom random;
    private final Random uuidBits;
    private final String cashier;

    BillMix(List<CatalogItem> catalog, long seed, String cashier) {
        if (catalog.isEmpty()) {
            throw new IllegalArgumentException("the bill mix needs a non-empty catalog");
        }
        this.catalog = catalog;
        this.random = new SplittableRandom(seed);
        this.uuidBits = new Random(seed ^ 0x5DEECE66DL);
        this.cashier = cashier;
    }

    /** The next bill: a fresh cart id, so the service never treats it as a repeat. */
    BillRequest next() {
        int lineCount = MIN_LINES + random.nextInt(MAX_LINES - MIN_LINES + 1);
        List<LineRequest> lines = new ArrayList<>(lineCount);
        // The pricer's total is not known here, so tenders are sized from bounds on it:
        // grossCeil >= total (discounts only lower it), lowerBound <= total.
        long grossCeil = 0;
        long grossFloor = 0;
        long fixedDiscounts = 0;
        for (int i = 0; i < lineCount; i++) {
            CatalogItem item = catalog.get(random.nextInt(catalog.size()));
            long qty = item.unit() == ItemUnit.KG
                    ? 150 + random.nextInt(2_351)                  // 0.150 to 2.500 kg on the scale
                    : 1_000L * (random.nextInt(10) < 8 ? 1 : 2 + random.nextInt(5));
            DiscountSpec discount = null;
            int roll = random.nextInt(100);
            if (roll < 6) {
                discount = DiscountSpec.percent(500 + 500 * random.nextInt(4), "promo");
            } else if (roll < 10) {
                long amount = 10 + random.nextInt(91);
                discount = DiscountSpec.amount(amount, "damaged pack");
                fixedDiscounts += amount;
            }
            lines.add(new LineRequest(item.sku(), qty, discount));
            long product = qty * item.price();
            grossFloor += product / 1_000;
            grossCeil += (product + 999) / 1_000;
        }
        DiscountSpec billDiscount = random.nextInt(100) < 5 ? DiscountSpec.percent(500, "loyalty") : null;
        // Percent line discounts take at most 20%, the bill discount 5%.
        long lowerBound = (grossFloor * 80 / 100 - fixedDiscounts) * 95 / 100 - lineCount;
        return new BillRequest(new UUID(uuidBits.nextLong(), uuidBits.nextLong()).toString(), lines, billDiscount,
                tenders(grossCeil, lowerBound), random.nextInt(100) < 30 ? "C-" + (100_000 + random.nextInt(900_000)) : null,
                cashier);
    }

    private List<TenderRequest> tenders(long grossCeil, long lowerBound) {
        int roll = random.nextInt(100);
        if (roll < 35) {
            // Card pays exactly what is due.
            return List.of(new TenderRequest(TenderType.CARD, null, authCode(), null));
        }
        if (roll < 80 || lowerBound < 2) {
            return List.of(cashWithChange(grossCeil));
        }
        // Split: part on card, the rest in cash with change.
        long card = lowerBound / 2;
        return List.of(new TenderRequest(TenderType.CARD, card, authCode(), null), cashWithChange(grossCeil - card));
    }

    /** Cash rounded up to the next 5.00, sometimes a note more, so there is change to give. */
    private TenderRequest cashWithChange(long atLeast) {
        long cash = Math.max(500, (atLeast + 499) / 500 * 500) + (random.nextBoolean() ? 1_000 : 0);
        return new TenderRequest(TenderType.CASH, cash, null, null);
    }

    private String authCode() {
        return "AUTH-" + (100_000 + random.nextInt(900_000));
    }
}
