package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.promotion.HeldPromotion;
import io.storelog.protocol.AppliedPromotion;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random carts and overlapping promotions from fixed seeds: pricing does not depend on the order of the
 * cart's lines (nor of the promotions). Shuffled, a cart gets the same promotions with the same amounts,
 * the same total, tax and tax classes, and the same lines up to their numbering; the bill's sums hold.
 */
class PromotionOrderPropertyTest {
    private static final String[] PIECES = {"MILK", "JUICE", "COLA", "CHIPS", "WINE"};
    private static final int CARTS_PER_SEED = 300;

    private final BillPricer pricer = new BillPricer();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 2026, 987654321})
    void anyLineOrderPricesTheSame(long seed) {
        Random random = new Random(seed);
        int promoted = 0;
        for (int cart = 0; cart < CARTS_PER_SEED; cart++) {
            List<HeldPromotion> promotions = randomPromotions(random);
            List<LineRequest> lines = randomLines(random);
            long at = PromotionPricingTest.T;
            BillCommitted first = PromotionPricingTest.priceWith(pricer, PromotionPricingTest.CATALOG, lines, promotions, at, null);
            PromotionPricingTest.assertSumsExact(first);
            promoted += first.getPromotionsCount() > 0 ? 1 : 0;
            for (int shuffle = 0; shuffle < 3; shuffle++) {
                List<LineRequest> reordered = new ArrayList<>(lines);
                Collections.shuffle(reordered, random);
                List<HeldPromotion> promotionsReordered = new ArrayList<>(promotions);
                Collections.shuffle(promotionsReordered, random);
                BillCommitted again = PromotionPricingTest.priceWith(pricer, PromotionPricingTest.CATALOG, reordered,
                        promotionsReordered, at, null);
                String where = "seed " + seed + " cart " + cart + " shuffle " + shuffle;
                assertThat(applied(again)).as(where).isEqualTo(applied(first));
                assertThat(again.getTotal()).as(where).isEqualTo(first.getTotal());
                assertThat(again.getTax()).as(where).isEqualTo(first.getTax());
                assertThat(again.getTaxesList()).as(where).isEqualTo(first.getTaxesList());
                assertThat(lineContents(again)).as(where).containsExactlyInAnyOrderElementsOf(lineContents(first));
            }
        }
        // The property means little unless most carts actually got a promotion.
        assertThat(promoted).isGreaterThan(CARTS_PER_SEED / 2);
    }

    private static List<String> applied(BillCommitted b) {
        return b.getPromotionsList().stream().map(a -> a.getPromotionId() + "=" + a.getAmount()).toList();
    }

    /** A line without its number (which follows the order), and its promotion shares without line numbers. */
    private static List<String> lineContents(BillCommitted b) {
        List<String> out = new ArrayList<>();
        for (BillLine l : b.getLinesList()) {
            StringBuilder shares = new StringBuilder();
            for (AppliedPromotion a : b.getPromotionsList()) {
                a.getLinesList().stream().filter(s -> s.getLineNo() == l.getLineNo())
                        .forEach(s -> shares.append(a.getPromotionId()).append(':').append(s.getAmount()).append(' '));
            }
            out.add(l.getSku() + " qty " + l.getQtyMilli() + " gross " + l.getGross() + " promo " + l.getPromotionDiscount()
                    + " line " + l.getLineDiscount() + " net " + l.getNet() + " tax " + l.getTax() + " [" + shares + "]");
        }
        return out;
    }

    private static List<LineRequest> randomLines(Random r) {
        List<LineRequest> lines = new ArrayList<>();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            DiscountSpec d = switch (r.nextInt(6)) {
                case 0 -> DiscountSpec.percent(r.nextInt(5_000), null);
                case 1 -> DiscountSpec.amount(r.nextInt(300), null);
                default -> null;
            };
            if (r.nextInt(5) == 0) {
                lines.add(new LineRequest("APPLE", 1 + r.nextInt(4_000), d));
            } else {
                lines.add(new LineRequest(PIECES[r.nextInt(PIECES.length)], (1 + r.nextInt(7)) * 1_000L, d));
            }
        }
        return lines;
    }

    private static List<HeldPromotion> randomPromotions(Random r) {
        List<HeldPromotion> out = new ArrayList<>();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String id = "P" + i;
            String[] group = randomGroup(r);
            out.add(switch (r.nextInt(4)) {
                case 0 -> {
                    int buy = 2 + r.nextInt(3);
                    yield PromotionPricingTest.payFor(id, buy, 1 + r.nextInt(buy - 1), group);
                }
                case 1 -> PromotionPricingTest.bundle(id, 2 + r.nextInt(3), 100 + r.nextInt(1_500), group);
                case 2 -> PromotionPricingTest.percent(id, 1 + r.nextInt(5_000), group);
                default -> PromotionPricingTest.amount(id, 1 + r.nextInt(200), group);
            });
        }
        return out;
    }

    private static String[] randomGroup(Random r) {
        List<String> all = new ArrayList<>(List.of(PIECES));
        all.add("APPLE");
        Collections.shuffle(all, r);
        return all.subList(0, 1 + r.nextInt(3)).toArray(String[]::new);
    }
}
