package io.storelog.node.hq;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteSystemProperties;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
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

/** {@link HqStore} on an Ignite server node in this JVM, with native persistence and an fsynced WAL. */
public final class EmbeddedIgniteStore extends IgniteHqStore {
    /** Same name in every HQ data directory, so a restarted node finds its own persistence folder. */
    static final String CONSISTENT_ID = "storelog-hq";
    static final long TX_TIMEOUT_MS = 30_000;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Ignite ignite;
    private final Map<HqCache, IgniteCache<String, byte[]>> caches = new EnumMap<>(HqCache.class);
    private final Tx view = new CacheTx();

    /**
     * Where and how the node runs.
     *
     * @param workDir        Ignite's work directory (persistence, WAL, log), under the HQ data directory
     * @param discoveryPort  discovery port on loopback; 0 picks a free one. The node lists only itself, so it
     *                       never joins another Ignite node on the machine
     * @param clientPort     port of the thin-client connector, or 0 for none (HQ itself needs none)
     * @param regionMaxBytes off-heap memory for pages; data beyond it stays on disk
     * @param walSegmentBytes size of one WAL segment file
     * @param walSegments    WAL segment files kept
     */
    public record Options(Path workDir, int discoveryPort, int clientPort, long regionMaxBytes, int walSegmentBytes,
            int walSegments) {
        /** Production sizes: 1 GiB of pages, 10 WAL segments of 64 MiB. */
        public static Options defaults(Path workDir, int discoveryPort) {
            return new Options(workDir, discoveryPort, 0, 1024L << 20, 64 << 20, 10);
        }

        /** Small sizes for tests and demos: 128 MiB of pages, 4 WAL segments of 16 MiB. */
        public static Options small(Path workDir) {
            return new Options(workDir, 0, 0, 128L << 20, 16 << 20, 4);
        }

        /** The same with a thin-client connector on {@code port}. */
        public Options withClientPort(int port) {
            return new Options(workDir, discoveryPort, port, regionMaxBytes, walSegmentBytes, walSegments);
        }
    }

    private EmbeddedIgniteStore(Ignite ignite) {
        this.ignite = ignite;
        try {
            for (HqCache c : HqCache.values()) {
                caches.put(c, ignite.getOrCreateCache(cacheConfiguration(c)));
            }
        } catch (RuntimeException e) {
            ignite.close();
            throw e;
        }
    }

    /** Starts the node (about 2-3 s, longer after a crash while it replays the WAL) and opens the caches. */
    public static EmbeddedIgniteStore open(Options options) {
        return new EmbeddedIgniteStore(startNode(options));
    }

    /** Starts and activates a persistent server node without creating HQ's caches (a stand-in cluster for tests). */
    static Ignite startNode(Options options) {
        Ignite ignite;
        try {
            ignite = Ignition.start(configuration(options));
        } catch (IgniteException e) {
            throw new HqStorageException("cannot start the embedded Ignite node in " + options.workDir() + ": "
                    + e.getMessage() + " (see " + options.workDir().resolve("ignite.log") + ")", e);
        }
        try {
            // A persistent cluster starts inactive the first time; later starts reactivate on their own.
            ignite.cluster().state(ClusterState.ACTIVE);
            return ignite;
        } catch (RuntimeException e) {
            ignite.close();
            throw e;
        }
    }

