package io.storelog.console.bench;

import io.storelog.config.ConfigKeys;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.console.UsageException;
import io.storelog.console.bench.ignite.IgniteStore;
import io.storelog.console.bench.replicate.ClosedLoop;
import io.storelog.console.bench.replicate.FsyncProbe;
import io.storelog.console.bench.replicate.LagRecorder;
import io.storelog.console.bench.replicate.NodeMeters;
import io.storelog.console.bench.replicate.NoiseFloor;
import io.storelog.console.bench.replicate.Latency;
import io.storelog.console.bench.replicate.OpenLoop;
import io.storelog.console.bench.replicate.ReplicaFloorProbe;
import io.storelog.console.bench.replicate.StockFlood;
import io.storelog.console.bench.replicate.StoreCluster;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillPricer;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.PricedProduct;
import io.storelog.node.billing.ProductLookup;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.service.BillOutcome;
import io.storelog.node.state.CatalogProduct;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Product;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code storelog bench replicate}: a store of N nodes in this JVM on loopback. Aggregate durable bills/s
 * with two-replica acknowledgement and its answer latency next to the raw fsync of the same disk;
 * replication lag at a fixed offered load; catch-up of a node that missed many entries; a lane cut off
 * from the others; and, with --compare-ignite, the same bill stream through an Apache Ignite cluster.
 */
@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Run N store nodes in this JVM (full mesh of peer links on loopback) and measure aggregate durable",
                "bills/s with peer acknowledgement, replication lag at a fixed load, catch-up of a node that missed many",
                "entries, and a lane cut off from the others; --compare-ignite runs the same bill stream through three",
                "Apache Ignite server nodes. Writes <out-dir>/replicate-<UTC time>.txt and .json."})
public final class ReplicateBench implements Callable<Integer> {
    static final double TARGET_P99_FSYNC_FACTOR = 3.0;
    static final double TARGET_LAG_P99_MS = 10.0;
    static final int TARGET_LAG_NODES = 8;
    static final double TARGET_LAG_RATE = 1_000;
    static final double TARGET_CATCH_UP_PER_SECOND = 100_000;
    static final double TARGET_IGNITE_RATIO = 20.0;
    static final Duration IGNITE_CUT_OFF_WAIT = Duration.ofSeconds(5);
    /** Whole-process and machine CPU (no single thread of interest). */
    private static final CpuMeter CPU = CpuMeter.forThread("(none)");

    @Option(names = "--nodes", defaultValue = "3", description = "store nodes in this JVM (default ${DEFAULT-VALUE})")
    int nodes;
    @Option(names = "--writers", defaultValue = "64", description = "concurrent writers, spread over the nodes (default ${DEFAULT-VALUE})")
    int writers;
    @Option(names = "--seconds", defaultValue = "10", description = "measured seconds of the throughput run (default ${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--warmup", description = "warm-up seconds before each throughput run, not measured (default: min(20, 2 x --seconds))")
    Double warmup;
    @Option(names = "--lag-rate", defaultValue = "1000", description = "offered bills/s across all nodes in the lag run (default ${DEFAULT-VALUE})")
    double lagRate;
    @Option(names = "--answer-rate", defaultValue = "100", description = "offered bills/s across all nodes in the bill answer run "
            + "(a cashier's pace on every lane, not saturation; default ${DEFAULT-VALUE})")
    double answerRate;
    @Option(names = "--lag-seconds", description = "seconds of the lag run (default: --seconds)")
    Integer lagSeconds;
    @Option(names = "--catch-up-entries", defaultValue = "1000000",
            description = "entries written while one node is down; 0 skips catch-up (default ${DEFAULT-VALUE})")
    long catchUpEntries;
    @Option(names = "--cut-off-seconds", description = "seconds of billing on a cut-off node (default: min(5, --seconds))")
    Integer cutOffSeconds;
    @Option(names = "--catalog-products", defaultValue = "2000", description = "products of the generated catalog (default ${DEFAULT-VALUE})")
    int catalogProducts;
    @Option(names = "--fsync-iterations", defaultValue = "3000", description = "raw write+fsync iterations (default ${DEFAULT-VALUE})")
    int fsyncIterations;
    @Option(names = "--ack-timeout-ms", defaultValue = "50", description = "replication.ack-timeout-ms of every node (default ${DEFAULT-VALUE})")
    int ackTimeoutMs;
    @Option(names = "--peer-tls", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "peer links over TLS, the nodes' default (off here by default: the Ignite side runs without SSL, and like is compared with like)")
    boolean peerTls;
    @Option(names = "--compare-ignite", description = "also run the same bill stream through Apache Ignite server nodes in this JVM")
    boolean compareIgnite;
    @Option(names = "--ignite-nodes", defaultValue = "3", description = "Ignite server nodes (default ${DEFAULT-VALUE})")
    int igniteNodes;

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    private BenchReport report;
    private Path base;
    private List<CatalogItem> items;

    @Override
    public Integer call() throws Exception {
        validate();
        return BenchRun.execute("replicate", "StoreLog replication benchmark", options.dir, options.outDir, options.keepData, spec, run -> {
            base = run.base;
            report = run.report;
            Path catalog = base.resolve("catalog-" + catalogProducts + ".csv");
            CatalogGenerator.write(catalogProducts, options.seed, catalog);
            items = CatalogCsv.read(catalog, CatalogGenerator.CURRENCY_EXPONENT);
            run(catalog);
        });
    }

