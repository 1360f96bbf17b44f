package io.storelog.node.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.BillVoided;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Entry;
import io.storelog.protocol.GoodsReceived;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.Product;
import io.storelog.protocol.RefundLine;
import io.storelog.protocol.StockAdjusted;
import io.storelog.protocol.StockCounted;
import io.storelog.protocol.TaxRate;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fold must give the same state whatever order entries of different origins arrive in. */
class FoldOrderTest {
    private static final String[] SKUS = {"SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void shuffledDeliveryGivesTheSameDigest(long seed) {
        Random rnd = new Random(seed);
        List<Entry> entries = randomLog(rnd, 4, 60);

        StoreState inOrder = fold(entries);
        // Interleave origins at random while each origin stays in seq order, as replication delivers.
        StoreState interleaved = fold(interleave(entries, rnd));
        // And a full shuffle: the fold must not even rely on per-origin order.
        List<Entry> shuffled = new ArrayList<>(entries);
        java.util.Collections.shuffle(shuffled, rnd);
        StoreState anyOrder = fold(shuffled);

        VersionVector vv = versionVector(entries);
        String expected = inOrder.digest(() -> vv).digest();
        assertThat(interleaved.digest(() -> vv).digest()).isEqualTo(expected);
        assertThat(anyOrder.digest(() -> vv).digest()).isEqualTo(expected);
        assertThat(anyOrder.stockSnapshot()).isEqualTo(inOrder.stockSnapshot());
        assertThat(anyOrder.salesByTender("2026-11-27")).isEqualTo(inOrder.salesByTender("2026-11-27"));
        for (String sku : SKUS) {
            assertThat(anyOrder.product(sku).map(CatalogProduct::product))
                    .isEqualTo(inOrder.product(sku).map(CatalogProduct::product));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void aMissingEntryChangesTheDigest(long seed) {
        List<Entry> entries = randomLog(new Random(seed), 3, 30);
        VersionVector vv = versionVector(entries);
        String full = fold(entries).digest(() -> vv).digest();
        List<Entry> fewer = new ArrayList<>(entries);
        fewer.remove(entries.size() / 2);
        assertThat(fold(fewer).digest(() -> vv).digest()).isNotEqualTo(full);
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void stockIsReceiptsMinusSalesPlusReturns(long seed) {
        List<Entry> entries = randomLog(new Random(seed), 3, 80);
        Map<String, Long> expected = new HashMap<>();
        for (Entry e : entries) {
            switch (e.getBodyCase()) {
                case BILL -> e.getBill().getLinesList().forEach(l -> expected.merge(l.getSku(), -l.getQtyMilli(), Long::sum));
                case REFUND -> e.getRefund().getLinesList().forEach(l -> expected.merge(l.getSku(), l.getQtyMilli(), Long::sum));
                case VOID -> e.getVoid().getLinesList().forEach(l -> expected.merge(l.getSku(), l.getQtyMilli(), Long::sum));
                case GOODS_RECEIVED -> expected.merge(e.getGoodsReceived().getSku(), e.getGoodsReceived().getQtyMilli(), Long::sum);
                case STOCK_ADJUSTED -> expected.merge(e.getStockAdjusted().getSku(), e.getStockAdjusted().getDeltaMilli(), Long::sum);
                case STOCK_COUNTED -> expected.merge(e.getStockCounted().getSku(), e.getStockCounted().getDeltaMilli(), Long::sum);
                default -> { }
            }
        }
        assertThat(fold(entries).stockSnapshot()).isEqualTo(expected);
    }

    private static StoreState fold(List<Entry> entries) {
        StoreState s = new StoreState();
        long position = 0;
        for (Entry e : entries) {
            s.apply(e, position++);
        }
        return s;
    }

    private static VersionVector versionVector(List<Entry> entries) {
        Map<String, Long> m = new HashMap<>();
        entries.forEach(e -> m.merge(e.getOrigin(), e.getSeq(), Math::max));
        return VersionVector.of(m);
    }

    private static List<Entry> interleave(List<Entry> entries, Random rnd) {
        Map<String, List<Entry>> byOrigin = new java.util.TreeMap<>();
        entries.forEach(e -> byOrigin.computeIfAbsent(e.getOrigin(), o -> new ArrayList<>()).add(e));
        List<List<Entry>> queues = new ArrayList<>(byOrigin.values());
        List<Entry> out = new ArrayList<>();
        while (!queues.isEmpty()) {
            List<Entry> q = queues.get(rnd.nextInt(queues.size()));
            out.add(q.remove(0));
            if (q.isEmpty()) {
                queues.remove(q);
            }
        }
        return out;
    }

    /** A log of several origins with every entry kind, conflicting catalog versions and refunds across origins. */
    static List<Entry> randomLog(Random rnd, int origins, int perOrigin) {
        List<Entry> out = new ArrayList<>();
        List<String> billIds = new ArrayList<>();
        for (int o = 0; o < origins; o++) {
            String origin = "till-" + o + "-00000000000" + o;
            long number = 0;
            for (long seq = 1; seq <= perOrigin; seq++) {
                Entry.Builder e = Entry.newBuilder().setOrigin(origin).setSeq(seq).setNode("till-" + o)
                        .setHlc(HlcStamp.newBuilder().setWallMs(1_790_000_000_000L + seq * 10 + rnd.nextInt(5)).setCounter(rnd.nextInt(3)));
                int kind = rnd.nextInt(8);
                String sku = SKUS[rnd.nextInt(SKUS.length)];
                switch (kind) {
                    case 0, 1, 2 -> {
                        long qty = (1 + rnd.nextInt(3)) * 1000L;
                        long net = 100 + rnd.nextInt(900);
                        e.setBill(BillCommitted.newBuilder().setClientBillId("cart-" + o + "-" + seq).setTill("till-" + o)
                                .setNumber(++number).setBusinessDay("2026-11-27").setTotal(net).setTax(net / 10)
                                .addLines(BillLine.newBuilder().setLineNo(1).setSku(sku).setQtyMilli(qty).setNet(net))
                                .addTenders(Tender.newBuilder().setType(rnd.nextBoolean() ? TenderType.CASH : TenderType.CARD).setAmount(net)));
                        billIds.add(origin + ":" + seq);
                    }
                    case 3 -> {
                        String billId = billIds.isEmpty() ? "till-9-x:1" : billIds.get(rnd.nextInt(billIds.size()));
                        e.setRefund(BillRefunded.newBuilder().setBillId(billId).setTill("till-" + o).setBusinessDay("2026-11-27")
                                .setTotal(50).addLines(RefundLine.newBuilder().setLineNo(1).setSku(sku).setQtyMilli(1000).setAmount(50))
                                .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(50)));
                    }
                    case 4 -> e.setGoodsReceived(GoodsReceived.newBuilder().setSku(sku).setQtyMilli(rnd.nextInt(20_000)));
                    case 5 -> e.setStockAdjusted(StockAdjusted.newBuilder().setSku(sku).setDeltaMilli(rnd.nextInt(2000) - 1000));
                    case 6 -> e.setStockCounted(StockCounted.newBuilder().setSku(sku).setSeenMilli(5).setCountedMilli(7).setDeltaMilli(2));
                    default -> {
                        if (rnd.nextBoolean() && !billIds.isEmpty()) {
                            e.setVoid(BillVoided.newBuilder().setBillId(billIds.get(rnd.nextInt(billIds.size())))
                                    .setTill("till-" + o).setBusinessDay("2026-11-27").setTotal(10)
                                    .addLines(RefundLine.newBuilder().setLineNo(1).setSku(sku).setQtyMilli(1000).setAmount(10))
                                    .addTenders(Tender.newBuilder().setType(TenderType.CARD).setAmount(10)));
                        } else {
                            // Conflicting versions of the same product from different origins.
                            e.setCatalogUpdate(CatalogUpdate.newBuilder().setSource("hq").setVersion(rnd.nextInt(4))
                                    .addProducts(Product.newBuilder().setSku(sku).setName("P " + rnd.nextInt(100))
                                            .setPrice(100 + rnd.nextInt(500)).setTaxClass("standard").setUnit(Unit.EACH).setActive(true))
                                    .addTaxRates(TaxRate.newBuilder().setTaxClass("standard").setRateBp(1000 + rnd.nextInt(3) * 500)));
                        }
                    }
                }
                out.add(e.build());
            }
        }
        return out;
    }
}
