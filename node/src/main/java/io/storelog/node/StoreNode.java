package io.storelog.node;

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
import io.storelog.node.replication.ReplicationOptions;
import io.storelog.node.replication.Replicator;
import io.storelog.node.service.BusinessCalendar;
import io.storelog.node.service.ReplicaGate;
import io.storelog.node.service.CatalogImporter;
import io.storelog.node.service.ConflictRecorder;
import io.storelog.node.service.StockService;
import io.storelog.node.state.CatalogProduct;
import io.storelog.node.state.StoreState;
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
    private final HybridLogicalClock clock = HybridLogicalClock.system();
    private final MergedLog log;
    private final BusinessCalendar calendar;
    private DataDirectory dataDir;
    private RecoveryReport recovery;
    private BillService bills;
    private BarcodeResolver barcodes;
    private Receipts receipts;
    private StockService stock;
    private HttpApiServer http;
    private Replicator replicator;
    private LeaderService leader;
    private boolean newIncarnation;

    private StoreNode(NodeConfig config) {
        this.config = config;
        this.log = new MergedLog(config.node().id(), state, clock, meters);
        this.calendar = new BusinessCalendar(config.store().timeZone());
        meters.gauge("storelog.conflicts.frozen.origins", state, s -> s.frozenOrigins().size());
        meters.gauge("storelog.clock.drift.alerts", log, MergedLog::driftAlerts);
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
        bills = new BillService(log, state, config.node().id(), config.store().currency().getCurrencyCode(), calendar,
                gate, this::ready, meters, barcodes, new CashRounding(config.currency().cashIncrement()));
        receipts = new Receipts(bills, state, config.store().id(), config.store().timeZone(), config.store().currencyExponent(),
                log::origin, (origin, seq) -> replicator == null ? 0 : replicator.peersHolding(origin, seq));
        stock = new StockService(log, state);
        config.node().catalogFile().ifPresent(this::importCatalog);
        leader = LeaderService.start(config, log, state, java.util.Optional.ofNullable(replicator), meters);
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

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog " + file, e);
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