    private void validate() {
        if (nodes < 2) {
            throw new UsageException("--nodes must be at least 2 (replication needs a peer)");
        }
        if (writers < 1 || seconds < 1) {
            throw new UsageException("--writers and --seconds must be at least 1");
        }
        if (warmup != null && warmup < 0) {
            throw new UsageException("--warmup must not be negative");
        }
        if (answerRate <= 0) {
            throw new UsageException("--answer-rate must be positive");
        }
        if (lagRate <= 0 || lagSeconds != null && lagSeconds < 1) {
            throw new UsageException("--lag-rate must be positive and --lag-seconds at least 1");
        }
        if (catchUpEntries < 0) {
            throw new UsageException("--catch-up-entries must not be negative");
        }
        if (cutOffSeconds != null && cutOffSeconds < 1) {
            throw new UsageException("--cut-off-seconds must be at least 1");
        }
        if (catalogProducts < 1 || fsyncIterations < 1 || ackTimeoutMs < 1) {
            throw new UsageException("--catalog-products, --fsync-iterations and --ack-timeout-ms must be at least 1");
        }
        if (igniteNodes < 3) {
            throw new UsageException("--ignite-nodes must be at least 3 (the cut-off test stops two of them)");
        }
    }

    private double warmupSeconds() {
        // Eight nodes' code paths keep the JIT compilers busy for about 20 s: a 5 s warm-up left ~10 s of
        // compilation inside a 10 s window (bench/results/replicate-20261128T023229Z.txt), measuring the compiler.
        return warmup != null ? warmup : Math.min(20, 2.0 * seconds);
    }

    private int lagSeconds() {
        return lagSeconds != null ? lagSeconds : seconds;
    }

    private int cutOffSeconds() {
        return cutOffSeconds != null ? cutOffSeconds : Math.min(5, seconds);
    }

    /** Writer i's bills: the same seeds on the StoreLog and the Ignite side, so both get the same bill stream. */
    private Supplier<BillRequest> mix(long salt, int writer) {
        BillMix m = new BillMix(items, options.seed * 1_000_003L + salt * 65_537L + writer, "cashier-" + (writer % 8));
        return m::next;
    }

    // ---- the run ------------------------------------------------------------------------------------

    private void run(Path catalog) throws Exception {
        report.section("Set-up");
        report.row("store", nodes + " StoreLog nodes in this one JVM, full mesh of peer links on 127.0.0.1", Map.of("nodes", nodes));
        report.row("writers", writers + " concurrent writers, writer i bills on node i mod " + nodes, Map.of("writers", writers));
        report.row("bills", "BillMix: " + BillMix.MIN_LINES + "-" + BillMix.MAX_LINES + " lines, line and bill discounts, cash/card/split tenders, over a "
                + catalogProducts + "-product generated catalog (seed " + options.seed + ")", Map.of("catalogProducts", catalogProducts));
        report.row("durations", String.format(Locale.ROOT, "throughput %d s after %.1f s warm-up; lag run %d s at %.0f bills/s; cut-off %d s",
                seconds, warmupSeconds(), lagSeconds(), lagRate, cutOffSeconds()), Map.of("seconds", seconds,
                "warmupSeconds", warmupSeconds(), "lagSeconds", lagSeconds(), "lagRate", lagRate, "cutOffSeconds", cutOffSeconds()));

        noiseFloor();
        FsyncProbe.Result fsync = fsyncProbe();
        FsyncProbe.Result floor = replicaFloor(fsync);

        try (StoreCluster cluster = new StoreCluster(base.resolve("store"), nodes, catalog, ackTimeoutMs)
                .with(ConfigKeys.PEER_TLS, Boolean.toString(peerTls))) {
            startStore(cluster);
            LagRecorder lag = new LagRecorder(nodes);
            for (int i = 0; i < nodes; i++) {
                lag.attach(i, cluster.node(i));
            }
            ClosedLoop.Result storeRun = throughput(cluster, fsync);
            answerRun(cluster, fsync, floor);
            lagRun(cluster, lag);
            Map<String, PricedProduct> prices = priceSnapshot(cluster.node(0));
            if (catchUpEntries > 0) {
                catchUp(cluster);
            } else {
                report.target("catch-up of a node that missed 1,000,000 entries", "skipped (--catch-up-entries 0)",
                        ">= 100,000 entries/s", null, "");
            }
            ClosedLoop.Result storeCut = storeCutOff(cluster);
            cluster.close();
            if (compareIgnite) {
                ignite(storeRun, storeCut, prices);
            } else {
                report.target("StoreLog bills/s >= 20 x Ignite (same run)", "not run (no --compare-ignite)", ">= 20x", null, "");
            }
        }
    }

    private void noiseFloor() {
        report.section("Noise floor (the same ~50 us CPU task, 4,000 times on one thread)");
        CpuMeter.Snapshot a = CPU.snapshot();
        Histogram h = NoiseFloor.measure(4_000);
        CpuMeter.Usage u = CpuMeter.between(a, CPU.snapshot());
        report.row("task time", Latency.text(h), Latency.values(h));
        report.row("other processes", String.format(Locale.ROOT, "%.2f of %d cores busy with other work meanwhile; load average %s",
                u.otherCores(), Runtime.getRuntime().availableProcessors(), CpuMeter.loadAverage()),
                Map.of("otherCores", u.otherCores(), "loadAverage", CpuMeter.loadAverage()));
        report.note("a p99 far above the p50 here means other work kept this process off the CPU; every tail below carries it");
    }

