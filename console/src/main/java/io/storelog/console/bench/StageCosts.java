package io.storelog.console.bench;

import io.storelog.config.catalog.CatalogItem;
import io.storelog.node.billing.BillPricer;
import io.storelog.node.billing.PricedProduct;
import io.storelog.node.billing.ProductLookup;
import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.node.merge.EntryIndex;
import io.storelog.node.state.CatalogProduct;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.Product;
import java.util.List;

/**
 * CPU cost of one bill per stage of the append path, on one thread with no I/O and no contention: what
 * the submitting thread does (price, encode) and what the single log writer thread does (parse the bytes
 * back, index, fold). Stage costs bound the throughput that any number of writers can reach on this CPU.
 */
final class StageCosts {
    /** Microseconds of CPU per bill in each stage. */
    record Result(int bills, double priceUs, double encodeUs, double parseUs, double foldUs, double bytesPerEntry) {
        double submitterUs() {
            return priceUs + encodeUs;
        }

        double writerUs() {
            return parseUs + foldUs;
        }
    }

    private StageCosts() {
    }

    /**
     * Prices {@code bills} bills against {@code catalogState} (a node's folded state, read as BillService does),
     * then encodes, parses and folds each into a fresh state, timing each stage; a first round is not counted.
     */
    static Result measure(StoreState catalogState, List<CatalogItem> items, int bills, long seed) {
        run(catalogState, items, bills, seed + 1);
        return run(catalogState, items, bills, seed);
    }

    private static Result run(StoreState catalogState, List<CatalogItem> items, int bills, long seed) {
        BillMix mix = new BillMix(items, seed, "cashier-stage");
        BillPricer pricer = new BillPricer();
        ProductLookup lookup = sku -> catalogState.product(sku).filter(cp -> cp.product().getActive()).map(StageCosts::priced);
        StoreState state = new StoreState();
        EntryIndex index = new EntryIndex();
        HybridLogicalClock clock = HybridLogicalClock.system();
        long price = 0;
        long encode = 0;
        long parse = 0;
        long fold = 0;
        long bytes = 0;
        for (int i = 1; i <= bills; i++) {
            var request = mix.next();
            long t0 = System.nanoTime();
            BillCommitted.Builder priced = pricer.price(request, lookup).setTill("till-stage").setCurrency("EUR")
                    .setCatalogVersion(0);
            long t1 = System.nanoTime();
            HlcStamp stamp = clock.tick();
            byte[] encoded = Entry.newBuilder().setActor("cashier-stage")
                    .setBill(priced.setNumber(i).setBusinessDay("2026-01-01"))
                    .setOrigin("till-stage-0000").setSeq(i).setHlc(stamp).setNode("till-stage").build().toByteArray();
            long t2 = System.nanoTime();
            Entry parsed;
            try {
                parsed = Entry.parseFrom(encoded);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
            long t3 = System.nanoTime();
            index.add(parsed.getOrigin(), parsed.getSeq(), i);
            state.apply(parsed, i);
            clock.seed(parsed.getHlc());
            long t4 = System.nanoTime();
            price += t1 - t0;
            encode += t2 - t1;
            parse += t3 - t2;
            fold += t4 - t3;
            bytes += encoded.length;
        }
        return new Result(bills, price / 1e3 / bills, encode / 1e3 / bills, parse / 1e3 / bills, fold / 1e3 / bills,
                (double) bytes / bills);
    }

    private static PricedProduct priced(CatalogProduct cp) {
        Product p = cp.product();
        return new PricedProduct(p.getSku(), p.getName(), p.getPrice(), p.getTaxClass(), cp.taxRateBp().orElse(0),
                p.getUnit(), cp.version());
    }
}
