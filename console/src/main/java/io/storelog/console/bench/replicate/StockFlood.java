package io.storelog.console.bench.replicate;

import io.storelog.node.StoreNode;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many cheap entries fast: goods-received entries (StockService.receive, 1 unit of a catalog SKU each),
 * pipelined with a bounded number in flight per node, spread evenly over the given nodes.
 */
public final class StockFlood {
    /** Entries written and how long it took until the last was durable at its node. */
    public record Result(long entries, double seconds, long failures, String firstFailure) {
        public double entriesPerSecond() {
            return entries / seconds;
        }
    }

    private StockFlood() {
    }

    public static Result write(List<StoreNode> nodes, long total, List<String> skus, int inflightPerNode)
            throws InterruptedException {
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> first = new AtomicReference<>();
        Thread[] threads = new Thread[nodes.size()];
        long started = System.nanoTime();
        for (int n = 0; n < nodes.size(); n++) {
            StoreNode node = nodes.get(n);
            long share = total / nodes.size() + (n < total % nodes.size() ? 1 : 0);
            int offset = n;
            threads[n] = new Thread(() -> {
                Semaphore window = new Semaphore(inflightPerNode);
                try {
                    for (long k = 0; k < share; k++) {
                        window.acquire();
                        String sku = skus.get((int) ((k * 7 + offset) % skus.size()));
                        try {
                            node.stock().receive(sku, 1_000, "bench catch-up", "bench").whenComplete((a, t) -> {
                                if (t != null) {
                                    failures.incrementAndGet();
                                    first.compareAndSet(null, t.toString());
                                }
                                window.release();
                            });
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            first.compareAndSet(null, e.toString());
                            window.release();
                        }
                    }
                    // Everything durable at this node before the clock stops.
                    if (!window.tryAcquire(inflightPerNode, 5, TimeUnit.MINUTES)) {
                        first.compareAndSet(null, "entries still in flight after 5 minutes");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-flood-" + n);
            threads[n].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(total - failures.get(), (System.nanoTime() - started) / 1e9, failures.get(), first.get());
    }
}