    private FsyncProbe.Result fsyncProbe() throws Exception {
        double maxSeconds = Math.max(2, seconds);
        report.section("Raw fsync of the data disk (" + FsyncProbe.RECORD_BYTES + "-byte append + FileChannel.force(false), one at a time)");
        FsyncProbe.Result r = FsyncProbe.run(base, fsyncIterations, maxSeconds, options.seed);
        Map<String, Object> v = Latency.values(r.latency());
        v.put("opsPerSecond", r.opsPerSecond());
        report.row("latency", Latency.text(r.latency()), v);
        report.row("ops/s", String.format(Locale.ROOT, "%,.0f (%,d iterations in %.1f s%s)", r.opsPerSecond(), r.iterations(),
                r.seconds(), r.iterations() < fsyncIterations ? ", stopped at the " + (int) maxSeconds + " s limit" : ""), Map.of());
        return r;
    }

    private FsyncProbe.Result replicaFloor(FsyncProbe.Result fsync) throws Exception {
        double maxSeconds = Math.max(2, seconds);
        report.section("Floor of a two-replica answer (" + FsyncProbe.RECORD_BYTES + "-byte append + force here, sent over loopback TCP, "
                + "append + force by a second thread, 1-byte answer; nothing else)");
        FsyncProbe.Result r = ReplicaFloorProbe.run(base, fsyncIterations, maxSeconds, options.seed);
        report.row("latency", Latency.text(r.latency()), Latency.values(r.latency()));
        double ratio = Latency.p(r.latency(), 99) / Latency.p(fsync.latency(), 99);
        report.row("floor p99 / raw fsync p99", String.format(Locale.ROOT, "%.2f (%,d exchanges in %.1f s)", ratio, r.iterations(), r.seconds()),
                Map.of("ratio", ratio, "iterations", r.iterations()));
        report.note("two forces one after the other and a loopback round trip: what any answer that waits for a peer costs at least, "
                + "since an entry may leave its node only once durable there");
        return r;
    }

    private void startStore(StoreCluster cluster) {
        report.section("Store start-up");
        long t0 = System.nanoTime();
        cluster.startAll();
        long started = System.nanoTime();
        cluster.awaitLinked(Duration.ofMinutes(2));
        long linked = System.nanoTime();
        VersionVector vv = cluster.awaitConverged(Duration.ofMinutes(2));
        long converged = System.nanoTime();
        StoreNode first = cluster.node(0);
        report.row("nodes started", String.format(Locale.ROOT, "%d in %.2f s; every pair linked after %.2f s more; catalog (%,d products, "
                        + "%,d entries imported on %s) on every node after %.2f s more", nodes, (started - t0) / 1e9, (linked - started) / 1e9,
                first.state().catalogSize(), vv.total(), cluster.name(0), (converged - linked) / 1e9),
                Map.of("startSeconds", (started - t0) / 1e9, "linkSeconds", (linked - started) / 1e9,
                        "catalogReplicatedSeconds", (converged - linked) / 1e9, "catalogEntries", vv.total()));
        report.row("settings", "replication.ack-replicas " + first.config().replication().ackReplicas() + ", ack-timeout-ms "
                + first.config().replication().ackTimeoutMs() + ", log.max-batch-records " + first.config().log().maxBatchRecords()
                + ", peer.tls " + first.config().peer().tls() + (peerTls ? "" : " (the nodes' default is on; off here like the Ignite side, "
                + "which runs without SSL; --peer-tls measures with it)") + ", data under " + cluster.dataDir(0).getParent(),
                Map.of("peerTls", peerTls));
    }

    // ---- aggregate throughput ------------------------------------------------------------------------

    private ClosedLoop.Result throughput(StoreCluster cluster, FsyncProbe.Result fsync) throws Exception {
        report.section(String.format(Locale.ROOT, "Aggregate durable bills: %d writers over %d nodes, BillService.submit, %d s after %.1f s warm-up",
                writers, nodes, seconds, warmupSeconds()));
        StoreNode[] byNode = cluster.nodes();
        List<StoreNode> all = List.of(byNode);
        AtomicReference<CpuMeter.Snapshot> cpu0 = new AtomicReference<>();
        AtomicReference<NodeMeters> meters0 = new AtomicReference<>();
        ClosedLoop.Result r = ClosedLoop.run(writers, w -> mix(1, w), w -> storeSink(byNode[w % nodes]),
                nanos(warmupSeconds()), TimeUnit.SECONDS.toNanos(seconds), "bench-writer-", () -> {
                    meters0.set(NodeMeters.of(all));
                    cpu0.set(CPU.snapshot());
                });
        CpuMeter.Usage u = CpuMeter.between(cpu0.get(), CPU.snapshot());
        NodeMeters m = NodeMeters.of(all).since(meters0.get());
        storeRows(r, "");
        diagnostics(u, m, r.bills());
        double p99 = Latency.p(r.latency(), 99);
        double fsyncP99 = Latency.p(fsync.latency(), 99);
        double ratio = p99 / fsyncP99;
        report.row("bill p99 / raw fsync p99", String.format(Locale.ROOT, "%.2f (%.3f ms / %.3f ms)", ratio, p99, fsyncP99),
                Map.of("ratio", ratio, "billP99Ms", p99, "fsyncP99Ms", fsyncP99));
        report.note("at saturation a bill's answer time is mostly its wait for the CPU behind the other writers' bills; "
                + "the answer-time target is judged at a cashier's pace (next section)");
        cluster.awaitConverged(Duration.ofMinutes(2));
        return r;
    }

