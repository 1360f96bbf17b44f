package io.storelog.console.bench.ignite;

import io.storelog.console.bench.replicate.BillSink;
import io.storelog.console.bench.replicate.Ports;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.hq.IgniteLogs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.WALMode;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.transactions.Transaction;
import org.apache.ignite.transactions.TransactionConcurrency;
import org.apache.ignite.transactions.TransactionIsolation;

/**
 * What a team might build instead of StoreLog's log: Apache Ignite server nodes (here all in this JVM,
 * on loopback) with native persistence and an fsynced WAL, one REPLICATED, FULL_SYNC, TRANSACTIONAL cache
 * holding bills (key: client bill id, value: the encoded bill) and stock counters (key: "stock:" + SKU,
 * value: on-hand quantity in thousandths), and each bill one pessimistic transaction that puts the bill
 * and lowers the counters of its lines. Keys are locked in SKU order, so two bills never deadlock.
 */
public final class IgniteStore implements AutoCloseable {
    /** Ignite's log: warnings and worse into the bench directory (see {@link IgniteLogs}). */
    private static IgniteLogger gridLogger;
    public static final String CACHE = "store";
    public static final String STOCK_PREFIX = "stock:";
    private static final long WAL_SEGMENT_BYTES = 32L * 1024 * 1024;
    private static final int WAL_SEGMENTS = 4;
    private static final long REGION_MAX_BYTES = 256L * 1024 * 1024;
    /** Held strongly: java.util.logging keeps loggers only weakly, and a collected one loses its level and handler. */

    private final Path dir;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Ignite> running = new HashMap<>();
    private final Function<BillRequest, byte[]> encoder;
    private final int discoveryPort;
    private final int communicationPort;
    private String version = "?";

    private IgniteStore(Path dir, int nodes, Function<BillRequest, byte[]> encoder) {
        this.dir = dir;
        this.encoder = encoder;
        this.discoveryPort = Ports.block(nodes);
        this.communicationPort = Ports.block(nodes);
        for (int i = 0; i < nodes; i++) {
            names.add("bench-ignite-" + (i + 1));
        }
    }

