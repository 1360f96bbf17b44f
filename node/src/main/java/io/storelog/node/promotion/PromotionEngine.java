package io.storelog.node.promotion;

import io.storelog.protocol.Promotion;
import io.storelog.protocol.PromotionKind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which promotions a cart gets at an instant and what each takes off: a pure function of the
 * cart lines, the promotions held and the instant. The rule (docs/pricing.md, "Promotions"):
 * <ol>
 *   <li>Only well-formed promotions live at the instant count (start inclusive, end exclusive).</li>
 *   <li>Each unit of a cart goes into at most one promotion, and each promotion is applied at most once
 *       per bill (as many bundles as the cart fills).</li>
 *   <li>Greedy, best for the customer first: among the promotions not yet applied, the one that saves
 *       most on the units still unclaimed is applied and claims its units; ties go to the smaller id.
 *       Repeat until none saves anything.</li>
 *   <li>Bundles (multi-buy, mix-and-match) take piece goods only, dearest units first, in bundles of N
 *       consecutive units of that order, so each bundle's free units are the cheapest of the bundle.</li>
 * </ol>
 * Line order never matters: units of equal price are taken in the order of the lines' content
 * ({@link CartLine#tieKey()}), not their position.
 */
public final class PromotionEngine {
    private static final long BP_ONE = 10_000;
    private static final long MILLI_ONE = 1_000;

    private PromotionEngine() {
    }

    /**
     * The promotions {@code lines} get at {@code atMs}, sorted by promotion id.
     *
     * @throws ArithmeticException if an amount does not fit a long
     */
    public static List<PromotionSaving> apply(List<CartLine> lines, Collection<HeldPromotion> promotions, long atMs) {
        Set<String> skus = new HashSet<>();
        for (CartLine l : lines) {
            skus.add(l.sku());
        }
        List<HeldPromotion> candidates = new ArrayList<>();
        for (HeldPromotion h : promotions) {
            Promotion p = h.promotion();
            if (PromotionRules.liveAt(p, atMs) && PromotionRules.problem(p).isEmpty()
                    && p.getSkusList().stream().anyMatch(skus::contains)) {
                candidates.add(h);
            }
        }
        candidates.sort(Comparator.comparing(HeldPromotion::id).thenComparingLong(HeldPromotion::version));

        List<CartLine> ordered = new ArrayList<>(lines);
        ordered.sort(Comparator.comparing(CartLine::sku).thenComparing(CartLine::tieKey).thenComparingInt(CartLine::lineNo));
        // Per line: pieces still unclaimed (piece goods), or 1 while a weighed line is unclaimed.
        Map<Integer, Long> left = new HashMap<>();
        for (CartLine l : ordered) {
            left.put(l.lineNo(), l.weighed() ? 1L : l.pieces());
        }

        List<PromotionSaving> applied = new ArrayList<>();
        while (!candidates.isEmpty()) {
            Plan best = null;
            for (HeldPromotion h : candidates) {
                Plan plan = plan(h.promotion(), ordered, left);
                // Strictly greater: candidates are in id order, so a tie keeps the smaller id.
                if (plan.amount > 0 && (best == null || plan.amount > best.amount)) {
                    best = plan.of(h);
                }
            }
            if (best == null) {
                break;
            }
            best.claims.forEach((lineNo, n) -> left.merge(lineNo, -n, Long::sum));
            candidates.remove(best.held);
            applied.add(new PromotionSaving(best.held.id(), best.held.promotion().getName(), best.held.version(),
                    best.amount, best.weights));
        }
        applied.sort(Comparator.comparing(PromotionSaving::id));
        return applied;
    }

    private static Plan plan(Promotion p, List<CartLine> ordered, Map<Integer, Long> left) {
        Set<String> group = new HashSet<>(p.getSkusList());
        List<CartLine> inGroup = new ArrayList<>();
        for (CartLine l : ordered) {
            if (group.contains(l.sku()) && left.get(l.lineNo()) > 0
                    && !(l.weighed() && PromotionRules.isBundle(p.getKind()))) {
                inGroup.add(l);
            }
        }
        return switch (p.getKind()) {
            case BUNDLE_PAY_FOR, BUNDLE_PRICE -> bundles(p, inGroup, left);
            case PERCENT_OFF -> percentOff(p, inGroup, left);
            case AMOUNT_OFF -> amountOff(p, inGroup, left);
            default -> new Plan();
        };
    }

    /** Bundles of N units, dearest first; a bundle-price bundle is taken only while it saves something. */
    private static Plan bundles(Promotion p, List<CartLine> inGroup, Map<Integer, Long> left) {
        List<CartLine> runs = new ArrayList<>(inGroup);
        runs.sort(Comparator.comparingLong(CartLine::unitPrice).reversed()
                .thenComparing(CartLine::tieKey).thenComparingInt(CartLine::lineNo));
        long n = p.getBundleQty();
        long free = p.getKind() == PromotionKind.BUNDLE_PAY_FOR ? n - p.getPayForQty() : 0;
        long units = 0;
        long[] count = new long[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            count[i] = left.get(runs.get(i).lineNo());
            units = Math.addExact(units, count[i]);
        }
        Plan plan = new Plan();
        int run = 0;
        long used = 0;
        while (units >= n) {
            CartLine line = runs.get(run);
            long u = line.unitPrice();
            long inRun = count[run] - used;
            if (inRun >= n) {
                // Whole bundles inside one run of equal price: all the same, taken at once.
                long k = inRun / n;
                long saving = bundleSaving(p, free, Math.multiplyExact(n, u), u);
                if (saving <= 0) {
                    break;
                }
                plan.add(line, Math.multiplyExact(k, n), Math.multiplyExact(k, saving));
                used += k * n;
                units -= k * n;
            } else {
                // A bundle across runs: the units come in price order, so its free ones are at its end.
                List<long[]> parts = new ArrayList<>();
                long need = n;
                long sum = 0;
                int r = run;
                long u0 = used;
                while (need > 0) {
                    long take = Math.min(need, count[r] - u0);
                    if (take > 0) {
                        parts.add(new long[] {r, take});
                        sum = Math.addExact(sum, Math.multiplyExact(take, runs.get(r).unitPrice()));
                        need -= take;
                        u0 += take;
                    }
                    if (u0 == count[r] && need > 0) {
                        r++;
                        u0 = 0;
                    }
                }
                long cheapest = 0;
                long toFree = free;
                for (int k = parts.size() - 1; k >= 0 && toFree > 0; k--) {
                    long take = Math.min(toFree, parts.get(k)[1]);
                    cheapest = Math.addExact(cheapest, Math.multiplyExact(take, runs.get((int) parts.get(k)[0]).unitPrice()));
                    toFree -= take;
                }
                long saving = p.getKind() == PromotionKind.BUNDLE_PAY_FOR ? cheapest : sum - p.getBundlePrice();
                if (saving <= 0) {
                    break;
                }
                for (int k = 0; k < parts.size(); k++) {
                    plan.add(runs.get((int) parts.get(k)[0]), parts.get(k)[1], k == 0 ? saving : 0);
                }
                run = r;
                used = u0;
                units -= n;
            }
            if (used == count[run] && run + 1 < runs.size()) {
                run++;
                used = 0;
            }
        }
        return plan;
    }

    private static long bundleSaving(Promotion p, long free, long bundleValue, long unitPrice) {
        return p.getKind() == PromotionKind.BUNDLE_PAY_FOR ? Math.multiplyExact(free, unitPrice)
                : bundleValue - p.getBundlePrice();
    }

    /** percent off the unclaimed value of every group line, rounded half-up once on the total. */
    private static Plan percentOff(Promotion p, List<CartLine> inGroup, Map<Integer, Long> left) {
        Plan plan = new Plan();
        long value = 0;
        for (CartLine l : inGroup) {
            long v = l.weighed() ? l.gross() : Math.multiplyExact(left.get(l.lineNo()), l.unitPrice());
            plan.claim(l, left.get(l.lineNo()), v);
            value = Math.addExact(value, v);
        }
        plan.amount = mulDivHalfUp(value, p.getPercentBp(), BP_ONE);
        return plan;
    }

    /** amount off every unclaimed piece (or kg), never more than the unit costs. */
    private static Plan amountOff(Promotion p, List<CartLine> inGroup, Map<Integer, Long> left) {
        Plan plan = new Plan();
        long off = p.getAmountOff();
        for (CartLine l : inGroup) {
            long saving = l.weighed() ? Math.min(mulDivHalfUp(l.qtyMilli(), off, MILLI_ONE), l.gross())
                    : Math.multiplyExact(left.get(l.lineNo()), Math.min(off, l.unitPrice()));
            if (saving > 0) {
                plan.claim(l, left.get(l.lineNo()), saving);
                plan.amount = Math.addExact(plan.amount, saving);
            }
        }
        return plan;
    }

    /** a * b / d rounded half-up, for non-negative operands, exact whatever the size of a * b. */
    private static long mulDivHalfUp(long a, long b, long d) {
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(d));
        BigInteger q = qr[1].shiftLeft(1).compareTo(BigInteger.valueOf(d)) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return q.longValueExact();
    }

    /** One promotion's claims and saving on the units still unclaimed. */
    private static final class Plan {
        HeldPromotion held;
        long amount;
        final TreeMap<Integer, Long> weights = new TreeMap<>();
        final Map<Integer, Long> claims = new HashMap<>();

        /** Claims {@code pieces} of a bundle line and adds {@code saving} to the total. */
        void add(CartLine line, long pieces, long saving) {
            claim(line, pieces, Math.multiplyExact(pieces, line.unitPrice()));
            amount = Math.addExact(amount, saving);
        }

        void claim(CartLine line, long pieces, long weight) {
            claims.merge(line.lineNo(), pieces, Math::addExact);
            if (weight > 0) {
                weights.merge(line.lineNo(), weight, Math::addExact);
            }
        }

        Plan of(HeldPromotion h) {
            held = h;
            return this;
        }
    }
}