    /**
     * Bill answer time at a pace lanes really bill at: the save-before-print path (local fsync, push, a
     * peer's fsync, its acknowledgement) without the queueing a saturated machine adds to every path.
     */
    private void answerRun(StoreCluster cluster, FsyncProbe.Result fsync, FsyncProbe.Result floor) throws Exception {
        report.section(String.format(Locale.ROOT, "Bill answer at a cashier's pace: %.0f bills/s over %d nodes (open loop), %d s",
                answerRate, nodes, lagSeconds()));
        PacedRun run = pacedRun(cluster, answerRate, 6, () -> { });
        OpenLoop.Result r = run.result();
        cluster.awaitConverged(Duration.ofMinutes(2));
        report.row("offered", String.format(Locale.ROOT, "%,d bills in %.2f s = %,.0f bills/s; %,d answered, %d errors",
                r.offered(), r.seconds(), r.offeredPerSecond(), r.answered(), r.errors()),
                Map.of("offered", r.offered(), "answered", r.answered(), "errors", r.errors()));
        report.row("bill answer latency (from due time)", Latency.text(r.answerLatency()), Latency.values(r.answerLatency()));
        report.row("answers singleLane", String.format(Locale.ROOT, "%,d of %,d", r.singleLane(), r.answered()),
                Map.of("singleLane", r.singleLane()));
        // The answer is the local fsync, the push, a peer's fsync and its ack: these rows show each part's share.
        diagnostics(run.cpu(), run.meters(), r.answered());
        double p99 = Latency.p(r.answerLatency(), 99);
        double fsyncP99 = Latency.p(fsync.latency(), 99);
        double ratio = p99 / fsyncP99;
        report.row("bill p99 / raw fsync p99", String.format(Locale.ROOT, "%.2f (%.3f ms / %.3f ms)", ratio, p99, fsyncP99),
                Map.of("ratio", ratio, "billP99Ms", p99, "fsyncP99Ms", fsyncP99));
        double floorP99 = Latency.p(floor.latency(), 99);
        report.row("bill p99 / two-replica floor p99", String.format(Locale.ROOT, "%.2f (%.3f ms / %.3f ms); bill p50 / floor p50 %.2f",
                p99 / floorP99, p99, floorP99, Latency.p(r.answerLatency(), 50) / Latency.p(floor.latency(), 50)),
                Map.of("ratio", p99 / floorP99, "floorP99Ms", floorP99));
        if (r.firstError() != null) {
            report.note("first error: " + r.firstError());
        }
        report.target("bill answer p99 <= 3 x raw fsync p99", String.format(Locale.ROOT, "%.2fx (%.3f / %.3f ms)", ratio, p99, fsyncP99),
                "<= 3x", r.errors() == 0 && r.answered() > 0 && ratio <= TARGET_P99_FSYNC_FACTOR,
                (r.errors() == 0 ? "" : r.errors() + " bills failed; ") + String.format(Locale.ROOT, "%,.0f bills/s offered, %,d singleLane",
                        r.offeredPerSecond(), r.singleLane()));
    }

