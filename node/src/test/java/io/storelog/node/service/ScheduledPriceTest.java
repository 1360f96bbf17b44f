package io.storelog.node.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.billing.BillPricer;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.PriceChange;
import io.storelog.protocol.Product;
import io.storelog.protocol.Promotion;
import io.storelog.protocol.PromotionKind;
import io.storelog.protocol.TaxRate;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scheduled prices at a lane that is offline (it holds the entries, nothing else): the price switches on
 * time at midnight in the store's time zone, the latest change not after the sale instant wins, the
 * higher HQ version breaks a tie, and none of it (nor which copy of a promotion wins) depends on the order
 * the entries arrived in.
 */
class ScheduledPriceTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Midnight starting 1 December 2026 in Berlin: 2026-11-30T23:00Z. */
    private static final long MIDNIGHT = LocalDate.of(2026, 12, 1).atStartOfDay(BERLIN).toInstant().toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final BusinessCalendar CALENDAR = new BusinessCalendar(BERLIN);

    private final BillPricer pricer = new BillPricer();

    @Test
    void aPriceScheduledForMidnightSwitchesOnTimeAtAnOfflineLane() {
        List<Entry> all = entries();
        // The lane went offline at 22:00 and holds only what was published before.
        StoreState lane = fold(all.subList(0, 3));

        BillCommitted before = sell(lane, MIDNIGHT - 1);
        BillCommitted after = sell(lane, MIDNIGHT);
        assertThat(CALENDAR.dayOf(MIDNIGHT - 1)).isEqualTo("2026-11-30");
        assertThat(CALENDAR.dayOf(MIDNIGHT)).isEqualTo("2026-12-01");
        assertThat(before.getLines(0).getUnitPrice()).isEqualTo(129);
        assertThat(before.getTotal()).isEqualTo(258);
        // Two changes take effect at midnight (versions 1 and 2): the higher HQ version wins.
        assertThat(after.getLines(0).getUnitPrice()).isEqualTo(159);
        assertThat(after.getLines(0).getProductVersion()).isEqualTo(2);
        assertThat(after.getTotal()).isEqualTo(318);

        // Back online in the morning, it receives the rest.
        long position = 3;
        for (Entry e : all.subList(3, all.size())) {
            lane.apply(e, position++);
        }
        // A price set at HQ after midnight (taking effect at 02:00) wins from then on.
        assertThat(sell(lane, MIDNIGHT + 2 * HOUR - 1).getLines(0).getUnitPrice()).isEqualTo(159);
        assertThat(sell(lane, MIDNIGHT + 2 * HOUR).getLines(0).getUnitPrice()).isEqualTo(139);
        // A rename later that day keeps the instant the price took effect, so it does not undo the 06:00 change.
        assertThat(sell(lane, MIDNIGHT + 6 * HOUR).getLines(0).getUnitPrice()).isEqualTo(119);
        assertThat(sell(lane, MIDNIGHT + 8 * HOUR).getLines(0).getUnitPrice()).isEqualTo(119);
        assertThat(sell(lane, MIDNIGHT + 8 * HOUR).getLines(0).getName()).isEqualTo("Milk, renamed");
    }

    @Test
    void pricesAtEveryInstantAndTheDigestDoNotDependOnArrivalOrder() {
        List<Entry> entries = entries();
        StoreState inOrder = fold(entries);
        java.util.Map<String, Long> seqs = new java.util.HashMap<>();
        entries.forEach(e -> seqs.merge(e.getOrigin(), e.getSeq(), Math::max));
        VersionVector vv = VersionVector.of(seqs);
        Random random = new Random(5);
        for (int round = 0; round < 20; round++) {
            List<Entry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, random);
            StoreState other = fold(shuffled);
            assertThat(other.digest(() -> vv).digest()).isEqualTo(inOrder.digest(() -> vv).digest());
            // The withdrawal (version 7) wins whichever copy arrived first.
            assertThat(other.promotions()).isEqualTo(inOrder.promotions());
            assertThat(other.promotions()).singleElement().satisfies(h -> {
                assertThat(h.version()).isEqualTo(7);
                assertThat(h.promotion().getWithdrawn()).isTrue();
            });
            for (long at : new long[] {0, MIDNIGHT - 1, MIDNIGHT, MIDNIGHT + 2 * HOUR, MIDNIGHT + 7 * HOUR}) {
                assertThat(other.productAt("MILK", at).orElseThrow().product().getPrice())
                        .isEqualTo(inOrder.productAt("MILK", at).orElseThrow().product().getPrice());
            }
        }
    }

    @Test
    void promotionsAndScheduledPricesSurviveASnapshot() throws java.io.IOException {
        StoreState before = fold(entries());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        before.writeTo(new java.io.DataOutputStream(bytes));
        StoreState after = new StoreState();
        after.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));

        VersionVector vv = VersionVector.of(java.util.Map.of("till-1-a", 1L, "server-b", 4L, "till-2-c", 3L));
        assertThat(after.digest(() -> vv).digest()).isEqualTo(before.digest(() -> vv).digest());
        assertThat(after.promotions()).isEqualTo(before.promotions());
        for (long at : new long[] {MIDNIGHT - 1, MIDNIGHT, MIDNIGHT + 2 * HOUR, MIDNIGHT + 6 * HOUR}) {
            assertThat(after.productAt("MILK", at)).isEqualTo(before.productAt("MILK", at));
        }
        assertThat(after.productAt("MILK", MIDNIGHT + 6 * HOUR).orElseThrow().product().getPrice()).isEqualTo(119);
    }

    private BillCommitted sell(StoreState lane, long at) {
        return pricer.price(new BillRequest("c-" + at, List.of(new LineRequest("MILK", 2_000, null)), null,
                List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, null),
                new CatalogProducts(lane, at), lane.promotions(), at).build();
    }

    /**
     * The lane's log: its own file import, then what a leader pulled from HQ: two changes for midnight
     * (versions 1 and 2), a price set at 02:00 (version 3), a change for 06:00 (version 4) and a rename at
     * 07:00 that leaves the price alone (version 5).
     */
    private static List<Entry> entries() {
        Product milk = Product.newBuilder().setSku("MILK").setName("Milk").setPrice(129).setTaxClass("reduced")
                .setUnit(Unit.EACH).setActive(true).build();
        Product at2 = milk.toBuilder().setPrice(139).setPriceEffectiveAtMs(MIDNIGHT + 2 * HOUR).build();
        List<Entry> out = new ArrayList<>();
        out.add(entry("till-1-a", 1, MIDNIGHT - 5 * HOUR, CatalogUpdate.newBuilder().setSource("file:c.csv")
                .addProducts(milk).addTaxRates(TaxRate.newBuilder().setTaxClass("reduced").setRateBp(750))));
        out.add(entry("server-b", 1, MIDNIGHT - 4 * HOUR, hq(1).addPriceChanges(change(149, MIDNIGHT))));
        out.add(entry("server-b", 2, MIDNIGHT - 3 * HOUR, hq(2).addPriceChanges(change(159, MIDNIGHT))));
        out.add(entry("server-b", 3, MIDNIGHT + 2 * HOUR, hq(3).addProducts(at2)));
        out.add(entry("till-2-c", 1, MIDNIGHT + 3 * HOUR, hq(4).addPriceChanges(change(119, MIDNIGHT + 6 * HOUR))));
        out.add(entry("till-2-c", 2, MIDNIGHT + 7 * HOUR, hq(5).addProducts(at2.toBuilder().setName("Milk, renamed"))));
        Promotion promo = Promotion.newBuilder().setId("MILK32").setName("3 for 2 milk").setKind(PromotionKind.BUNDLE_PAY_FOR)
                .addSkus("MILK").setBundleQty(3).setPayForQty(2).setStartsAtMs(MIDNIGHT).build();
        out.add(entry("server-b", 4, MIDNIGHT + 8 * HOUR, hq(6).addPromotions(promo)));
        out.add(entry("till-2-c", 3, MIDNIGHT + 9 * HOUR, hq(7).addPromotions(
                Promotion.newBuilder().setId("MILK32").setWithdrawn(true))));
        return out;
    }

    private static CatalogUpdate.Builder hq(long version) {
        return CatalogUpdate.newBuilder().setSource("hq").setVersion(version).setContentHash("hq:" + version + ":0");
    }

    private static PriceChange change(long price, long at) {
        return PriceChange.newBuilder().setSku("MILK").setPrice(price).setEffectiveAtMs(at).build();
    }

    private static Entry entry(String origin, long seq, long wallMs, CatalogUpdate.Builder update) {
        return Entry.newBuilder().setOrigin(origin).setSeq(seq).setHlc(HlcStamp.newBuilder().setWallMs(wallMs))
                .setCatalogUpdate(update).build();
    }

    private static StoreState fold(List<Entry> entries) {
        StoreState s = new StoreState();
        long position = 0;
        for (Entry e : entries) {
            s.apply(e, position++);
        }
        return s;
    }
}
