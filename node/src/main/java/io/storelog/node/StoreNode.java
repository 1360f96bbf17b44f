package io.storelog.node;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.storelog.config.NodeConfig;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.node.api.HttpApiServer;
import io.storelog.node.barcode.BarcodeDecoder;
import io.storelog.node.barcode.BarcodeResolver;
import io.storelog.node.billing.CashRounding;
import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.node.leader.LeaderService;
import io.storelog.node.log.DataDirectory;
import io.storelog.node.log.FileLogStorage;
import io.storelog.node.log.LogOptions;
import io.storelog.node.log.LogStorage;
import io.storelog.node.log.RecoveryReport;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.receipt.Receipts;
import io.storelog.node.service.BillService;
import io.storelog.node.service.budget.BudgetService;
import io.storelog.node.replication.ReplicationOptions;
import io.storelog.node.replication.Replicator;
import io.storelog.node.service.BusinessCalendar;
import io.storelog.node.service.ReplicaGate;
import io.storelog.node.service.CartService;
import io.storelog.node.service.CatalogImporter;
import io.storelog.node.service.ConflictRecorder;
import io.storelog.node.service.StockService;
import io.storelog.node.state.CatalogProduct;
import io.storelog.node.state.StoreState;
import io.storelog.config.StaffSection;
import io.storelog.node.service.VoidService;
import io.storelog.node.shift.ShiftService;
import io.storelog.node.shift.ZReportService;
import io.storelog.node.staff.Approvals;
import io.storelog.node.staff.BillApprovals;
import io.storelog.node.staff.PinGuard;
import io.storelog.node.staff.Sessions;
import io.storelog.node.staff.StaffFile;
import io.storelog.node.staff.StaffImporter;
import io.storelog.node.staff.StaffRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store node: data directory, merged log, state fold, services and HTTP API, started in that
 * order. Recovery completes before the API listens, so no bill is taken on a half-loaded state.
 */