    private void storeRows(ClosedLoop.Result r, String prefix) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("bills", r.bills());
        v.put("seconds", r.seconds());
        v.put("billsPerSecond", r.billsPerSecond());
        v.put("errors", r.errors());
        report.row(prefix + "durable bills/s", String.format(Locale.ROOT, "%,.0f  (%,d bills in %.2f s, %d errors)", r.billsPerSecond(),
                r.bills(), r.seconds(), r.errors()), v);
        report.row(prefix + "bill answer latency", Latency.text(r.latency()), Latency.values(r.latency()));
        report.row(prefix + "answers singleLane", String.format(Locale.ROOT, "%,d of %,d (%.2f%%)", r.singleLane(), r.bills(),
                r.bills() == 0 ? 0 : 100.0 * r.singleLane() / r.bills()), Map.of("singleLane", r.singleLane()));
        if (r.firstError() != null) {
            report.note("first error: " + r.firstError());
        }
    }

    /** An open-loop run over every node, with the CPU and node meters of exactly its window. */
    private record PacedRun(OpenLoop.Result result, CpuMeter.Usage cpu, NodeMeters meters) {
    }

    /** Offers {@code rate} bills/s spread over the nodes for the lag-run duration; {@code atStart} runs as the window opens. */
    private PacedRun pacedRun(StoreCluster cluster, double rate, long mixSalt, Runnable atStart) throws Exception {
        StoreNode[] byNode = cluster.nodes();
        List<StoreNode> all = List.of(byNode);
        NodeMeters m0 = NodeMeters.of(all);
        CpuMeter.Snapshot c0 = CPU.snapshot();
        atStart.run();
        OpenLoop.Result r = OpenLoop.run(rate, TimeUnit.SECONDS.toNanos(lagSeconds()), nodes, n -> mix(mixSalt, n),
                (n, request) -> byNode[n].bills().submit(request));
        return new PacedRun(r, CpuMeter.between(c0, CPU.snapshot()), NodeMeters.of(all).since(m0));
    }

    /** Where the time went in a measured window: CPU of this process and of others, the log writers, replication. */
    private void diagnostics(CpuMeter.Usage u, NodeMeters m, long bills) {
        cpuRows(u, bills);
        report.row("  log writers", m.logText(u.seconds(), nodes), Map.of("fsyncs", m.fsyncs(), "fsyncMeanMs",
                m.fsyncs() == 0 ? 0 : m.fsyncNanos() / m.fsyncs() / 1e6, "recordsPerFsync", m.batches() == 0 ? 0 : m.batchRecords() / m.batches()));
        report.row("  replication", m.replicationText(), Map.of("entriesSent", m.entriesSent(), "entriesReceived", m.entriesReceived(),
                "duplicates", m.duplicates()));
    }

    private void cpuRows(CpuMeter.Usage u, long bills) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("processCores", u.processCores());
        c.put("otherProcessesCores", u.otherCores());
        c.put("cpuUsPerBill", bills == 0 ? 0 : u.processCpuNanos() / 1e3 / bills);
        c.put("coresByThread", u.coresByThreadGroup());
        c.put("gcCount", u.gcCount());
        c.put("gcMillis", u.gcMillis());
        report.row("  cpu", String.format(Locale.ROOT, "this process %.2f of %d cores%s, other processes %.2f cores; "
                        + "GC %d collections %d ms, JIT %d ms", u.processCores(), Runtime.getRuntime().availableProcessors(),
                bills == 0 ? "" : String.format(Locale.ROOT, " (%.0f us CPU per bill)", u.processCpuNanos() / 1e3 / bills),
                u.otherCores(), u.gcCount(), u.gcMillis(), u.jitMillis()), c);
        report.row("  cpu by thread (cores)", CpuMeter.topGroups(u, 6), Map.of());
    }

    private static io.storelog.console.bench.replicate.BillSink storeSink(StoreNode node) {
        return request -> {
            BillOutcome o = node.bills().submit(request).get(1, TimeUnit.MINUTES);
            if (o.repeated()) {
                throw new IllegalStateException("bill " + request.clientBillId() + " was taken as a repeat");
            }
            return o.singleLane();
        };
    }

    // ---- replication lag -----------------------------------------------------------------------------

    private void lagRun(StoreCluster cluster, LagRecorder lag) throws Exception {
        report.section(String.format(Locale.ROOT, "Replication lag at a fixed offered load: %.0f bills/s over %d nodes (open loop), %d s",
                lagRate, nodes, lagSeconds()));
        PacedRun run = pacedRun(cluster, lagRate, 2, lag::start);
        OpenLoop.Result r = run.result();
        cluster.awaitConverged(Duration.ofMinutes(2));
        Thread.sleep(50);
        int incomplete = lag.pending();
        Histogram every = lag.toEveryPeer();
        Histogram first = lag.toFirstPeer();
        long negative = lag.negative();
        lag.stop();
        report.row("offered", String.format(Locale.ROOT, "%,d bills in %.2f s = %,.0f bills/s; %,d answered, %d errors; pacer at most %.2f ms late",
                r.offered(), r.seconds(), r.offeredPerSecond(), r.answered(), r.errors(), r.maxPacerBehindMs()),
                Map.of("offered", r.offered(), "offeredPerSecond", r.offeredPerSecond(), "answered", r.answered(), "errors", r.errors(),
                        "maxPacerBehindMs", r.maxPacerBehindMs()));
        report.row("bill answer latency (from due time)", Latency.text(r.answerLatency()), Latency.values(r.answerLatency()));
        report.row("answers singleLane", String.format(Locale.ROOT, "%,d of %,d", r.singleLane(), r.answered()),
                Map.of("singleLane", r.singleLane()));
        report.row("lag to EVERY other node", Latency.text(every), Latency.values(every));
        report.row("lag to the first other node", Latency.text(first), Latency.values(first));
        diagnostics(run.cpu(), run.meters(), r.answered());
        report.note("lag = System.nanoTime() when MergedLog.onDurable reported the entry at the node that wrote it -> when it reported it at "
                + "the last (first) of the other " + (nodes - 1) + " nodes; all nodes share this JVM's clock");
        if (incomplete > 0 || negative > 0) {
            report.note(incomplete + " entries not seen at every node when recording stopped; " + negative
                    + " seen at a peer before the origin's listener ran (counted as 0)");
        }
        if (r.firstError() != null) {
            report.note("first error: " + r.firstError());
        }
        double p99 = Latency.p(every, 99);
        Boolean pass = nodes == TARGET_LAG_NODES && lagRate == TARGET_LAG_RATE
                ? every.getTotalCount() > 0 && r.errors() == 0 && p99 <= TARGET_LAG_P99_MS : null;
        report.target("replication lag p99, 1,000 bills/s, 8 nodes", String.format(Locale.ROOT, "%.3f ms (p50 %.3f, max %.3f; %d nodes, %.0f bills/s)",
                p99, Latency.p(every, 50), Latency.ms(every.getMaxValue()), nodes, lagRate), "<= 10 ms", pass,
                pass == null ? "target is stated for 8 nodes at 1,000 bills/s" : "");
    }

    // ---- catch-up ------------------------------------------------------------------------------------

    private void catchUp(StoreCluster cluster) throws Exception {
        int victim = nodes - 1;
        report.section(String.format(Locale.ROOT, "Catch-up: %s stopped while %,d entries are written on the other %d nodes",
                cluster.name(victim), catchUpEntries, nodes - 1));
        VersionVector before = cluster.node(victim).log().versionVector();
        cluster.stop(victim);
        List<StoreNode> others = new ArrayList<>();
        for (int i : cluster.running()) {
            others.add(cluster.node(i));
        }
        List<String> skus = items.stream().map(CatalogItem::sku).toList();
        CpuMeter.Snapshot f0 = CPU.snapshot();
        NodeMeters m0 = NodeMeters.of(others);
        StockFlood.Result w = StockFlood.write(others, catchUpEntries, skus, 1_024);
        long written = System.nanoTime();
        VersionVector target = cluster.awaitConverged(Duration.ofMinutes(30));
        double spreadSeconds = (System.nanoTime() - written) / 1e9;
        CpuMeter.Usage fu = CpuMeter.between(f0, CPU.snapshot());
        NodeMeters fm = NodeMeters.of(others).since(m0);
        report.row("entries written", String.format(Locale.ROOT, "%,d goods-received entries (StockService.receive, 1 unit of a catalog SKU each) "
                        + "in %.2f s = %,.0f entries/s durable at their node, %d failed; all %d running nodes held all of them %.2f s later",
                w.entries(), w.seconds(), w.entriesPerSecond(), w.failures(), others.size(), spreadSeconds),
                Map.of("entries", w.entries(), "writeSeconds", w.seconds(), "failures", w.failures(), "spreadSeconds", spreadSeconds));
        if (w.firstFailure() != null) {
            report.note("first failure: " + w.firstFailure());
        }
        report.row("  while written and spread", String.format(Locale.ROOT, "this process %.2f cores, other processes %.2f cores; GC %d ms; "
                + "cpu by thread: %s", fu.processCores(), fu.otherCores(), fu.gcMillis(), CpuMeter.topGroups(fu, 4)), Map.of());
        report.row("  replication meanwhile", fm.replicationText(), Map.of("entriesSent", fm.entriesSent(),
                "entriesReceived", fm.entriesReceived(), "duplicates", fm.duplicates()));
        long missing = target.total() - before.total();
        long targetEntries = cluster.node(cluster.running().get(0)).log().entries();
        CpuMeter.Snapshot c0 = CPU.snapshot();
        long t0 = System.nanoTime();
        StoreNode back = cluster.start(victim);
        long opened = System.nanoTime();
        long linkedAt = 0;
        long deadline = t0 + TimeUnit.MINUTES.toNanos(30);
        while (true) {
            long now = System.nanoTime();
            if (linkedAt == 0 && back.replicator().map(r -> r.anyPeerConnected()).orElse(false)) {
                linkedAt = now;
            }
            // The entry count first (cheap); the whole vector only once the count is there.
            if (back.log().entries() >= targetEntries && back.log().versionVector().equals(target)) {
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException(cluster.name(victim) + " did not catch up within 30 minutes:\n" + cluster.dump());
            }
            Thread.sleep(2);
        }
        long caughtUp = System.nanoTime();
        double total = (caughtUp - t0) / 1e9;
        double fromLink = (caughtUp - (linkedAt == 0 ? opened : linkedAt)) / 1e9;
        double rate = missing / total;
        double received = counter(back, "storelog.replication.entries.received");
        double duplicates = counter(back, "storelog.replication.duplicates");
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("missingEntries", missing);
        v.put("seconds", total);
        v.put("entriesPerSecond", rate);
        v.put("openSeconds", (opened - t0) / 1e9);
        v.put("secondsFromFirstLink", fromLink);
        v.put("entriesPerSecondFromFirstLink", missing / fromLink);
        v.put("entriesReceived", received);
        v.put("duplicatesReceived", duplicates);
        report.row("catch-up", String.format(Locale.ROOT, "%,d missing entries in %.2f s = %,.0f entries/s (restart to version vector equal to "
                + "the others')", missing, total, rate), v);
        report.row("  of which", String.format(Locale.ROOT, "open + recovery of its own log %.2f s; first link up to caught up %.2f s = %,.0f entries/s",
                (opened - t0) / 1e9, fromLink, missing / fromLink), Map.of());
        report.row("  received", String.format(Locale.ROOT, "%,.0f entries over its links, %,.0f of them duplicates (the same entry from more than one peer)",
                received, duplicates), Map.of());
        cpuRows(CpuMeter.between(c0, CPU.snapshot()), 0);
        report.target("catch-up of a node that missed " + String.format(Locale.ROOT, "%,d", missing) + " entries",
                String.format(Locale.ROOT, "%,.0f entries/s (%.2f s)", rate, total), ">= 100,000 entries/s",
                rate >= TARGET_CATCH_UP_PER_SECOND, catchUpEntries < 1_000_000 ? "target is stated for 1,000,000 entries" : "");
    }

    private static double counter(StoreNode node, String name) {
        io.micrometer.core.instrument.Counter c = node.meters().find(name).counter();
        return c == null ? Double.NaN : c.count();
    }

    // ---- a lane cut off ------------------------------------------------------------------------------

    private ClosedLoop.Result storeCutOff(StoreCluster cluster) throws Exception {
        int cut = 0;
        report.section("StoreLog lane cut off from the store");
        cluster.stop(cut);
        StoreNode alone = cluster.startCutOff(cut);
        long t0 = System.nanoTime();
        while (!alone.ready() && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(1)) {
            Thread.sleep(5);
        }
        boolean anyLink = alone.replicator().map(r -> r.anyPeerConnected()).orElse(false);
        report.note("what was done: " + cluster.name(cut) + " closed, then started again on its own data directory with a peer port no other "
                + "node knows and its peers set to " + (nodes - 1) + " loopback ports where nothing listens (a pulled cable: it dials "
                + "and is refused); the other " + (cluster.running().size() - 1) + " nodes keep running; any peer link up: " + anyLink);
        ClosedLoop.Result r = ClosedLoop.run(writers, w -> mix(3, w), w -> storeSink(alone), 0,
                TimeUnit.SECONDS.toNanos(cutOffSeconds()), "bench-cutoff-");
        storeRows(r, "cut off: ");
        long bills = r.bills();
        // Plugged back in: the mesh config again, and the bills made alone reach every node.
        cluster.stop(cut);
        long h0 = System.nanoTime();
        cluster.start(cut);
        cluster.awaitConverged(Duration.ofMinutes(5));
        double healed = (System.nanoTime() - h0) / 1e9;
        report.row("plugged back in", String.format(Locale.ROOT, "restarted in the mesh; every node holds the same version vector "
                + "(the %,d bills made alone included) after %.2f s", bills, healed), Map.of("rejoinSeconds", healed));
        boolean keeps = r.bills() > 0 && r.errors() == 0 && r.singleLane() == r.bills();
        report.target("a cut-off StoreLog lane keeps billing", String.format(Locale.ROOT, "%,.0f bills/s, %,d/%,d singleLane, %d errors",
                r.billsPerSecond(), r.singleLane(), r.bills(), r.errors()), "keeps billing, answers singleLane", keeps, "");
        return r;
    }

    // ---- Apache Ignite -------------------------------------------------------------------------------

    private void ignite(ClosedLoop.Result storeRun, ClosedLoop.Result storeCut, Map<String, PricedProduct> prices) throws Exception {
        report.section(String.format(Locale.ROOT, "Apache Ignite: the same bill stream, %d writers, %d s after %.1f s warm-up", writers, seconds,
                warmupSeconds()));
        ProductLookup lookup = sku -> Optional.ofNullable(prices.get(sku));
        long catalogVersion = prices.values().stream().mapToLong(PricedProduct::version).max().orElse(0);
        Function<BillRequest, byte[]> encoder = request -> Entry.newBuilder()
                .setActor(request.cashier() == null ? "" : request.cashier())
                .setBill(new BillPricer().price(request, lookup).setTill("ignite").setCurrency("EUR").setCatalogVersion(catalogVersion))
                .build().toByteArray();
        Map<String, Long> stock = new HashMap<>();
        for (CatalogItem item : items) {
            stock.put(item.sku(), 1_000_000_000L);
        }
        long t0 = System.nanoTime();
        try (IgniteStore ignite = IgniteStore.start(base.resolve("ignite"), igniteNodes, stock, encoder)) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            report.row("cluster", ignite.topology(), Map.of("nodes", igniteNodes, "startSeconds", startSeconds));
            report.row("durability", ignite.durability(), Map.of());
            report.row("bill", "one transaction through node (writer mod " + igniteNodes + "): get+put the stock counter of each SKU in SKU order, "
                    + "put(clientBillId, encoded bill bytes), commit; the bill is priced and encoded exactly as StoreLog does", Map.of());
            report.row("started", String.format(Locale.ROOT, "3 nodes up, cluster ACTIVE, cache created, %,d stock counters put in %.1f s",
                    stock.size(), startSeconds), Map.of());
            AtomicReference<CpuMeter.Snapshot> cpu0 = new AtomicReference<>();
            ClosedLoop.Result r = ClosedLoop.run(writers, w -> mix(1, w), w -> ignite.sink(w, 30_000),
                    nanos(warmupSeconds()), TimeUnit.SECONDS.toNanos(seconds), "bench-ignite-writer-", () -> cpu0.set(CPU.snapshot()));
            CpuMeter.Usage u = CpuMeter.between(cpu0.get(), CPU.snapshot());
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("bills", r.bills());
            v.put("seconds", r.seconds());
            v.put("billsPerSecond", r.billsPerSecond());
            v.put("errors", r.errors());
            report.row("committed bills/s", String.format(Locale.ROOT, "%,.0f  (%,d bills in %.2f s, %d errors)", r.billsPerSecond(), r.bills(),
                    r.seconds(), r.errors()), v);
            report.row("bill answer latency", Latency.text(r.latency()), Latency.values(r.latency()));
            cpuRows(u, r.bills());
            if (r.firstError() != null) {
                report.note("first error: " + r.firstError());
            }
            double ratio = storeRun.billsPerSecond() / r.billsPerSecond();
            igniteCutOff(ignite, storeCut, r);
            comparison(storeRun, r, ratio, ignite);
        }
    }

    private void igniteCutOff(IgniteStore ignite, ClosedLoop.Result storeCut, ClosedLoop.Result full) throws Exception {
        report.section("Apache Ignite: one node left alone");
        long t0 = System.nanoTime();
        ignite.stop(1);
        ignite.stop(2);
        double stopSeconds = (System.nanoTime() - t0) / 1e9;
        report.note("what was done: Ignition.stop(\"" + ignite.name(1) + "\", true) and Ignition.stop(\"" + ignite.name(2) + "\", true) in "
                + String.format(Locale.ROOT, "%.2f s", stopSeconds) + " (cancel=true: jobs cancelled, the nodes still leave through discovery); "
                + "the baseline stays the 3 nodes. This is two nodes going away, not a cable pulled between live nodes.");
        report.row("what " + ignite.name(0) + " sees", ignite.view(0), Map.of());
        BillRequest probe = mix(4, 0).get();
        IgniteStore.Attempt a = ignite.attempt(0, probe, IGNITE_CUT_OFF_WAIT);
        report.row("one bill within " + IGNITE_CUT_OFF_WAIT.toSeconds() + " s", a.outcome(), Map.of("committed", a.committed(), "millis", a.millis()));
        String verdict;
        if (a.committed()) {
            boolean held = ignite.holds(0, probe.clientBillId());
            ClosedLoop.Result r = ClosedLoop.run(writers, w -> mix(5, w), w -> ignite.sinkOn(0, 5_000), 0,
                    TimeUnit.SECONDS.toNanos(cutOffSeconds()), "bench-ignite-alone-");
            report.row("alone: committed bills/s", String.format(Locale.ROOT, "%,.0f (%,d bills in %.2f s, %d errors); %s", r.billsPerSecond(),
                    r.bills(), r.seconds(), r.errors(), Latency.text(r.latency())), Map.of("billsPerSecond", r.billsPerSecond(),
                    "errors", r.errors(), "probeBillReadBack", held));
            if (r.firstError() != null) {
                report.note("first error: " + r.firstError());
            }
            verdict = String.format(Locale.ROOT, "keeps billing: the remaining node committed (%,.0f bills/s alone, %d errors)",
                    r.billsPerSecond(), r.errors());
        } else {
            verdict = "does not keep billing: " + a.outcome();
        }
        report.row("verdict", verdict, Map.of());
        report.note("StoreLog's cut-off lane for comparison: " + String.format(Locale.ROOT, "%,.0f bills/s, all answered singleLane (%,d/%,d)",
                storeCut.billsPerSecond(), storeCut.singleLane(), storeCut.bills()));
    }

    private void comparison(ClosedLoop.Result store, ClosedLoop.Result ignite, double ratio, IgniteStore cluster) {
        report.section("Side by side (same bill stream, same writers, same duration, same JVM, one after the other)");
        report.row("StoreLog", String.format(Locale.ROOT, "%,10.0f bills/s  p50 %.3f ms  p99 %.3f ms", store.billsPerSecond(),
                Latency.p(store.latency(), 50), Latency.p(store.latency(), 99)), Map.of("billsPerSecond", store.billsPerSecond()));
        report.row("Apache Ignite", String.format(Locale.ROOT, "%,10.0f bills/s  p50 %.3f ms  p99 %.3f ms", ignite.billsPerSecond(),
                Latency.p(ignite.latency(), 50), Latency.p(ignite.latency(), 99)), Map.of("billsPerSecond", ignite.billsPerSecond()));
        report.row("ratio StoreLog / Ignite", String.format(Locale.ROOT, "%.1fx", ratio), Map.of("ratio", ratio));
        report.row("StoreLog durability", "fsync (FileChannel.force) of every group commit before any answer; answered once durable on this node "
                + "AND acknowledged durable by 1 peer (replication.ack-replicas 2), or singleLane after " + ackTimeoutMs + " ms without an ack", Map.of());
        report.row("Ignite durability", cluster.durability(), Map.of());
        report.row("processes", "StoreLog: 1 JVM process with " + nodes + " nodes; Ignite: 1 JVM process with " + cluster.size()
                + " server nodes (the same JVM, run after StoreLog's nodes were closed)", Map.of());
        report.target("StoreLog bills/s >= 20 x Ignite (same run)", String.format(Locale.ROOT, "%.1fx (%,.0f vs %,.0f bills/s)", ratio,
                store.billsPerSecond(), ignite.billsPerSecond()), ">= 20x", ignite.bills() > 0 && ratio >= TARGET_IGNITE_RATIO,
                nodes + " StoreLog nodes vs " + cluster.size() + " Ignite nodes");
    }

    /** The prices the store nodes bill at, for the Ignite side: the same catalog, the same amounts. */
    private Map<String, PricedProduct> priceSnapshot(StoreNode node) {
        Map<String, PricedProduct> out = new HashMap<>();
        for (CatalogItem item : items) {
            node.state().product(item.sku()).ifPresent(cp -> out.put(item.sku(), priced(cp)));
        }
        return out;
    }

    private static PricedProduct priced(CatalogProduct cp) {
        Product p = cp.product();
        return new PricedProduct(p.getSku(), p.getName(), p.getPrice(), p.getTaxClass(), cp.taxRateBp().orElse(0), p.getUnit(), cp.version());
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

}
