package io.storelog.console.bench;

import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.console.UsageException;
import io.storelog.console.bench.hq.Backlog;
import io.storelog.console.bench.hq.Headquarters;
import io.storelog.console.bench.hq.HqShapedEntries;
import io.storelog.console.bench.hq.IgniteBulkLoad;
import io.storelog.console.bench.replicate.Ports;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.hq.EmbeddedIgniteStore;
import io.storelog.node.hq.StoreSummary;
import io.storelog.node.leader.LeaderService;
import io.storelog.node.leader.UploadSettings;
import io.storelog.node.merge.VersionVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code storelog bench hq}: a store server node builds a backlog while headquarters is away, then
 * headquarters (embedded Ignite, persistence, WAL FSYNC) comes back and the leader uploads the lot over
 * HTTP; beside it, Ignite alone loads the same entries in the same shape by transactional putAll and by
 * its data streamer, so the upload path's cost over Ignite's own is one ratio.
 */
@Command(name = "hq", mixinStandardHelpOptions = true,
        description = {"A store server node builds a backlog (realistic bills and goods-received entries) while headquarters",
                "is down; headquarters (embedded Apache Ignite, native persistence, WAL FSYNC) starts and the leader uploads",
                "everything over HTTP. Beside it, Ignite alone loads the same entries by transactional putAll and by",
                "IgniteDataStreamer. Writes <out-dir>/hq-<UTC time>.txt and .json."})
public final class HqBench implements Callable<Integer> {
    static final double TARGET_RATIO = 0.75;
    static final double TARGET_BACKLOG_SECONDS = 60;
    static final long TARGET_BACKLOG_ENTRIES = 1_000_000;
    static final String STORE = "bench-store";
    static final String STORE_KEY = "bench-store-key";
    static final String TOKEN = "bench-store-token";
    private static final int BILL_WRITERS = 2;
    private static final int WARM_UP_ENTRIES = 300_000;
    /**
     * Untimed uploads before the rounds. After one, the upload's JIT row still read 1.1-5.1 s per round against
     * 0.1-0.8 s for the streamer's (bench/results/hq-20261128T111033Z.txt): compiling that the upload's larger
     * path had not finished, not a cost of uploading.
     */
    private static final int WARM_UP_UPLOADS = 2;
    private static final String QUIET_UPLOADER = "org.slf4j.simpleLogger.log.io.storelog.node.leader.HqUploader";
    private static final CpuMeter CPU = CpuMeter.forThread("(none)");

    @Option(names = "--backlog", defaultValue = "1000000", description = "entries in the store's log when headquarters comes back "
            + "(catalog import included; default ${DEFAULT-VALUE})")
    long backlog;
    @Option(names = "--bill-percent", defaultValue = "10", description = "share of the backlog that is bills, the rest goods received "
            + "(default ${DEFAULT-VALUE})")
    int billPercent;
    @Option(names = "--catalog-products", description = "products of the generated catalog (default 2000, 200 with --quick)")
    Integer catalogProducts;
    @Option(names = "--put-all-batch", description = "entries per transaction of the Ignite putAll baseline "
            + "(default: the most the leader sends per batch, UploadSettings.defaults)")
    Integer putAllBatchOption;
    private int putAllBatch;
    @Option(names = "--quick", description = "small Ignite sizes (128 MiB of pages, 4 WAL segments of 16 MiB) on every side, a small "
            + "catalog and no warm-up: for a smoke test, not for figures")
    boolean quick;
    @Option(names = "--rounds", defaultValue = "5", description = "rounds of StoreLog's upload and both Ignite loads, each round "
            + "with a fresh backlog and fresh data directories; figures are the medians (default ${DEFAULT-VALUE}, 1 with --quick)")
    int rounds;
    @Option(names = "--profile", description = "take a JFR CPU profile of the upload (its figures then include the profiler's cost)")
    boolean profile;

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    private BenchReport report;
    private Path base;
    /** Where the round being measured keeps its data, and how its sections are titled. */
    private Path roundDir;
    private String roundTitle = "";

