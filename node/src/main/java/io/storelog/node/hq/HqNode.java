package io.storelog.node.hq;

import io.storelog.config.ConfigException;
import io.storelog.config.ConfigKeys;
import io.storelog.config.HostPort;
import io.storelog.config.NodeConfig;
import io.storelog.config.Role;
import io.netty.handler.ssl.SslContext;
import io.storelog.node.api.HttpApiServer;
import io.storelog.node.tls.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running headquarters (role hq): its storage, the published catalog, and the HTTP API in front. */
public final class HqNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HqNode.class);
    /** Requests served at once; more wait in the queue (two leaders of one store wait on one lock anyway). */
    private static final int STORAGE_THREADS = 8;

    private final HqStore store;
    private final boolean ownsStore;
    private final HttpApiServer http;
    private final ExecutorService storageCalls;
    private final HqRoutes routes;

    private HqNode(HqStore store, boolean ownsStore, HttpApiServer http, ExecutorService storageCalls, HqRoutes routes) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.http = http;
        this.storageCalls = storageCalls;
        this.routes = routes;
    }

    /**
     * Starts headquarters as configured: reads the stores file, opens the embedded Ignite node under the
     * data directory (or connects to {@code hq.ignite-addresses}), publishes {@code catalog.file} if given,
     * then serves HTTP. Closing the node closes the storage.
     */
    public static HqNode start(NodeConfig config) {
        if (config.role() != Role.HQ) {
            throw ConfigException.invalid(ConfigKeys.NODE_ROLE, "is " + config.role().text() + "; headquarters runs as role hq");
        }
        StoresFile stores = StoresFile.read(config.hq().storesFile().orElseThrow(() -> ConfigException.invalid(
                ConfigKeys.HQ_STORES_FILE, "is required for role hq: the CSV store,token of the stores it accepts (--stores FILE)")));
        HqStore store = openStore(config);
        try {
            return serve(config, stores, store, true);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The storage {@code config} names: the thin client when {@code hq.ignite-addresses} is set, else embedded. */
    public static HqStore openStore(NodeConfig config) {
        if (config.hq().externalIgnite()) {
            return ThinClientIgniteStore.connect(config.hq().igniteAddresses().stream().map(HostPort::toString).toList());
        }
        try {
            Files.createDirectories(config.node().dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.node().dataDir(), e);
        }
        return EmbeddedIgniteStore.open(EmbeddedIgniteStore.Options.defaults(
                config.node().dataDir().resolve("ignite"), config.hq().ignitePort()));
    }

    /**
     * Serves headquarters' API on {@code store}. With {@code ownsStore} false the caller keeps the storage
     * open after {@link #close} (tests reuse one Ignite node for several HQ instances).
     */
    public static HqNode serve(NodeConfig config, StoresFile stores, HqStore store, boolean ownsStore) {
        HqCatalog catalog = new HqCatalog(store, config.store());
        config.node().catalogFile().ifPresent(file -> {
            CatalogPublication p = catalog.importFile(file);
            LOG.info(p.fresh() ? "catalog {}: published as version {} ({} updates)"
                    : "catalog {}: already published as version {} ({} updates)", file, p.version(), p.chunks());
        });
        AtomicInteger n = new AtomicInteger();
        ExecutorService storageCalls = Executors.newFixedThreadPool(STORAGE_THREADS, r -> {
            Thread t = new Thread(r, "storelog-hq-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            HqRoutes routes = new HqRoutes(store, stores, catalog, new HqMetrics(store), config.http().apiToken(), storageCalls);
            SslContext tls = config.hq().servesHttps()
                    ? HttpsServer.context(config.hq().tlsCert().get(), config.hq().tlsKey().get()) : null;
            HttpApiServer http = HttpApiServer.start(config.http().bind(), config.http().port(), config.http().maxBodyBytes(), routes,
                    tls);
            LOG.info("headquarters on {} accepts stores {} over {}", store, List.copyOf(stores.stores()),
                    tls == null ? "plain HTTP (no hq.tls-cert)" : "HTTPS");
            return new HqNode(store, ownsStore, http, storageCalls, routes);
        } catch (RuntimeException e) {
            storageCalls.shutdownNow();
            throw e;
        }
    }

    /** The bound HTTP port. */
    public int httpPort() {
        return http.port();
    }

    /** The storage behind this node. */
    public HqStore store() {
        return store;
    }

    @Override
    public void close() {
        // New requests get 503 at once; requests already running finish and are answered (a leader then
        // needs no timeout to learn what became of its batch); then HTTP stops; the storage closes last.
        try {
            routes.stopTaking();
            storageCalls.shutdown();
            if (!storageCalls.awaitTermination(EmbeddedIgniteStore.TX_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("requests still running after {} ms; closing the storage under them", EmbeddedIgniteStore.TX_TIMEOUT_MS);
            }
            http.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            http.close();
        } finally {
            if (ownsStore) {
                store.close();
            }
        }
    }
}