    static IgniteConfiguration configuration(Options o) {
        Path work = o.workDir().toAbsolutePath();
        int discovery = o.discoveryPort() == 0 ? freePort() : o.discoveryPort();
        TcpDiscoverySpi discoverySpi = new TcpDiscoverySpi()
                .setLocalAddress("127.0.0.1")
                .setLocalPort(discovery)
                .setLocalPortRange(0)
                .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(List.of("127.0.0.1:" + discovery)));
        TcpCommunicationSpi communication = new TcpCommunicationSpi().setLocalAddress("127.0.0.1");
        DataStorageConfiguration storage = new DataStorageConfiguration()
                .setWalMode(WALMode.FSYNC)
                .setStoragePath(work.resolve("db").toString())
                .setWalPath(work.resolve("wal").toString())
                // The archive in the WAL folder itself: no copy of every segment, which HQ does not need.
                .setWalArchivePath(work.resolve("wal").toString())
                .setWalSegmentSize(o.walSegmentBytes())
                .setWalSegments(o.walSegments())
                .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                        .setName("hq")
                        .setPersistenceEnabled(true)
                        .setInitialSize(Math.min(o.regionMaxBytes(), 64L << 20))
                        .setMaxSize(o.regionMaxBytes()));
        // HqNode closes Ignite after the HTTP server on shutdown; Ignite's own hook would race it.
        System.setProperty(IgniteSystemProperties.IGNITE_NO_SHUTDOWN_HOOK, "true");
        IgniteConfiguration cfg = new IgniteConfiguration()
                .setIgniteInstanceName("storelog-hq-" + INSTANCES.incrementAndGet())
                .setConsistentId(CONSISTENT_ID)
                .setWorkDirectory(work.toString())
                .setGridLogger(IgniteLogs.to(work.resolve("ignite.log")))
                .setDiscoverySpi(discoverySpi)
                .setCommunicationSpi(communication)
                .setDataStorageConfiguration(storage)
                // Ignite's default handler halts the JVM; HQ's HTTP server must rather answer 503 and stop cleanly.
                .setFailureHandler(new StopNodeFailureHandler())
                .setMetricsLogFrequency(0)
                .setPeerClassLoadingEnabled(false);
        cfg.setClientConnectorConfiguration(o.clientPort() == 0 ? null
                : new ClientConnectorConfiguration().setHost("127.0.0.1").setPort(o.clientPort()).setPortRange(0));
        return cfg;
    }

    private static CacheConfiguration<String, byte[]> cacheConfiguration(HqCache c) {
        CacheConfiguration<String, byte[]> cfg = new CacheConfiguration<String, byte[]>(c.cacheName)
                .setCacheMode(CacheMode.PARTITIONED)
                .setBackups(0)
                .setAtomicityMode(CacheAtomicityMode.TRANSACTIONAL)
                .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
        // Fewer partitions than Ignite's 1,024: each is a file to open at start and to checkpoint, and one
        // node gains nothing from more. The small caches share one group (one set of files).
        if (c == HqCache.ENTRIES) {
            cfg.setAffinity(new RendezvousAffinityFunction(false, 128));
        } else {
            cfg.setGroupName("storelog_hq_meta").setAffinity(new RendezvousAffinityFunction(false, 32));
        }
        return cfg;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new HqStorageException("no free port for the embedded Ignite node", e);
        }
    }

    @Override
    protected <T> T transaction(Function<Tx, T> body) {
        try (Transaction tx = ignite.transactions().txStart(TransactionConcurrency.PESSIMISTIC,
                TransactionIsolation.REPEATABLE_READ, TX_TIMEOUT_MS, 0)) {
            T result = body.apply(view);
            tx.commit();
            return result;
        } catch (IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected byte[] read(HqCache cache, String key) {
        try {
            return caches.get(cache).get(key);
        } catch (IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected Map<String, byte[]> readAll(HqCache cache, Set<String> keys) {
        try {
            return caches.get(cache).getAll(keys);
        } catch (IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected void scanEach(HqCache cache, java.util.function.BiConsumer<String, byte[]> visit) {
        try (QueryCursor<Cache.Entry<String, byte[]>> cursor = caches.get(cache).query(new ScanQuery<String, byte[]>())) {
            for (Cache.Entry<String, byte[]> e : cursor) {
                visit.accept(e.getKey(), e.getValue());
            }
        } catch (IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    private static HqStorageException unavailable(RuntimeException e) {
        return new HqStorageException("embedded Ignite: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        // Not cancelling: a transaction in flight finishes (or rolls back) before the node stops.
        Ignition.stop(ignite.name(), false);
    }

    @Override
    public String toString() {
        return "embedded Ignite " + ignite.version() + " (" + ignite.name() + ")";
    }

    /** The caches inside the transaction the calling thread has open. */
    private final class CacheTx implements Tx {
        @Override
        public byte[] get(HqCache cache, String key) {
            return caches.get(cache).get(key);
        }

        @Override
        public Map<String, byte[]> getAll(HqCache cache, Set<String> keys) {
            return caches.get(cache).getAll(keys);
        }

        @Override
        public void put(HqCache cache, String key, byte[] value) {
            caches.get(cache).put(key, value);
        }

        @Override
        public void putAll(HqCache cache, Map<String, byte[]> values) {
            caches.get(cache).putAll(values);
        }
    }
}