    @Override
    public Integer call() throws Exception {
        if (System.getProperty(QUIET_UPLOADER) == null) {
            // Headquarters is down on purpose while the backlog builds; the leader's retry warnings would break up the table.
            System.setProperty(QUIET_UPLOADER, "error");
        }
        if (billPercent < 0 || billPercent > 100) {
            throw new UsageException("--bill-percent must be between 0 and 100");
        }
        putAllBatch = putAllBatchOption != null ? putAllBatchOption : UploadSettings.defaults().maxBatchEntries();
        if (putAllBatch < 1) {
            throw new UsageException("--put-all-batch must be at least 1");
        }
        if (rounds < 1) {
            throw new UsageException("--rounds must be at least 1");
        }
        if (quick && spec.commandLine().getParseResult().matchedOption("--rounds") == null) {
            rounds = 1;
        }
        if (catalogProducts != null && catalogProducts < 1) {
            throw new UsageException("--catalog-products must be at least 1");
        }
        int products = catalogProducts != null ? catalogProducts : quick ? 200 : 2_000;
        if (backlog < products + 1L) {
            throw new UsageException("--backlog must exceed the catalog import (" + products + " products)");
        }
        return BenchRun.execute("hq", "StoreLog headquarters upload benchmark", options.dir, options.outDir, options.keepData, spec, run -> {
            base = run.base;
            report = run.report;
            Path catalog = base.resolve("catalog-" + products + ".csv");
            CatalogGenerator.write(products, options.seed, catalog);
            run(catalog, CatalogCsv.read(catalog, CatalogGenerator.CURRENCY_EXPONENT));
        });
    }

