package io.storelog.console.bench;

import io.storelog.config.ConfigKeys;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.console.UsageException;
import io.storelog.console.bench.replicate.Latency;
import io.storelog.console.bench.replicate.StoreCluster;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.service.budget.BudgetExhausted;
import io.storelog.node.state.BudgetKeys;
import io.storelog.protocol.TenderType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code storelog bench budgets}: a store of N nodes in this JVM on loopback. The answer latency of a
 * sale of a limited item that the lane's share covers, next to one whose lane must first get budget from
 * a peer (a transfer: request, grant written and replicated, then the sale), taken in turns in one run;
 * then the throughput of limited-item sales from every lane at once, budget flowing on demand.
 */
@Command(name = "budgets", mixinStandardHelpOptions = true,
        description = {"Run N store nodes in this JVM and measure the latency of a limited-item sale that needs no budget",
                "transfer next to one that needs a transfer from a peer, and the throughput of limited-item sales from",
                "every lane at once. Writes <out-dir>/budgets-<UTC time>.txt and .json."})
public final class BudgetBench implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "8", description = "store nodes in this JVM (default ${DEFAULT-VALUE})")
    int nodes;
    @Option(names = "--samples", defaultValue = "200", description = "sales of each kind in the latency run (default ${DEFAULT-VALUE})")
    int samples;
    @Option(names = "--writers", defaultValue = "2", description = "concurrent sellers per lane in the throughput run (default ${DEFAULT-VALUE})")
    int writersPerLane;
    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds of the throughput run (default ${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--ack-timeout-ms", defaultValue = "50", description = "replication.ack-timeout-ms of every node (default ${DEFAULT-VALUE})")
    int ackTimeoutMs;

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (nodes < 2 || samples < 1 || writersPerLane < 1 || seconds < 1 || ackTimeoutMs < 1) {
            throw new UsageException("--nodes must be at least 2; --samples, --writers, --seconds and --ack-timeout-ms at least 1");
        }
        return BenchRun.execute("budgets", "StoreLog budgets (bounded counters) benchmark", options.dir, options.outDir,
                options.keepData, spec, run -> {
                    Path catalog = run.base.resolve("catalog.csv");
                    CatalogGenerator.write(samples + 10, options.seed, catalog);
                    List<CatalogItem> items = CatalogCsv.read(catalog, CatalogGenerator.CURRENCY_EXPONENT);
                    // Rebalancing off: every transfer measured is one a sale asked for.
                    try (StoreCluster c = new StoreCluster(run.base, nodes, catalog, ackTimeoutMs)
                            .with(ConfigKeys.BUDGETS_REBALANCE_IDLE_SECONDS, "0")) {
                        c.startAll();
                        c.awaitLinked(Duration.ofSeconds(60));
                        c.awaitConverged(Duration.ofSeconds(60));
                        latency(run.report, c, items);
                        throughput(run.report, c, items.get(items.size() - 1).sku());
                    }
                });
    }

    /**
     * Each sample: a fresh limited SKU whose whole budget lane 1 holds; lane 2 (holding none) sells one
     * unit of it, so it asks lane 1 first. In turn, lane 1 sells a unit of a SKU whose budget it holds.
     */
    private void latency(BenchReport report, StoreCluster c, List<CatalogItem> items) throws Exception {
        report.section("Latency of one limited-item sale (" + nodes + " nodes, sequential)");
        StoreNode holder = c.node(0);
        StoreNode asker = c.node(1);
        String held = items.get(items.size() - 2).sku();
        holder.budgets().setTotal(BudgetKeys.skuKey(held), 1_000_000_000L, "bench");
        Histogram local = Latency.histogram();
        Histogram transfer = Latency.histogram();
        for (int k = 0; k < samples; k++) {
            String sku = items.get(k).sku();
            String key = BudgetKeys.skuKey(sku);
            holder.budgets().setTotal(key, 1_000_000L, "bench");
            awaitLimited(asker, key);
            Latency.record(local, sell(holder, held, "l" + k));
            Latency.record(transfer, sell(asker, sku, "t" + k));
        }
        report.row("no transfer (share covers it)", Latency.text(local), Latency.values(local));
        report.row("with a transfer from a peer", Latency.text(transfer), Latency.values(transfer));
        double extra = Latency.p(transfer, 50) - Latency.p(local, 50);
        report.row("extra at p50", String.format(Locale.ROOT, "%.3f ms", extra), Map.of("extraP50Ms", extra));
        report.target("a budget transfer adds little to a sale (p99)", String.format(Locale.ROOT, "%.3f ms", Latency.p(transfer, 99)),
                "none set", null, "compare with " + String.format(Locale.ROOT, "%.3f ms", Latency.p(local, 99)) + " without");
    }

    /** Every lane sells one unit of one limited SKU at a time from several sellers; lane 1 starts with the whole budget. */
    private void throughput(BenchReport report, StoreCluster c, String sku) throws Exception {
        report.section("Throughput of limited-item sales (" + nodes + " lanes x " + writersPerLane + " sellers, " + seconds + " s)");
        String key = BudgetKeys.skuKey(sku);
        c.node(0).budgets().setTotal(key, 1_000_000_000L, "bench");
        for (int i = 0; i < nodes; i++) {
            awaitLimited(c.node(i), key);
        }
        AtomicLong sold = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Histogram latency = Latency.histogram();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> sellers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            StoreNode lane = c.node(i);
            for (int w = 0; w < writersPerLane; w++) {
                String prefix = "x" + i + "-" + w + "-";
                Thread t = new Thread(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        try {
                            long ns = sell(lane, sku, prefix + (n++));
                            synchronized (latency) {
                                Latency.record(latency, ns);
                            }
                            sold.incrementAndGet();
                        } catch (Exception e) {
                            refused.incrementAndGet();
                        }
                    }
                }, "seller-" + prefix);
                sellers.add(t);
            }
        }
        long started = System.nanoTime();
        sellers.forEach(Thread::start);
        for (Thread t : sellers) {
            t.join();
        }
        double secs = (System.nanoTime() - started) / 1e9;
        c.awaitConverged(Duration.ofSeconds(60));
        long grants = c.node(0).state().budget(key).shares().values().stream().filter(s -> s.received() > 0).count();
        report.row("limited-item sales/s", String.format(Locale.ROOT, "%,.0f (%,d sales, %,d failed)", sold.get() / secs, sold.get(),
                refused.get()), Map.of("salesPerSecond", sold.get() / secs, "sales", sold.get(), "failed", refused.get()));
        report.row("sale latency", Latency.text(latency), Latency.values(latency));
        report.row("lanes that got budget from a peer", grants + " of " + nodes, Map.of("lanesReceived", grants));
        report.row("spent store-wide (converged)", c.node(nodes - 1).state().budget(key).spent() / 1000 + " units",
                Map.of("spentUnits", c.node(nodes - 1).state().budget(key).spent() / 1000));
    }

    /** One unit of {@code sku} paid cash on {@code lane}; the nanoseconds until it was answered. */
    private static long sell(StoreNode lane, String sku, String id) throws Exception {
        BillRequest bill = new BillRequest("bench-" + id, List.of(new LineRequest(sku, 1000, null)), null,
                List.of(new TenderRequest(TenderType.CASH, null, null, null)), null, "bench");
        long t0 = System.nanoTime();
        try {
            lane.bills().submit(bill).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BudgetExhausted b) {
                throw b;
            }
            throw e;
        }
        return System.nanoTime() - t0;
    }

    private static void awaitLimited(StoreNode node, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!node.state().budgetLimited(key)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(key + " did not reach " + node.config().node().id() + " within 30 s");
            }
            Thread.sleep(1);
        }
    }
}
