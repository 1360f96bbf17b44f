package io.storelog.node.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.BudgetGrant;
import io.storelog.protocol.BudgetSpend;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The budget fold: sums that do not depend on delivery order; a holder's share is what it was minted and
 * received minus what it gave, burned and spent; a move of rights away from a holder that the holder did
 * not write (and that is no reclaim) counts for nothing; a refund budget starts with its bill's total.
 */
class BudgetFoldTest {
    private static final String KEY = "sku:MILK";
    private static final String[] LANES = {"till-1-aaaaaaaaaaaa", "till-2-bbbbbbbbbbbb", "till-3-cccccccccccc"};

    /**
     * Each lane writes as an honest lane would: it spends, gives and burns only what its own share holds as
     * it knows it (its own entries plus the grants it has seen), so the store's total is never overspent.
     */
    private static List<Entry> honestLog(Random rnd, int steps) {
        Map<String, Long> seqs = new HashMap<>();
        Map<String, Long> share = new HashMap<>();
        List<Entry> out = new ArrayList<>();
        out.add(entry(seqs, LANES[0], Entry.newBuilder().setBudgetGrant(grant("", LANES[0], 50_000))));
        share.put(LANES[0], 50_000L);
        for (int i = 0; i < steps; i++) {
            String lane = LANES[rnd.nextInt(LANES.length)];
            long mine = share.getOrDefault(lane, 0L);
            int roll = rnd.nextInt(10);
            if (roll < 6 && mine > 0) {
                long q = 1000L * (1 + rnd.nextInt(3));
                if (q <= mine) {
                    out.add(entry(seqs, lane, Entry.newBuilder().setBill(bill(q))));
                    share.merge(lane, -q, Long::sum);
                }
            } else if (roll < 9 && mine > 1) {
                String to = LANES[rnd.nextInt(LANES.length)];
                if (!to.equals(lane)) {
                    long give = mine / 2;
                    out.add(entry(seqs, lane, Entry.newBuilder().setBudgetGrant(grant(lane, to, give))));
                    share.merge(lane, -give, Long::sum);
                    share.merge(to, give, Long::sum);
                }
            } else if (mine > 0) {
                out.add(entry(seqs, lane, Entry.newBuilder().setBudgetGrant(grant(lane, "", 1))));
                share.merge(lane, -1L, Long::sum);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void anyDeliveryOrderGivesTheSameBudgetAndDigest(long seed) {
        Random rnd = new Random(seed);
        List<Entry> entries = honestLog(rnd, 200);
        VersionVector vv = vector(entries);
        StoreState inOrder = fold(entries);
        List<Entry> shuffled = new ArrayList<>(entries);
        java.util.Collections.shuffle(shuffled, rnd);
        StoreState anyOrder = fold(shuffled);

        assertThat(anyOrder.budget(KEY)).isEqualTo(inOrder.budget(KEY));
        assertThat(anyOrder.digest(() -> vv).digest()).isEqualTo(inOrder.digest(() -> vv).digest());
        BudgetView b = inOrder.budget(KEY);
        long sold = entries.stream().filter(Entry::hasBill).mapToLong(e -> e.getBill().getBudgetSpends(0).getAmount()).sum();
        long burned = entries.stream().filter(e -> e.hasBudgetGrant() && e.getBudgetGrant().getToHolder().isEmpty())
                .mapToLong(e -> e.getBudgetGrant().getAmount()).sum();
        assertThat(b.spent()).isEqualTo(sold);
        assertThat(b.total()).isEqualTo(50_000 - burned);
        assertThat(b.spent()).as("never more spent than the total").isLessThanOrEqualTo(b.total());
        assertThat(b.shares().values().stream().mapToLong(BudgetView.Share::unspent).sum())
                .as("the shares add up to what remains").isEqualTo(b.remaining());
        assertThat(b.shares().values()).allSatisfy(s -> assertThat(s.unspent()).isNotNegative());
    }

    @Test
    void aSnapshotOfTheFoldReadsBackTheSameBudgets() throws Exception {
        List<Entry> entries = honestLog(new Random(7), 100);
        StoreState s = fold(entries);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(bytes));
        StoreState back = new StoreState();
        back.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        VersionVector vv = vector(entries);
        assertThat(back.budget(KEY)).isEqualTo(s.budget(KEY));
        assertThat(back.digest(() -> vv).digest()).isEqualTo(s.digest(() -> vv).digest());
    }

    @Test
    void onlyTheHolderMovesItsRightsUnlessItIsAReclaim() {
        Map<String, Long> seqs = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        entries.add(entry(seqs, LANES[0], Entry.newBuilder().setBudgetGrant(grant("", LANES[0], 10_000))));
        // Lane 2 tries to take lane 1's rights: ignored by every node alike.
        entries.add(entry(seqs, LANES[1], Entry.newBuilder().setBudgetGrant(grant(LANES[0], LANES[1], 4_000))));
        StoreState s = fold(entries);
        assertThat(s.budget(KEY).unspent(LANES[0])).isEqualTo(10_000);
        assertThat(s.budget(KEY).unspent(LANES[1])).isZero();
        // An operator's reclaim of a retired holder's share is taken.
        entries.add(entry(seqs, LANES[2], Entry.newBuilder().setBudgetGrant(grant(LANES[0], LANES[2], 10_000).toBuilder().setReclaim(true))));
        s = fold(entries);
        assertThat(s.budget(KEY).unspent(LANES[0])).isZero();
        assertThat(s.budget(KEY).unspent(LANES[2])).isEqualTo(10_000);
        assertThat(s.budget(KEY).total()).isEqualTo(10_000);
    }

    @Test
    void aBudgetNobodySetUpLimitsNothingAndLeavesTheDigestAsItWas() {
        StoreState s = fold(List.of());
        assertThat(s.budgetLimited(KEY)).isFalse();
        assertThat(s.budgetKeys()).isEmpty();
    }

    @Test
    void aRefundBudgetStartsWithTheBillsTotalHeldByItsLaneWhateverArrivesFirst() {
        Map<String, Long> seqs = new HashMap<>();
        Entry bill = entry(seqs, LANES[0], Entry.newBuilder().setBill(BillCommitted.newBuilder().setTill("till-1")
                .setNumber(1).setTotal(1000).addLines(BillLine.newBuilder().setSku("SOAP").setQtyMilli(1000))));
        String billId = LANES[0] + ":1";
        String key = BudgetKeys.refundKey(billId);
        Entry release = entry(seqs, LANES[0], Entry.newBuilder().setBudgetGrant(BudgetGrant.newBuilder().setKey(key)
                .setFromHolder(LANES[0]).setToHolder(LANES[1]).setAmount(400)));
        Entry refund = entry(seqs, LANES[1], Entry.newBuilder().setRefund(BillRefunded.newBuilder().setBillId(billId).setTotal(400)));
        for (List<Entry> order : List.of(List.of(bill, release, refund), List.of(refund, release, bill))) {
            BudgetView v = fold(order).budget(key);
            assertThat(v.total()).isEqualTo(1000);
            assertThat(v.spent()).isEqualTo(400);
            assertThat(v.unspent(LANES[0])).isEqualTo(600);
            assertThat(v.unspent(LANES[1])).isZero();
        }
    }

    private static BudgetGrant grant(String from, String to, long amount) {
        return BudgetGrant.newBuilder().setKey(KEY).setFromHolder(from).setToHolder(to).setAmount(amount).build();
    }

    private static BillCommitted.Builder bill(long qtyMilli) {
        return BillCommitted.newBuilder().setTill("t").setTotal(129).addLines(BillLine.newBuilder().setSku("MILK").setQtyMilli(qtyMilli))
                .addBudgetSpends(BudgetSpend.newBuilder().setKey(KEY).setAmount(qtyMilli));
    }

    private static Entry entry(Map<String, Long> seqs, String origin, Entry.Builder b) {
        long seq = seqs.merge(origin, 1L, Long::sum);
        return b.setOrigin(origin).setSeq(seq).setNode(origin.substring(0, 6))
                .setHlc(HlcStamp.newBuilder().setWallMs(1_700_000_000_000L + seq)).build();
    }

    private static StoreState fold(List<Entry> entries) {
        StoreState s = new StoreState();
        long pos = 0;
        for (Entry e : entries) {
            s.apply(e, pos++);
        }
        return s;
    }

    private static VersionVector vector(List<Entry> entries) {
        Map<String, Long> top = new HashMap<>();
        entries.forEach(e -> top.merge(e.getOrigin(), e.getSeq(), Math::max));
        return VersionVector.of(top);
    }
}