    private void run(Path catalog, List<CatalogItem> items) throws Exception {
        UploadSettings upload = UploadSettings.defaults();
        int hqPort = Ports.fixed();
        int ignitePort = Ports.fixed();
        report.section("Set-up");
        report.row("store", "1 store server node (the leader: no peers), store " + STORE + ", log on the disk under test",
                Map.of("storeNodes", 1));
        report.row("headquarters", "HqNode as `storelog node --role hq` starts it: HTTP on 127.0.0.1:" + hqPort + ", embedded Ignite"
                + (quick ? " (--quick: test sizes)" : ""), Map.of("quick", quick));
        report.row("upload batch", String.format(Locale.ROOT, "up to %,d entries and %,d bytes per POST (UploadSettings.defaults), up to %d "
                        + "batches in flight (each continuing the one before)", upload.maxBatchEntries(), upload.maxBatchBytes(),
                upload.batchesInFlight()), Map.of("maxBatchEntries", upload.maxBatchEntries(), "maxBatchBytes", upload.maxBatchBytes(),
                "batchesInFlight", upload.batchesInFlight()));
        report.row("leader retry backoff", String.format(Locale.ROOT, "%,d ms doubling to at most %,d ms, half of it random",
                upload.minBackoffMillis(), upload.maxBackoffMillis()), Map.of("minBackoffMillis", upload.minBackoffMillis(),
                "maxBackoffMillis", upload.maxBackoffMillis()));
        report.row("processes", "1 JVM: the store node, then headquarters with its Ignite node, then each Ignite baseline node, "
                + "one after the other on the same " + Runtime.getRuntime().availableProcessors() + " cores and disk", Map.of("processes", 1));

        if (!quick) {
            warmUp();
            for (int i = 1; i <= WARM_UP_UPLOADS; i++) {
                warmUpUpload(catalog, items, i);
            }
        }
        List<Round> measured = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            roundDir = base.resolve("round-" + r);
            roundTitle = rounds == 1 ? "" : "Round " + r + " of " + rounds + ": ";
            int roundHqPort = r == 1 ? hqPort : Ports.fixed();
            try (StoreNode store = Backlog.startStore(roundDir.resolve("store"), STORE, STORE_KEY, TOKEN, roundHqPort, catalog)) {
                VersionVector held = buildBacklog(store, items);
                // The upload first: headquarters is away only while the backlog is built, as short an outage as the run allows.
                Upload up = upload(store, held, roundHqPort, r == 1 ? ignitePort : Ports.fixed());
                System.gc();
                measured.add(new Round(up, baselines(store, held)));
            }
            if (!options.keepData) {
                BenchRun.deleteTree(roundDir);
            }
        }
        comparison(measured, upload);
    }

    /** One round's three loads of the same backlog. */
    private record Round(Upload upload, Map<String, Baseline> ignite) {
        double ratioTo(String baseline) {
            return upload.ingestPerSecond() / ignite.get(baseline).entriesPerSecond();
        }

        /** StoreLog's rate over the faster of Ignite's two loads in this round. */
        double ratioToBest() {
            return Math.min(ratioTo("putAll"), ratioTo("streamer"));
        }
    }

    // ---- warm-up -------------------------------------------------------------------------------------

    /**
     * Ignite's load paths once, untimed, on a scratch node, so that neither side's figures carry the JIT
     * compiling Ignite's code (all sides share this JVM).
     */
    private void warmUp() throws Exception {
        report.section("Warm-up (not timed)");
        Path work = base.resolve("bench-ignite-warmup");
        int n = quick ? 2_000 : WARM_UP_ENTRIES;
        long t0 = System.nanoTime();
        try (IgniteBulkLoad ignite = IgniteBulkLoad.start(work, "bench-ignite-warmup", quick)) {
            ignite.putAllInTransactions(HqShapedEntries.synthetic("warm-tx", n, options.seed), putAllBatch);
            ignite.stream(HqShapedEntries.synthetic("warm-stream", n, options.seed + 1));
        }
        BenchRun.deleteTree(work);
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.row("Ignite code", String.format(Locale.ROOT, "a scratch node loaded %,d made-up entries by transactional putAll and %,d "
                + "by the data streamer in %.2f s; then removed", n, n, seconds), Map.of("entries", n, "seconds", seconds));
    }

    /**
     * StoreLog's upload path, warm-up {@code n} of {@link #WARM_UP_UPLOADS}, untimed, on a scratch store and
     * headquarters: a backlog of as many entries as a measured round, of the measured mix, uploaded over HTTP into a
     * scratch Ignite node, so the measured upload does not carry the JIT compiling StoreLog's own code (HTTP,
     * checks, the ingest transaction) while the baselines run on code already compiled. A warm-up of 300,000 left
     * the first measured round compiling for 8-10 s more (its JIT row), below the rounds after it.
     */
    private void warmUpUpload(Path catalog, List<CatalogItem> items, int n) throws Exception {
        Path work = base.resolve("bench-upload-warmup-" + n);
        long t0 = System.nanoTime();
        int hqPort = Ports.fixed();
        long entries;
        try (StoreNode store = Backlog.startStore(work.resolve("store"), STORE, STORE_KEY, TOKEN, hqPort, catalog)) {
            long catalogEntries = store.log().versionVector().total();
            long bills = Math.max(0, (backlog - catalogEntries) * billPercent / 100);
            BillMix mix = new BillMix(items, options.seed * 7_919L, "cashier-warm-up");
            Backlog.Result w = Backlog.write(store, bills, List.of(mix::next), backlog - catalogEntries - bills,
                    items.stream().map(CatalogItem::sku).toList());
            if (w.failures() > 0) {
                throw new IllegalStateException(w.failures() + " warm-up writes failed; first: " + w.firstFailure());
            }
            Map<String, Long> target = store.log().versionVector().asMap();
            entries = store.log().versionVector().total();
            try (Headquarters hq = Headquarters.start(work.resolve("hq"), hqPort, Ports.fixed(), STORE, TOKEN, quick)) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!hq.vector().equals(target)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the warm-up upload did not finish within 5 minutes");
                    }
                    Thread.sleep(50);
                }
            }
        }
        BenchRun.deleteTree(work);
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.row("StoreLog code " + n + " of " + WARM_UP_UPLOADS, String.format(Locale.ROOT,
                "a scratch store built a backlog of %,d entries of the same mix and its leader uploaded it over HTTP into a scratch "
                        + "headquarters (embedded Ignite) in %.2f s; then removed", entries, seconds),
                Map.of("entries", entries, "seconds", seconds));
    }

    // ---- the backlog ---------------------------------------------------------------------------------

    private VersionVector buildBacklog(StoreNode store, List<CatalogItem> items) throws Exception {
        report.section(roundTitle + "Backlog on the store while headquarters is down");
        long catalogEntries = store.log().versionVector().total();
        long bills = Math.min(backlog - catalogEntries, backlog * billPercent / 100);
        long receipts = backlog - catalogEntries - bills;
        List<Supplier<BillRequest>> streams = new ArrayList<>();
        for (int w = 0; w < BILL_WRITERS; w++) {
            BillMix mix = new BillMix(items, options.seed * 1_000_003L + w, "cashier-" + w);
            streams.add(mix::next);
        }
        Backlog.Result w = Backlog.write(store, bills, streams, receipts, items.stream().map(CatalogItem::sku).toList());
        VersionVector held = store.log().versionVector();
        if (w.failures() > 0) {
            throw new IllegalStateException(w.failures() + " backlog writes failed; first: " + w.firstFailure());
        }
        LeaderService.HqStatus hq = store.leader().status();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("entries", held.total());
        v.put("bills", w.bills());
        v.put("receipts", w.receipts());
        v.put("catalogEntries", catalogEntries);
        v.put("writeSeconds", w.seconds());
        report.row("entries", String.format(Locale.ROOT, "%,d = %,d catalog import + %,d bills (BillMix: %d-%d lines, discounts, "
                        + "cash/card/split; BillService.submit) + %,d goods received (StockService.receive)", held.total(), catalogEntries,
                w.bills(), BillMix.MIN_LINES, BillMix.MAX_LINES, w.receipts()), v);
        report.row("written in", String.format(Locale.ROOT, "%.2f s (every entry durable at the store)", w.seconds()), Map.of());
        report.row("leader's view", String.format(Locale.ROOT, "leads: %s; headquarters reachable: %s; pending: %,d; last error: %s",
                store.leader().isLeader(), hq.reachable(), hq.pendingEntries(), hq.lastError()),
                Map.of("leads", store.leader().isLeader(), "pendingEntries", hq.pendingEntries()));
        if (held.total() != backlog) {
            throw new IllegalStateException("the store holds " + held.total() + " entries, not the " + backlog + " asked for");
        }
        return held;
    }

    // ---- Ignite alone ---------------------------------------------------------------------------------

    /** What one Ignite load measured. */
    private record Baseline(double entriesPerSecond, double cpuUsPerEntry) {
    }

    /** Both baselines, each into a fresh node and data directory, by name. */
    private Map<String, Baseline> baselines(StoreNode store, VersionVector held) throws Exception {
        long m0 = System.nanoTime();
        HqShapedEntries entries = HqShapedEntries.of(STORE, store.log(), held);
        double prepared = (System.nanoTime() - m0) / 1e9;
        Map<String, Baseline> rates = new LinkedHashMap<>();
        report.section(roundTitle + String.format(Locale.ROOT, "Apache Ignite alone: transactional putAll, %,d entries per transaction", putAllBatch));
        report.note(String.format(Locale.ROOT, "the same %,d entries (%,d bytes of entries) read from the store's log and shaped as headquarters "
                + "stores them (key store|origin|seq; value flag + SHA-256 + the entry's bytes) in memory beforehand (%.2f s, not timed)",
                entries.size(), entries.entryBytes(), prepared));
        rates.put("putAll", baseline("bench-ignite-putall", entries, l -> l.putAllInTransactions(entries, putAllBatch),
                String.format(Locale.ROOT, "one thread; each batch one PESSIMISTIC REPEATABLE_READ transaction: putAll of %,d keys in sorted "
                        + "order, commit (WAL fsync), then the next", putAllBatch), "main", "the loading thread: putAll and commit"));
        report.section(roundTitle + "Apache Ignite alone: IgniteDataStreamer (allowOverwrite false)");
        rates.put("streamer", baseline("bench-ignite-streamer", entries, l -> l.stream(entries),
                "one feeding thread; addData per entry, close() flushes every buffer, then one committed transactional put whose "
                        + "WAL fsync covers every record before it: the clock stops when the entries are durable", null, null));
        return rates;
    }

    private interface Load {
        IgniteBulkLoad.Result run(IgniteBulkLoad load);
    }

    private Baseline baseline(String name, HqShapedEntries entries, Load load, String how, String worker, String workerWhat)
            throws Exception {
        Path work = roundDir.resolve(name);
        long s0 = System.nanoTime();
        IgniteBulkLoad.Result r;
        CpuMeter.Usage u;
        try (IgniteBulkLoad ignite = IgniteBulkLoad.start(work, name, quick)) {
            double started = (System.nanoTime() - s0) / 1e9;
            report.row("node", String.format(Locale.ROOT, "fresh data directory, started and activated in %.2f s", started),
                    Map.of("startSeconds", started));
            report.row("durability", ignite.durability(), Map.of());
            report.row("how", how, Map.of());
            CpuMeter.Snapshot c0 = CPU.snapshot();
            r = load.run(ignite);
            u = CpuMeter.between(c0, CPU.snapshot());
        }
        if (!options.keepData) {
            BenchRun.deleteTree(work);
        }
        if (r.cacheSize() != entries.size()) {
            throw new IllegalStateException(name + ": the cache holds " + r.cacheSize() + " entries after loading " + entries.size());
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("entries", r.entries());
        v.put("seconds", r.seconds());
        v.put("entriesPerSecond", r.entriesPerSecond());
        report.row("entries/s", String.format(Locale.ROOT, "%,.0f  (%,d entries in %.2f s; the cache then held %,d)", r.entriesPerSecond(),
                r.entries(), r.seconds(), r.cacheSize()), v);
        return new Baseline(r.entriesPerSecond(), cpuRow(u, r.entries(), worker, workerWhat));
    }

    // ---- StoreLog's upload ---------------------------------------------------------------------------

    /** What the upload measured. */
    private record Upload(long entries, double startSeconds, double waitSeconds, double fromLinkSeconds, double ingestSeconds,
            long firstBatchEntries, StoreSummary summary, Headquarters.IngestTimer timer, double cpuUsPerEntry) {
        /** Entries/s from the first batch applied to the last: the upload path, not the retry wait. */
        double ingestPerSecond() {
            return (entries - firstBatchEntries) / ingestSeconds;
        }

        double fromLinkPerSecond() {
            return entries / fromLinkSeconds;
        }
    }

    private Upload upload(StoreNode store, VersionVector held, int hqPort, int ignitePort) throws Exception {
        report.section(roundTitle + "StoreLog: headquarters comes back, the leader uploads the backlog over HTTP");
        Map<String, Long> target = held.asMap();
        long s0 = System.nanoTime();
        CpuProfile profiler = null;
        try (Headquarters hq = Headquarters.start(roundDir.resolve("hq"), hqPort, ignitePort, STORE, TOKEN, quick)) {
            long up = System.nanoTime();
            Headquarters.IngestTimer timer0 = hq.ingestTimer();
            CpuMeter.Snapshot c0 = CPU.snapshot();
            if (profile) {
                profiler = CpuProfile.start(base);
            }
            long firstAt = 0;
            long firstEntries = 0;
            long deadline = up + TimeUnit.MINUTES.toNanos(30);
            while (true) {
                long now = System.nanoTime();
                if (firstAt == 0) {
                    Optional<StoreSummary> s = hq.summary();
                    if (s.isPresent() && s.get().batches() > 0) {
                        firstAt = now;
                        firstEntries = s.get().entries();
                    }
                }
                if (firstAt != 0 && hq.vector().equals(target)) {
                    break;
                }
                if (now > deadline) {
                    throw new IllegalStateException("headquarters did not hold the store's vector within 30 minutes; it holds "
                            + hq.summary().map(StoreSummary::entries).orElse(0L) + " of " + held.total() + " entries");
                }
                // Not too often: each look reads the store record the ingest transaction locks.
                Thread.sleep(firstAt == 0 ? 5 : 25);
            }
            long done = System.nanoTime();
            CpuMeter.Usage u = CpuMeter.between(c0, CPU.snapshot());
            // The leader learns of the last batch when its answer arrives, a moment after headquarters committed it.
            while (store.leader().status().pendingEntries() > 0 && System.nanoTime() - done < TimeUnit.MINUTES.toNanos(1)) {
                Thread.sleep(5);
            }
            List<String> profileLines = profiler == null ? List.of() : profiler.stopAndSummarise(15);
            StoreSummary summary = hq.summary().orElseThrow();
            Headquarters.IngestTimer timer = hq.ingestTimer().since(timer0);
            Upload r = new Upload(held.total(), (up - s0) / 1e9, (firstAt - up) / 1e9, (done - up) / 1e9, (done - firstAt) / 1e9,
                    firstEntries, summary, timer, u.processCpuNanos() / 1e3 / held.total());
            uploadRows(r, hq, u, store);
            if (!profileLines.isEmpty()) {
                report.note("CPU profile of the upload (JFR; the figures above include its cost):");
                profileLines.forEach(report::note);
            }
            return r;
        } finally {
            if (profiler != null) {
                profiler.close();
            }
        }
    }

    private void uploadRows(Upload r, Headquarters hq, CpuMeter.Usage u, StoreNode store) {
        StoreSummary s = r.summary();
        report.row("headquarters started", String.format(Locale.ROOT, "%.2f s until its HTTP port answered (%s); from then on it is "
                + "reachable: the link is back", r.startSeconds(), hq.storage()), Map.of("startSeconds", r.startSeconds()));
        report.row("durability", "each batch, under the store's lock in headquarters' JVM: continuity checked against the store's vector "
                + "(or, while the batch before it is in flight, the vector that one will leave), repeats compared by SHA-256; the new "
                + "entries written by a data streamer of its own (allowOverwrite false) and flushed; once the batch before it committed, "
                + "one small PESSIMISTIC REPEATABLE_READ transaction (store's vector locked and checked to be the one the batch was checked "
                + "against, vector advanced by compare-and-max, totals) committed with WALMode.FSYNC, whose WAL fsync covers the streamed "
                + "entries' records before it, before the answer; native persistence on" + (quick ? " (--quick: test sizes)"
                : ", 1 GiB region, 10 WAL segments of 64 MiB") + ", WAL thread buffer " + (EmbeddedIgniteStore.WAL_RECORD_BUFFER_BYTES >> 20)
                + " MiB", Map.of());
        report.row("leader's next retry", String.format(Locale.ROOT, "%.2f s from the link back to the first batch applied (the backoff "
                + "wait left, then vector + first batch)", r.waitSeconds()), Map.of("waitSeconds", r.waitSeconds()));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("entries", r.entries() - r.firstBatchEntries());
        v.put("seconds", r.ingestSeconds());
        v.put("entriesPerSecond", r.ingestPerSecond());
        report.row("ingest entries/s", String.format(Locale.ROOT, "%,.0f  (%,d entries from the first batch applied to the last in %.2f s)",
                r.ingestPerSecond(), r.entries() - r.firstBatchEntries(), r.ingestSeconds()), v);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("entries", r.entries());
        b.put("seconds", r.fromLinkSeconds());
        b.put("entriesPerSecond", r.fromLinkPerSecond());
        report.row("backlog time", String.format(Locale.ROOT, "%.2f s = %,.0f entries/s from the link back to headquarters' vector equal to "
                + "the store's (%,d entries)", r.fromLinkSeconds(), r.fromLinkPerSecond(), r.entries()), b);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("batches", s.batches());
        h.put("entries", s.entries());
        h.put("duplicates", s.duplicates());
        h.put("quarantined", s.quarantined());
        h.put("bills", s.bills());
        h.put("salesTotal", s.salesTotal());
        report.row("headquarters holds", String.format(Locale.ROOT, "%,d entries (%,d bills, sales total %,d) in %,d batches = %,.0f entries "
                + "per batch; %,d duplicates, %,d quarantined", s.entries(), s.bills(), s.salesTotal(), s.batches(),
                s.batches() == 0 ? 0.0 : (double) s.entries() / s.batches(), s.duplicates(), s.quarantined()), h);
        Headquarters.IngestTimer t = r.timer();
        // The ingest window opens when the first batch was applied: widened by one mean batch, it spans all of them.
        double inside = t.batches() == 0 ? 0 : t.seconds() / (r.ingestSeconds() + t.seconds() / t.batches());
        report.row("inside headquarters", String.format(Locale.ROOT, "%,d batches checked (%,d of them refused as not continuing what "
                + "headquarters held), mean %.2f ms each (check, transaction, commit), max %.1f ms; %.0f%% of the ingest time; the rest is "
                + "HTTP, the leader reading the log and waiting for answers", t.batches(), t.refused(), t.meanMillis(), t.maxSeconds() * 1e3,
                100 * inside), Map.of("batches", t.batches(), "refusedBatches", t.refused(), "meanBatchMillis", t.meanMillis(),
                "insideShare", inside));
        report.row("store afterwards", String.format(Locale.ROOT, "pending for headquarters: %,d; entries sent by the leader: %,d",
                store.leader().status().pendingEntries(), store.leader().entriesUploaded()),
                Map.of("pendingEntries", store.leader().status().pendingEntries(), "entriesSent", store.leader().entriesUploaded()));
        cpuRow(u, r.entries(), "storelog-hq-*", "headquarters' request threads: parse, check, the Ignite transaction and its commit");
        if (s.entries() != r.entries() || s.quarantined() != 0) {
            throw new IllegalStateException("headquarters holds " + s.entries() + " entries (" + s.quarantined() + " quarantined) of "
                    + r.entries());
        }
    }

    // ---- side by side --------------------------------------------------------------------------------

    private void comparison(List<Round> measured, UploadSettings settings) {
        report.section("Side by side (the same entries, the same key/value shape, one after the other in this JVM)");
        if (measured.size() > 1) {
            for (int i = 0; i < measured.size(); i++) {
                Round r = measured.get(i);
                report.row("round " + (i + 1), String.format(Locale.ROOT, "StoreLog %,.0f, putAll %,.0f, streamer %,.0f entries/s; StoreLog "
                                + "/ putAll %.0f%%, / streamer %.0f%%, / best %.0f%%", r.upload().ingestPerSecond(), r.ignite().get("putAll").entriesPerSecond(),
                        r.ignite().get("streamer").entriesPerSecond(), 100 * r.ratioTo("putAll"), 100 * r.ratioTo("streamer"),
                        100 * r.ratioToBest()),
                        Map.of("storeLog", r.upload().ingestPerSecond(), "putAll", r.ignite().get("putAll").entriesPerSecond(),
                                "streamer", r.ignite().get("streamer").entriesPerSecond()));
            }
            report.note("below: the median of the " + measured.size() + " rounds for each figure; each ratio is the median of the rounds' "
                    + "own ratios (each measured side by side within its round)");
        }
        double up = median(measured, r -> r.upload().ingestPerSecond());
        double upCpu = median(measured, r -> r.upload().cpuUsPerEntry());
        double putAll = median(measured, r -> r.ignite().get("putAll").entriesPerSecond());
        double putAllCpu = median(measured, r -> r.ignite().get("putAll").cpuUsPerEntry());
        double streamer = median(measured, r -> r.ignite().get("streamer").entriesPerSecond());
        double streamerCpu = median(measured, r -> r.ignite().get("streamer").cpuUsPerEntry());
        report.row("StoreLog upload path", String.format(Locale.ROOT, "%,10.0f entries/s  %6.1f us CPU/entry  leader -> HTTP -> HqRoutes -> "
                + "IgniteHqStore, batches of up to %,d", up, upCpu, settings.maxBatchEntries()),
                Map.of("entriesPerSecond", up, "cpuUsPerEntry", upCpu));
        report.row("Ignite putAll in transactions", String.format(Locale.ROOT, "%,10.0f entries/s  %6.1f us CPU/entry  batches of %,d",
                putAll, putAllCpu, putAllBatch), Map.of("entriesPerSecond", putAll, "cpuUsPerEntry", putAllCpu));
        report.row("Ignite data streamer", String.format(Locale.ROOT, "%,10.0f entries/s  %6.1f us CPU/entry", streamer, streamerCpu),
                Map.of("entriesPerSecond", streamer, "cpuUsPerEntry", streamerCpu));
        double toPutAll = median(measured, r -> r.ratioTo("putAll"));
        double toStreamer = median(measured, r -> r.ratioTo("streamer"));
        String bestName = putAll >= streamer ? "putAll" : "streamer";
        double ratio = median(measured, Round::ratioToBest);
        report.row("ratio StoreLog / best Ignite", String.format(Locale.ROOT, "%.0f%% (best: %s); vs putAll %.0f%%, vs streamer %.0f%%",
                100 * ratio, bestName, 100 * toPutAll, 100 * toStreamer), Map.of("ratio", ratio, "best", bestName));
        report.row("CPU per entry, Ignite / StoreLog", String.format(Locale.ROOT, "putAll %.0f%%, streamer %.0f%% (the whole process: store "
                + "node, HTTP and headquarters on StoreLog's side)", 100 * putAllCpu / upCpu, 100 * streamerCpu / upCpu), Map.of());
        report.note("the streamer commits nothing per batch and loads on its own stripe threads; the putAll baseline commits every batch "
                + "(WAL fsync) before the next, on one thread; StoreLog's upload commits every batch before answering it and keeps up to "
                + settings.batchesInFlight() + " batches in flight; headquarters checks each against the vector the one before it will "
                + "leave, streams it while that one commits, and advances the vector only over entries already written");
        report.row("StoreLog durability", "store: every entry fsynced in its log before it may leave the node; headquarters: each batch's "
                + "entries streamed, then the transaction advancing the store's vector committed (WALMode.FSYNC: its fsync covers the "
                + "entries written before it) before the leader hears back", Map.of());
        report.row("Ignite durability", "the same node settings (persistence on, WALMode.FSYNC); putAll: each transaction committed; "
                + "streamer: durable at the final commit", Map.of());
        report.row("processes", "1 JVM, 1 store node + 1 headquarters (1 embedded Ignite node) for StoreLog; 1 Ignite node per baseline; "
                + "after an untimed warm-up of Ignite's code and of StoreLog's upload path, each round ran StoreLog's upload first, then "
                + "the baselines", Map.of("rounds", measured.size()));
        report.target("StoreLog upload >= 75% of Ignite's best bulk load", String.format(Locale.ROOT, "%.0f%% (%s; %,.0f vs %,.0f "
                + "entries/s, %s)", 100 * ratio, measured.size() == 1 ? "1 round" : "median of " + measured.size() + " rounds", up,
                Math.max(putAll, streamer), bestName), ">= 75%",
                ratio >= TARGET_RATIO, quick ? "--quick sizes" : "");
        boolean stated = backlog == TARGET_BACKLOG_ENTRIES && !quick;
        double fromLink = median(measured, r -> r.upload().fromLinkSeconds());
        double wait = median(measured, r -> r.upload().waitSeconds());
        double slowest = measured.stream().mapToDouble(r -> r.upload().fromLinkSeconds()).max().orElseThrow();
        report.target("backlog of 1,000,000 entries uploaded", String.format(Locale.ROOT, "%.2f s median, %.2f s slowest (%,.0f entries/s; "
                        + "%.2f s of it the leader's retry wait)", fromLink, slowest, backlog / fromLink, wait), "< 60 s",
                stated ? slowest < TARGET_BACKLOG_SECONDS : null,
                stated ? "" : String.format(Locale.ROOT, "target is stated for 1,000,000 entries; this run had %,d", backlog));
    }

    /** The median over rounds (the mean of the middle two when even). */
    private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
        double[] v = rounds.stream().mapToDouble(figure).sorted().toArray();
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /**
     * Prints the CPU rows of a measured stretch, with the CPU per entry of the threads in {@code worker} (a
     * thread group as {@link CpuMeter} names them) when given; returns the whole process's CPU per entry.
     */
    private double cpuRow(CpuMeter.Usage u, long entries, String worker, String workerWhat) {
        double perEntry = entries == 0 ? 0 : u.processCpuNanos() / 1e3 / entries;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("processCores", u.processCores());
        c.put("otherProcessesCores", u.otherCores());
        c.put("cpuUsPerEntry", perEntry);
        c.put("gcMillis", u.gcMillis());
        c.put("jitMillis", u.jitMillis());
        report.row("cpu", String.format(Locale.ROOT, "this process %.2f of %d cores (%.1f us CPU per entry), other processes %.2f cores; "
                        + "GC %d ms, JIT compiling %d ms", u.processCores(), Runtime.getRuntime().availableProcessors(), perEntry,
                u.otherCores(), u.gcMillis(), u.jitMillis()), c);
        if (worker != null && entries > 0) {
            double workerUs = u.coresByThreadGroup().getOrDefault(worker, 0.0) * u.seconds() * 1e6 / entries;
            report.row("  of which " + worker, String.format(Locale.ROOT, "%.1f us CPU per entry (%s)", workerUs, workerWhat),
                    Map.of("cpuUsPerEntry", workerUs));
        }
        report.row("cpu by thread (cores)", CpuMeter.topGroups(u, 6), Map.of());
        return perEntry;
    }
}
