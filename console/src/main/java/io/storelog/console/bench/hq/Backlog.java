package io.storelog.console.bench.hq;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.console.bench.replicate.Ports;
import io.storelog.console.bench.replicate.StockFlood;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.service.BillOutcome;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The store side of the upload: one store server node (it leads, having no peers) that is told where
 * headquarters will be, and the backlog it builds while headquarters is not there: realistic bills
 * through {@code BillService.submit} and goods-received entries through {@code StockService.receive}.
 */
public final class Backlog {
    /** Bills in flight per writer thread. */
    private static final int BILL_WINDOW = 128;
    /** Goods-received entries in flight. */
    private static final int RECEIPT_WINDOW = 1_024;

    /** What was written and how long until the last entry was durable. */
    public record Result(long bills, long receipts, double seconds, long failures, String firstFailure) {
    }

    private Backlog() {
    }

    /**
     * Starts the store server node on {@code dataDir}: store {@code store}, uploading to
     * {@code http://127.0.0.1:hqPort} with {@code token}, the catalog imported from {@code catalog}, every
     * bill acknowledged when durable on this node (ack-replicas 1: there are no peers to wait for).
     */
    public static StoreNode startStore(Path dataDir, String store, String storeKey, String token, int hqPort, Path catalog) {
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ID, "server-1");
        o.put(ConfigKeys.NODE_ROLE, "server");
        o.put(ConfigKeys.STORE_ID, store);
        o.put(ConfigKeys.STORE_KEY, storeKey);
        o.put(ConfigKeys.DATA_DIR, dataDir.toAbsolutePath().toString());
        o.put(ConfigKeys.HTTP_PORT, "0");
        o.put(ConfigKeys.PEER_PORT, Integer.toString(Ports.fixed()));
        o.put(ConfigKeys.PEER_BIND, "127.0.0.1");
        o.put(ConfigKeys.STORE_TIME_ZONE, "Europe/Berlin");
        o.put(ConfigKeys.REPLICATION_ACK_REPLICAS, "1");
        o.put(ConfigKeys.HQ_URL, "http://127.0.0.1:" + hqPort);
        o.put(ConfigKeys.HQ_TOKEN, token);
        o.put(ConfigKeys.CATALOG_FILE, catalog.toAbsolutePath().toString());
        NodeConfig config = ConfigLoader.load(Optional.empty(), o);
        return StoreNode.start(config);
    }

    /**
     * Writes {@code bills} bills (one thread per stream, the bills split evenly) and then {@code receipts}
     * goods-received entries of 1 unit of the given SKUs, pipelined; returns once all are durable.
     */
    public static Result write(StoreNode node, long bills, List<Supplier<BillRequest>> streams, long receipts, List<String> skus)
            throws InterruptedException {
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> first = new AtomicReference<>();
        long t0 = System.nanoTime();
        Thread[] threads = new Thread[streams.size()];
        for (int w = 0; w < streams.size(); w++) {
            long share = bills / streams.size() + (w < bills % streams.size() ? 1 : 0);
            Supplier<BillRequest> stream = streams.get(w);
            threads[w] = new Thread(() -> submitBills(node, share, stream, failures, first), "bench-hq-bills-" + w);
            threads[w].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        StockFlood.Result flood = StockFlood.write(List.of(node), receipts, skus, RECEIPT_WINDOW);
        if (flood.firstFailure() != null) {
            first.compareAndSet(null, flood.firstFailure());
        }
        long failed = failures.get() + flood.failures();
        return new Result(bills - failures.get(), flood.entries(), (System.nanoTime() - t0) / 1e9, failed, first.get());
    }

    private static void submitBills(StoreNode node, long count, Supplier<BillRequest> stream, AtomicLong failures,
            AtomicReference<String> first) {
        Semaphore window = new Semaphore(BILL_WINDOW);
        try {
            for (long k = 0; k < count; k++) {
                window.acquire();
                try {
                    node.bills().submit(stream.get()).whenComplete((BillOutcome o, Throwable t) -> {
                        if (t != null || o.repeated()) {
                            failures.incrementAndGet();
                            first.compareAndSet(null, t != null ? t.toString() : "a fresh bill was taken as a repeat");
                        }
                        window.release();
                    });
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    first.compareAndSet(null, e.toString());
                    window.release();
                }
            }
            if (!window.tryAcquire(BILL_WINDOW, 5, TimeUnit.MINUTES)) {
                first.compareAndSet(null, "bills still in flight after 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