    /**
     * Starts {@code nodes} server nodes under {@code dir}, activates the cluster (baseline: these nodes),
     * creates the cache and puts the initial stock counters. Ignite's own log goes to {@code dir}/ignite.log
     * (warnings and errors only); the console stays quiet.
     */
    public static IgniteStore start(Path dir, int nodes, Map<String, Long> initialStockMilli,
            Function<BillRequest, byte[]> encoder) throws IOException {
        gridLogger = IgniteLogs.to(dir.resolve("ignite.log"));
        IgniteStore store = new IgniteStore(dir, nodes, encoder);
        try {
            for (int i = 0; i < nodes; i++) {
                String name = store.names.get(i);
                store.running.put(name, Ignition.start(store.configuration(i)));
            }
            Ignite first = store.node(0);
            store.version = first.version().toString();
            first.cluster().state(ClusterState.ACTIVE);
            IgniteCache<String, Object> cache = first.getOrCreateCache(new CacheConfiguration<String, Object>(CACHE)
                    .setCacheMode(CacheMode.REPLICATED)
                    .setAtomicityMode(CacheAtomicityMode.TRANSACTIONAL)
                    .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC));
            Map<String, Object> chunk = new TreeMap<>();
            for (Map.Entry<String, Long> e : initialStockMilli.entrySet()) {
                chunk.put(STOCK_PREFIX + e.getKey(), e.getValue());
                if (chunk.size() == 500) {
                    cache.putAll(chunk);
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                cache.putAll(chunk);
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private IgniteConfiguration configuration(int i) {
        String name = names.get(i);
        int nodes = names.size();
        TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder()
                .setAddresses(List.of("127.0.0.1:" + discoveryPort + ".." + (discoveryPort + nodes - 1)));
        return new IgniteConfiguration()
                .setIgniteInstanceName(name)
                .setConsistentId(name)
                .setWorkDirectory(dir.resolve(name).toAbsolutePath().toString())
                .setLocalHost("127.0.0.1")
                .setGridLogger(gridLogger)
                .setMetricsLogFrequency(0)
                .setClientConnectorConfiguration(null)
                .setConnectorConfiguration(null)
                .setFailureHandler(new StopNodeFailureHandler())
                .setDiscoverySpi(new TcpDiscoverySpi().setLocalAddress("127.0.0.1").setLocalPort(discoveryPort)
                        .setLocalPortRange(nodes).setIpFinder(finder))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalAddress("127.0.0.1").setLocalPort(communicationPort)
                        .setLocalPortRange(nodes))
                .setDataStorageConfiguration(new DataStorageConfiguration()
                        .setWalMode(WALMode.FSYNC)
                        .setWalSegmentSize((int) WAL_SEGMENT_BYTES)
                        .setWalSegments(WAL_SEGMENTS)
                        .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                                .setPersistenceEnabled(true)
                                .setInitialSize(64L * 1024 * 1024)
                                .setMaxSize(REGION_MAX_BYTES)));
    }

    /** The settings that decide what "stored" means, as the report prints them. */
    public String durability() {
        return "native persistence ON (DataRegionConfiguration.persistenceEnabled), WALMode.FSYNC (fsync on every commit), "
                + "CacheMode.REPLICATED, CacheWriteSynchronizationMode.FULL_SYNC (commit answers once every node has it), "
                + "CacheAtomicityMode.TRANSACTIONAL, one PESSIMISTIC REPEATABLE_READ transaction per bill; WAL segments "
                + WAL_SEGMENT_BYTES / (1024 * 1024) + " MiB x " + WAL_SEGMENTS + ", data region max "
                + REGION_MAX_BYTES / (1024 * 1024) + " MiB per node, StopNodeFailureHandler";
    }

    public String topology() {
        return names.size() + " Ignite " + version + " server nodes ("
                + String.join(", ", names) + ") in this one JVM process, discovery 127.0.0.1:" + discoveryPort + ".."
                + (discoveryPort + names.size() - 1) + " (TcpDiscoverySpi, static IP finder), communication 127.0.0.1:"
                + communicationPort + ".." + (communicationPort + names.size() - 1) + " (TcpCommunicationSpi)";
    }

    public String name(int i) {
        return names.get(i);
    }

    public int size() {
        return names.size();
    }

    private synchronized Ignite node(int i) {
        Ignite ig = running.get(names.get(i));
        if (ig == null) {
            throw new IllegalStateException(names.get(i) + " is not running");
        }
        return ig;
    }

    /** Writer {@code w} bills through node {@code w mod size}. */
    public BillSink sink(int writer, long txTimeoutMillis) {
        int node = writer % names.size();
        return r -> {
            bill(node, r, txTimeoutMillis);
            return false;
        };
    }

    /** A sink that always bills through node {@code node}. */
    public BillSink sinkOn(int node, long txTimeoutMillis) {
        return r -> {
            bill(node, r, txTimeoutMillis);
            return false;
        };
    }

    /** One bill as one pessimistic transaction through node {@code i}: lower each line's counter, put the bill, commit. */
    public void bill(int i, BillRequest request, long txTimeoutMillis) {
        Ignite ig = node(i);
        IgniteCache<String, Object> cache = ig.cache(CACHE);
        byte[] bytes = encoder.apply(request);
        TreeMap<String, Long> qty = new TreeMap<>();
        for (LineRequest l : request.lines()) {
            qty.merge(l.sku(), l.qtyMilli(), Long::sum);
        }
        try (Transaction tx = ig.transactions().txStart(TransactionConcurrency.PESSIMISTIC,
                TransactionIsolation.REPEATABLE_READ, txTimeoutMillis, qty.size() + 1)) {
            for (Map.Entry<String, Long> e : qty.entrySet()) {
                String key = STOCK_PREFIX + e.getKey();
                Object onHand = cache.get(key);
                cache.put(key, (onHand == null ? 0L : (Long) onHand) - e.getValue());
            }
            cache.put(request.clientBillId(), bytes);
            tx.commit();
        }
    }

    /** Whether node {@code i} holds the bill under {@code clientBillId}. */
    public boolean holds(int i, String clientBillId) {
        return node(i).cache(CACHE).get(clientBillId) != null;
    }

    /**
     * Stops node {@code i} with {@code Ignition.stop(name, true)}: in-flight jobs cancelled, the node
     * leaves the topology at once (it still says goodbye to discovery; this is not a pulled cable).
     */
    public synchronized void stop(int i) {
        String name = names.get(i);
        if (running.remove(name) != null) {
            Ignition.stop(name, true);
        }
    }

    /** What one bill attempt did within a time limit. */
    public record Attempt(boolean committed, double millis, String outcome) {
    }

    /** Tries one bill through node {@code i}, with the transaction timeout and the wait both at {@code limit}. */
    public Attempt attempt(int i, BillRequest request, Duration limit) {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-ignite-attempt");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        try {
            Future<?> f = one.submit(() -> bill(i, request, limit.toMillis()));
            f.get(limit.toMillis() + 500, TimeUnit.MILLISECONDS);
            double ms = (System.nanoTime() - t0) / 1e6;
            return new Attempt(true, ms, "committed in " + String.format(java.util.Locale.ROOT, "%.1f", ms) + " ms");
        } catch (TimeoutException e) {
            return new Attempt(false, (System.nanoTime() - t0) / 1e6, "no answer within " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            String msg = c.getClass().getName() + ": " + c.getMessage();
            return new Attempt(false, (System.nanoTime() - t0) / 1e6, "failed: " + (msg.length() > 300 ? msg.substring(0, 300) + "..." : msg));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(false, (System.nanoTime() - t0) / 1e6, "interrupted");
        } finally {
            one.shutdownNow();
        }
    }

    /** Node i's view of the cluster: server count and state. */
    public String view(int i) {
        Ignite ig = node(i);
        return ig.cluster().forServers().nodes().size() + " server node(s) in its topology, cluster state "
                + ig.cluster().state();
    }

    /** Stops every node still running (cancel = true); Ignite's threads would keep the JVM alive otherwise. */
    @Override
    public synchronized void close() {
        for (String name : new ArrayList<>(running.keySet())) {
            try {
                Ignition.stop(name, true);
            } catch (RuntimeException e) {
                System.err.println("stopping " + name + ": " + e);
            }
        }
        running.clear();
    }
}