public final class StoreNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreNode.class);

    private final NodeConfig config;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StoreState state = new StoreState();
    private final HybridLogicalClock clock;
    private final MergedLog log;
    private final BusinessCalendar calendar;
    private DataDirectory dataDir;
    private RecoveryReport recovery;
    private BillService bills;
    private BarcodeResolver barcodes;
    private Receipts receipts;
    private StockService stock;
    private CartService carts;
    private VoidService voids;
    private BudgetService budgets;
    private final long startedNanos = System.nanoTime();
    private Sessions sessions;
    private Approvals approvals;
    private BillApprovals billApprovals;
    private ShiftService shifts;
    private ZReportService zReports;
    private HttpApiServer http;
    private Replicator replicator;
    private LeaderService leader;
    private boolean newIncarnation;
    /** How often a node looks for log segments it may archive. */
    private static final long ARCHIVE_CHECK_SECONDS = 60;
    private final java.util.concurrent.ScheduledExecutorService archiver =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "storelog-archiver");
                t.setDaemon(true);
                return t;
            });
    /** How long a lane waits for a cart's owner to hand it over before telling the cashier it cannot. */
    private static final long CART_OWNER_TIMEOUT_MILLIS = 2_000;

    private StoreNode(NodeConfig config) {
        this.config = config;
        this.clock = HybridLogicalClock.system(config.clock().offsetMs());
        this.log = new MergedLog(config.node().id(), state, clock, meters);
        this.calendar = new BusinessCalendar(config.store().timeZone());
        meters.gauge("storelog.conflicts.frozen.origins", state, s -> s.frozenOrigins().size());
        meters.gauge("storelog.clock.drift.alerts", log, MergedLog::driftAlerts);
        // Heap use on /metrics lets an operator (and the fault suite) see memory stay flat over days.
        new JvmMemoryMetrics().bindTo(meters);
    }

    /** Opens the data directory, recovers the log, imports the configured catalog and starts the HTTP API. */
    public static StoreNode start(NodeConfig config) {
        return start(config, null);
    }

    /** As {@link #start(NodeConfig)}, with the log on {@code storage} (tests pass a simulated disk). */
    public static StoreNode start(NodeConfig config, LogStorage storage) {
        StoreNode node = new StoreNode(config);
        try {
            node.open(storage);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void open(LogStorage storage) {
        long started = System.nanoTime();
        dataDir = DataDirectory.open(config.node().dataDir(), config.store().id(), config.node().id());
        LogStorage logStorage = storage != null ? storage : new FileLogStorage(dataDir.logDir());
        LogOptions options = new LogOptions(config.log().segmentBytes(), config.log().maxBatchRecords(),
                LogOptions.defaults().maxBatchBytes(), LogOptions.defaults().maxRecordBytes());
        // The fold's snapshot sits beside a real log only; a simulated disk (tests) replays in full.
        recovery = log.open(logStorage, options, meters, chooseIncarnation(), storage == null ? dataDir.dir() : null);
        LOG.info("node {} recovered {} entries in {} ms as incarnation {}", config.node().id(), log.entries(),
                (System.nanoTime() - started) / 1_000_000, log.origin());
        ReplicaGate gate = ReplicaGate.LOCAL_ONLY;
        if (config.store().key().isPresent()) {
            replicator = new Replicator(ReplicationOptions.from(config), log, meters, state::frozenOrigins);
            ConflictRecorder conflicts = new ConflictRecorder(log, state);
            replicator.onConflicts(conflicts::record);
            replicator.start(newIncarnation || dataDir.isNew());
            gate = replicator::awaitReplicas;
        }
        barcodes = new BarcodeResolver(new BarcodeDecoder(config.barcodes(), config.store().currencyExponent()),
                code -> state.productByBarcode(code).map(CatalogProduct::product));
        budgets = new BudgetService(log, state, new BudgetService.Settings(config.node().id(), config.budgets().askTimeoutMs(),
                config.budgets().rebalanceIdleSeconds(), config.budgets().offlineCardCap(), config.role() == io.storelog.config.Role.SERVER),
                java.util.Optional.ofNullable(replicator), this::ready, this::storeOffline);
        bills = new BillService(log, state, config.node().id(), config.store().currency().getCurrencyCode(), calendar,
                gate, this::ready, meters, barcodes, new CashRounding(config.currency().cashIncrement()), budgets);
        receipts = new Receipts(bills, state, config.store().id(), config.store().timeZone(), config.store().currencyExponent(),
                log::origin, (origin, seq) -> replicator == null ? 0 : replicator.peersHolding(origin, seq));
        stock = new StockService(log, state);
        carts = new CartService(log, state, config.node().id(), gate, this::ready, java.util.Optional.ofNullable(replicator),
                CART_OWNER_TIMEOUT_MILLIS);
        voids = new VoidService(log, state, config.node().id(), calendar, budgets);
        StaffSection staff = config.staff();
        PinGuard pins = new PinGuard(state, staff.maxPinFailures(), staff.lockoutSeconds() * 1000L, System::currentTimeMillis);
        sessions = new Sessions(pins, staff.sessionMinutes() * 60_000L, System::currentTimeMillis);
        approvals = new Approvals(pins, state);
        billApprovals = new BillApprovals(approvals, state, staff.discountLimitBp());
        shifts = new ShiftService(log, state, config.node().id(), calendar);
        zReports = new ZReportService(log, state, config.node().id(), calendar, this::ready);
        config.node().catalogFile().ifPresent(this::importCatalog);
        staff.bootstrapFile().ifPresent(this::importStaff);
        leader = LeaderService.start(config, log, state, java.util.Optional.ofNullable(replicator), meters);
        archiver.scheduleWithFixedDelay(this::archiveQuietly, ARCHIVE_CHECK_SECONDS, ARCHIVE_CHECK_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS);
        http = HttpApiServer.start(this);
    }

    /** Any truncated own record may already be at a peer, so the node goes on under a new id. */
    private Function<RecoveryReport, String> chooseIncarnation() {
        return report -> {
            if (report.truncatedBytes() > 0 && !dataDir.isNew()) {
                String fresh = dataDir.startNewIncarnation();
                newIncarnation = true;
                LOG.warn("recovery truncated {} bytes of {}; continuing as new incarnation {}", report.truncatedBytes(),
                        report.truncatedSegment(), fresh);
                return fresh;
            }
            return dataDir.incarnation();
        };
    }

    /** Imports a catalog file; a file already imported adds nothing. Returns entries appended. */
    public int importCatalog(Path file) {
        List<CatalogItem> items = CatalogCsv.read(file, config.store().currency().getDefaultFractionDigits());
        int appended = new CatalogImporter(log, state).importItems(file.getFileName().toString(), sha256(file), items,
                config.store().taxClasses());
        LOG.info("catalog {}: {} products, {} entries appended", file, items.size(), appended);
        return appended;
    }

    /** Imports a staff bootstrap file; a file already imported adds nothing. Returns entries appended. */
    public int importStaff(Path file) {
        List<StaffRow> rows = StaffFile.read(file);
        int appended = new StaffImporter(log, state, config.staff().pinIterations())
                .importRows(file.getFileName().toString(), sha256(file), rows);
        LOG.info("staff file {}: {} members, {} entries appended", file, rows.size(), appended);
        return appended;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The validated configuration. */
    public NodeConfig config() {
        return config;
    }

    /** The folded state. */
    public StoreState state() {
        return state;
    }

    /** The merged log. */
    public MergedLog log() {
        return log;
    }

    /** Receipts of stored bills, and their reprints. */
    public Receipts receipts() {
        return receipts;
    }

    /** Scanned barcodes to catalog products, with the store's in-store layout. */
    public BarcodeResolver barcodes() {
        return barcodes;
    }

    /** Bills, refunds and receipt reprints of this till. */
    public BillService bills() {
        return bills;
    }

    /** Stock receipts, adjustments and counts. */
    public StockService stock() {
        return stock;
    }

    /**
     * Archives log segments headquarters holds whose entries are older than {@code log.archive-after-days}
     * (see docs/archival.md). Returns the last archived log index (0: nothing archived now).
     */
    public long archiveLog() {
        io.storelog.node.merge.VersionVector confirmed = leader.hqConfirmed();
        long notAfter = System.currentTimeMillis() - java.util.concurrent.TimeUnit.DAYS.toMillis(config.log().archiveAfterDays());
        return log.archive(confirmed, notAfter);
    }

    private void archiveQuietly() {
        try {
            archiveLog();
        } catch (RuntimeException e) {
            LOG.warn("archiving the log failed: {}", e.toString());
        }
    }

    /** Suspended carts: suspend here, recall here or from another lane. */
    public CartService carts() {
        return carts;
    }

    /** Budgets (bounded counters): limited items, the offline card cap, refunds across lanes. */
    public BudgetService budgets() {
        return budgets;
    }

    /**
     * Whether the store counts as offline for card payments the terminal did not mark: nobody known here
     * reached headquarters for {@code budgets.offline-after-seconds}; or, with headquarters configured on
     * this node, none ever did and this node has been up that long. Without any headquarters, never.
     */
    private boolean storeOffline() {
        long afterMs = config.budgets().offlineAfterSeconds() * 1000L;
        long ago = leader == null ? -1 : leader.hqLastContactMsAgo();
        if (ago >= 0) {
            return ago > afterMs;
        }
        return config.hq().url().isPresent() && (System.nanoTime() - startedNanos) / 1_000_000 > afterMs;
    }

    /** Voids of whole bills. */
    public VoidService voids() {
        return voids;
    }

    /** Sign-in sessions of this lane. */
    public Sessions sessions() {
        return sessions;
    }

    /** Supervisor approvals given at this lane. */
    public Approvals approvals() {
        return approvals;
    }

    /** Which bills need a supervisor's approval. */
    public BillApprovals billApprovals() {
        return billApprovals;
    }

    /** Shifts and cash movements of this till, and X reports. */
    public ShiftService shifts() {
        return shifts;
    }

    /** Z (day-end) reports of this till. */
    public ZReportService zReports() {
        return zReports;
    }

    /** Business days in the store's zone. */
    public BusinessCalendar calendar() {
        return calendar;
    }

    /** Metrics, scraped at /metrics. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** What recovery found at start. */
    public RecoveryReport recovery() {
        return recovery;
    }

    /** The clock, for the current business day. */
    public HybridLogicalClock clock() {
        return clock;
    }

    /** The port the HTTP API listens on (useful when configured as 0). */
    public int httpPort() {
        return http.port();
    }

    /** True once recovery is done and, for a new incarnation, it has caught up from a peer: the node takes bills. */
    public boolean ready() {
        return log.ready() && (replicator == null || replicator.caughtUp());
    }

    /** Replication to the store's other nodes, or empty when no store key is configured. */
    public java.util.Optional<Replicator> replicator() {
        return java.util.Optional.ofNullable(replicator);
    }

    /** Leader choice, uploads to headquarters and the HQ-confirmed mark. */
    public LeaderService leader() {
        return leader;
    }

    @Override
    public void close() {
        archiver.shutdownNow();
        if (budgets != null) {
            budgets.close();
        }
        if (http != null) {
            http.close();
        }
        if (leader != null) {
            leader.close();
        }
        if (replicator != null) {
            replicator.close();
        }
        log.close();
    }
}
