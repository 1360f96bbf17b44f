package io.storelog.console.bench.hq;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import io.storelog.node.hq.EmbeddedIgniteStore;
import io.storelog.node.hq.IgniteLogs;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
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
 * Apache Ignite loading a store's entries on its own, with nothing of StoreLog in the way: a fresh server
 * node in this JVM set up as headquarters' embedded node is (native persistence, WAL mode FSYNC, the entries
 * cache TRANSACTIONAL, PARTITIONED with 128 partitions, FULL_SYNC, the same region and WAL sizes), loaded
 * either by transactional {@code putAll} batches or by an {@link IgniteDataStreamer}.
 */
public final class IgniteBulkLoad implements AutoCloseable {
    /** The cache name headquarters uses for entries. */
    public static final String CACHE = "storelog_hq_entries";
    /** Held strongly: JUL keeps loggers only weakly, and a collected one forgets its level and handler. */

    private final Ignite ignite;
    private final IgniteCache<String, byte[]> cache;
    private final long regionMaxBytes;
    private final int walSegmentBytes;
    private final int walSegments;

    /** Entries loaded, how long it took until they were durable, and how many ended up in the cache. */
    public record Result(long entries, double seconds, long cacheSize) {
        public double entriesPerSecond() {
            return entries / seconds;
        }
    }

    private IgniteBulkLoad(Ignite ignite, long regionMaxBytes, int walSegmentBytes, int walSegments) {
        this.ignite = ignite;
        this.regionMaxBytes = regionMaxBytes;
        this.walSegmentBytes = walSegmentBytes;
        this.walSegments = walSegments;
        this.cache = ignite.getOrCreateCache(new CacheConfiguration<String, byte[]>(CACHE)
                .setCacheMode(CacheMode.PARTITIONED)
                .setBackups(0)
                .setAtomicityMode(CacheAtomicityMode.TRANSACTIONAL)
                .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
                .setAffinity(new RendezvousAffinityFunction(false, 128)));
    }

    /**
     * Starts a fresh node in {@code workDir} with headquarters' production sizes (1 GiB of pages, 10 WAL
     * segments of 64 MiB) or, {@code small}, its test sizes (128 MiB, 4 of 16 MiB); Ignite's log goes to
     * {@code workDir}/ignite.log (warnings and worse).
     */
    public static IgniteBulkLoad start(Path workDir, String name, boolean small) throws IOException {
        long region = small ? 128L << 20 : 1024L << 20;
        int segmentBytes = small ? 16 << 20 : 64 << 20;
        int segments = small ? 4 : 10;
        Path work = workDir.toAbsolutePath();
        Files.createDirectories(work);
        int discovery = freePort();
        DataStorageConfiguration storage = new DataStorageConfiguration()
                .setWalMode(WALMode.FSYNC)
                .setStoragePath(work.resolve("db").toString())
                .setWalPath(work.resolve("wal").toString())
                .setWalArchivePath(work.resolve("wal").toString())
                .setWalSegmentSize(segmentBytes)
                .setWalSegments(segments)
                .setWalThreadLocalBufferSize(EmbeddedIgniteStore.WAL_RECORD_BUFFER_BYTES)
                .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                        .setName("hq")
                        .setPersistenceEnabled(true)
                        .setInitialSize(Math.min(region, 64L << 20))
                        .setMaxSize(region));
        IgniteConfiguration cfg = new IgniteConfiguration()
                .setIgniteInstanceName(name)
                .setConsistentId(name)
                .setWorkDirectory(work.toString())
                .setGridLogger(IgniteLogs.to(work.resolve("ignite.log")))
                .setDiscoverySpi(new TcpDiscoverySpi().setLocalAddress("127.0.0.1").setLocalPort(discovery).setLocalPortRange(0)
                        .setIpFinder(new TcpDiscoveryVmIpFinder().setAddresses(List.of("127.0.0.1:" + discovery))))
                .setCommunicationSpi(new TcpCommunicationSpi().setLocalAddress("127.0.0.1"))
                .setDataStorageConfiguration(storage)
                .setFailureHandler(new StopNodeFailureHandler())
                .setMetricsLogFrequency(0)
                .setPeerClassLoadingEnabled(false)
                .setClientConnectorConfiguration(null);
        Ignite ignite = Ignition.start(cfg);
        try {
            ignite.cluster().state(ClusterState.ACTIVE);
            return new IgniteBulkLoad(ignite, region, segmentBytes, segments);
        } catch (RuntimeException e) {
            ignite.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * One pessimistic REPEATABLE_READ transaction per {@code batch} entries (keys sorted, as headquarters
     * writes them), one thread, each committed (WAL fsync) before the next starts.
     */
    public Result putAllInTransactions(HqShapedEntries entries, int batch) {
        long t0 = System.nanoTime();
        for (int from = 0; from < entries.size(); from += batch) {
            Map<String, byte[]> chunk = new TreeMap<>();
            for (int i = from; i < Math.min(entries.size(), from + batch); i++) {
                chunk.put(entries.key(i), entries.value(i));
            }
            try (Transaction tx = ignite.transactions().txStart(TransactionConcurrency.PESSIMISTIC,
                    TransactionIsolation.REPEATABLE_READ)) {
                cache.putAll(chunk);
                tx.commit();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(entries.size(), seconds, cache.sizeLong());
    }

    /**
     * An {@link IgniteDataStreamer} with {@code allowOverwrite(false)} (Ignite's fastest load path) fed from one
     * thread, closed (every buffer flushed), then one transactional put of a marker key committed: its WAL
     * fsync covers every record written before it, so the clock stops once the streamed entries are durable.
     */
    public Result stream(HqShapedEntries entries) {
        long t0 = System.nanoTime();
        try (IgniteDataStreamer<String, byte[]> streamer = ignite.dataStreamer(CACHE)) {
            streamer.allowOverwrite(false);
            for (int i = 0; i < entries.size(); i++) {
                streamer.addData(entries.key(i), entries.value(i));
            }
        }
        try (Transaction tx = ignite.transactions().txStart(TransactionConcurrency.PESSIMISTIC,
                TransactionIsolation.REPEATABLE_READ)) {
            cache.put("bench|durable-marker", new byte[] {1});
            tx.commit();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(entries.size(), seconds, cache.sizeLong() - 1);
    }

    /** The settings that decide what "stored" means here. */
    public String durability() {
        return String.format(Locale.ROOT, "Ignite %s, native persistence on, WALMode.FSYNC, %d WAL segments of %d MiB, WAL thread buffer "
                + "%d MiB (as headquarters), region up to %d MiB; cache TRANSACTIONAL, PARTITIONED (128 partitions, 0 backups), FULL_SYNC",
                ignite.version(), walSegments, walSegmentBytes >> 20, EmbeddedIgniteStore.WAL_RECORD_BUFFER_BYTES >> 20, regionMaxBytes >> 20);
    }

    @Override
    public void close() {
        Ignition.stop(ignite.name(), false);
    }
}
