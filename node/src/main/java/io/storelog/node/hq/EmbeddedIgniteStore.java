package io.storelog.node.hq;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteDataStreamer;
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
import org.apache.ignite.lang.IgniteFuture;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.transactions.Transaction;
import org.apache.ignite.transactions.TransactionConcurrency;
import org.apache.ignite.transactions.TransactionIsolation;

/**
 * {@link HqStore} on an Ignite server node in this JVM, with native persistence and an fsynced WAL.
 *
 * <p>An ingest here is not one transaction (as through the thin client, which has no data streamer) but
 * three steps, so that the bulk of a batch is written by Ignite's data streamer on its stripe threads:
 * <ol>
 *   <li>Under a per-store lock of this JVM (this node is the only writer of its stores' records), read the
 *       store's record and classify the batch exactly as {@link IgniteHqStore#plan} does for a transaction:
 *       continuity (first seq at most held + 1, else refused), repeats compared by SHA-256, quarantine.</li>
 *   <li>Stream the fresh entries with {@code allowOverwrite(false)} and {@code flush()}: when flush returns,
 *       every entry is in the cache and its WAL data record has been appended (the streamer's isolated
 *       updater calls {@code GridCacheMapEntry.initialValue}, which logs a {@code DataRecord}).</li>
 *   <li>One small transaction: lock the store's record, check it is byte for byte the one read in step 1
 *       (otherwise the batch fails and the leader sends it again), put the quarantine and the new record
 *       (vector advanced, totals), commit. With {@code WALMode.FSYNC} the commit fsyncs the WAL up to its own
 *       record ({@code FsyncFileWriteHandle.fsync}: every record before it is written in position order,
 *       then {@code force()}), so the streamed entries are durable before the vector that covers them, and
 *       the answer goes out only after that commit. Recovery replays the WAL as a prefix, so no state
 *       holds the vector without the entries beneath it.</li>
 * </ol>
 *
 * <p>A crash or an error between steps 2 and 3 leaves entries <em>above</em> the vector, and a later batch
 * may carry a different copy under the same key (a forked origin), which a non-overwriting streamer would
 * silently skip while the totals counted the new copy. Hence: entries above the vector are not held, and
 * readers skip them ({@link IgniteHqStore#forEachEntry}); and a fresh key that may hold such a leftover is
 * read before it is written, the stored copy then being the one counted (the new copy, if different, is
 * quarantined). Where leftovers may lie is known: a streamed batch has at most {@link #MAX_STREAMED_ENTRIES}
 * entries, all just above the vector of the moment, and vectors only grow, so after a restart every
 * leftover of an origin lies within that many seqs above the vector first read; after a failure in this
 * process, at most at the highest seq the failed batch streamed ({@code StoreGate}).
 */
public final class EmbeddedIgniteStore extends IgniteHqStore {
    /** Same name in every HQ data directory, so a restarted node finds its own persistence folder. */
    static final String CONSISTENT_ID = "storelog-hq";
    static final long TX_TIMEOUT_MS = 30_000;
    /**
     * The most entries a batch may hold to be streamed; larger ones take one transaction. It bounds how far
     * above a store's vector an unfinished ingest can have left entries (leaders send 4,000 at most).
     */
    static final int MAX_STREAMED_ENTRIES = 8_192;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Ignite ignite;
    private final Map<HqCache, IgniteCache<String, byte[]>> caches = new EnumMap<>(HqCache.class);
    private final Tx view = new CacheTx();
    private final IgniteDataStreamer<String, byte[]> streamer;
    private final Map<String, StoreGate> gates = new ConcurrentHashMap<>();
    private volatile Runnable afterStreaming = () -> { };

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
            streamer = ignite.dataStreamer(HqCache.ENTRIES.cacheName);
            streamer.allowOverwrite(false);
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

    /**
     * Applies a checked batch by the streamed path; see the class comment for why it is safe. Batches above
     * {@link #MAX_STREAMED_ENTRIES} take the one-transaction path (no stream: nothing can be left behind).
     */
    @Override
    protected IngestResult store(String store, List<CheckedEntry> batch, long now) {
        StoreGate gate = gates.computeIfAbsent(store, s -> new StoreGate());
        gate.lock.lock();
        Plan plan = null;
        boolean applied = false;
        try {
            if (batch.size() > MAX_STREAMED_ENTRIES) {
                IngestResult r = super.store(store, batch, now);
                applied = true;
                return r;
            }
            byte[] record = read(HqCache.STORES, store);
            gate.opened(record);
            plan = plan(store, record, batch, now, new HashMap<>(), gate, keys -> readAll(HqCache.ENTRIES, keys));
            if (plan.refusal != null) {
                applied = true;
                return plan.refusal;
            }
            stream(plan.writes);
            afterStreaming.run();
            Plan checked = plan;
            IngestResult r = transaction(tx -> {
                // The record locked now must be the one the batch was checked against: never advance past unchecked work.
                if (!Arrays.equals(tx.get(HqCache.STORES, store), record)) {
                    throw new HqStorageException("store " + store + ": its record changed while a batch was being stored; "
                            + "the batch is not applied and may be sent again", null);
                }
                return finish(tx, store, checked, now);
            });
            applied = true;
            return r;
        } finally {
            if (!applied && plan != null) {
                gate.failed(plan.top);
            }
            gate.lock.unlock();
        }
    }

    /**
     * Writes fresh entries through the node's data streamer, which never overwrites, and returns once Ignite
     * has applied every one of them. The streamer is shared by all stores' ingests (one per batch costs more
     * than its writes); each waits for the future of its own entries, so a failure is reported to the
     * batch it belongs to.
     */
    private void stream(Map<String, byte[]> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            IgniteFuture<?> applied = streamer.addData(writes);
            streamer.flush();
            applied.get();
        } catch (IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    /** Runs {@code hook} after a batch's entries are streamed and before its transaction (tests: a crash in between). */
    void afterStreaming(Runnable hook) {
        afterStreaming = hook;
    }

    /**
     * One store's ingests in this JVM: the lock that applies them one at a time, and where entries above the
     * store's vector may have been left by an ingest that streamed and did not commit.
     */
    private static final class StoreGate implements AboveVector {
        final ReentrantLock lock = new ReentrantLock();
        /** The vector when this process first read the store: leftovers of an earlier process lie within reach of it. */
        private Map<String, Long> openedAt;
        /** Per origin, the highest seq an ingest of this process streamed and did not commit. */
        private final Map<String, Long> failedUpTo = new HashMap<>();

        void opened(byte[] record) {
            if (openedAt == null) {
                openedAt = new HashMap<>(Codec.storeRecord(record).vector());
            }
        }

        void failed(Map<String, Long> top) {
            top.forEach((origin, seq) -> failedUpTo.merge(origin, seq, Math::max));
        }

        @Override
        public boolean mayHold(String origin, long seq) {
            return seq <= openedAt.getOrDefault(origin, 0L) + MAX_STREAMED_ENTRIES || seq <= failedUpTo.getOrDefault(origin, 0L);
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
        try {
            streamer.close();
        } catch (IgniteException | CacheException | IllegalStateException e) {
            // Nothing is left in it (every ingest flushes); the node stops either way.
        }
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
