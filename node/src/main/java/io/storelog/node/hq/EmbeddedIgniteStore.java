package io.storelog.node.hq;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
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
 *   <li>Under a per-store lock of this JVM (this node is the only writer of its stores' records), classify
 *       the batch exactly as {@link IgniteHqStore#plan} does for a transaction: continuity (first seq at most
 *       held + 1, else refused), repeats compared by SHA-256, quarantine. It is classified against the store's
 *       vector as read, or, while the batch before it is still in flight, against the vector that batch will
 *       leave (see below).</li>
 *   <li>Stream the fresh entries with {@code allowOverwrite(false)} and {@code flush()}: when flush returns,
 *       every entry is in the cache and its WAL data record has been appended (the streamer's isolated
 *       updater calls {@code GridCacheMapEntry.initialValue}, which logs a {@code DataRecord}).</li>
 *   <li>Wait until the batch before it, if one is in flight, has committed; if that one failed, fail too.
 *       Then one small transaction: lock the store's record, check its vector is the one the batch was
 *       classified against (otherwise the batch fails and the leader sends it again), put the quarantine and
 *       the new record (vector advanced, totals), commit. With {@code WALMode.FSYNC} the commit fsyncs the WAL
 *       up to its own record ({@code FsyncFileWriteHandle.fsync}: every record before it is written in
 *       position order, then {@code force()}), so the streamed entries are durable before the vector that
 *       covers them, and the answer goes out only after that commit. Recovery replays the WAL as a prefix,
 *       so no state holds the vector without the entries beneath it.</li>
 * </ol>
 *
 * <p>Several batches of a store may be in flight at once ({@link #PIPELINE_DEPTH}): while one commits, the next,
 * which continues it seq by seq, is classified and streamed. A batch that does not simply continue the one
 * in flight (repeats, a gap) waits for it and is classified against the committed vector, because its
 * repeats must be compared with entries that batch is still writing. A batch never finishes, even failing,
 * before the one ahead of it, since the next batch looks only at the last one checked. A batch that starts above
 * everything held or in flight first waits briefly ({@link #REORDER_WAIT_MILLIS}) for the batch that fills the
 * gap: the leader's batches travel on separate connections and may arrive out of order.
 *
 * <p>A crash or an error between steps 2 and 3 leaves entries <em>above</em> the vector, and a later batch
 * may carry a different copy under the same key (a forked origin), which a non-overwriting streamer would
 * silently skip while the totals counted the new copy. Hence: entries above the vector are not held, and
 * readers skip them ({@link IgniteHqStore#forEachEntry}); and a fresh key that may hold such a leftover is
 * read before it is written, the stored copy then being the one counted (the new copy, if different, is
 * quarantined). Where leftovers may lie is known: a streamed batch has at most {@link #MAX_STREAMED_ENTRIES}
 * entries, all just above the vector of the moment or above the batches in flight before it, and vectors
 * only grow, so after a restart every leftover of an origin lies within {@link #PIPELINE_DEPTH} times that
 * many seqs above the vector first read; after a failure in this process, at most at the highest seq the
 * failed batch streamed ({@code StoreGate}).
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
    /**
     * Batches of one store in flight past their check: one committing while the ones behind it stream. It bounds,
     * with {@link #MAX_STREAMED_ENTRIES}, how far above the vector a crash can have left entries. Three with a
     * leader window of four measured a little better than two with three (docs/hq.md, "Depth").
     */
    static final int PIPELINE_DEPTH = 3;
    /**
     * How long a batch that starts above everything this store holds or has in flight waits for the batch that
     * fills the gap. A leader sends several batches at once over separate connections, and the later one may be
     * checked first; refusing it would make the leader drain its window and start again from the vector.
     */
    static final long REORDER_WAIT_MILLIS = 1_000;
    /**
     * WAL records a writing thread may hold before it must write them to the segment itself
     * ({@code DataStorageConfiguration.setWalThreadLocalBufferSize}; Ignite's default is 128 KiB). In FSYNC
     * mode that write takes the lock a commit holds while it forces the segment, so with the default the
     * streamer's stripes stopped at every commit's fsync; each commit now writes what they hold. Costs at most
     * this much heap per writing thread.
     */
    public static final int WAL_RECORD_BUFFER_BYTES = 8 << 20;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Ignite ignite;
    private final Map<HqCache, IgniteCache<String, byte[]>> caches = new EnumMap<>(HqCache.class);
    private final Tx view = new CacheTx();
    /** Idle streamers; an ingest borrows one, so its flush waits for its own entries only. */
    private final Queue<IgniteDataStreamer<String, byte[]>> streamers = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
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
            streamers.add(newStreamer());
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
                .setWalThreadLocalBufferSize(WAL_RECORD_BUFFER_BYTES)
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
        Plan plan;
        Ticket ticket;
        gate.lock.lock();
        try {
            awaitPredecessor(gate, store, batch);
            Ticket ahead = gate.pending();
            if (batch.size() > MAX_STREAMED_ENTRIES) {
                if (ahead != null) {
                    ahead.settle();
                }
                try {
                    return super.store(store, batch, now);
                } finally {
                    gate.changed.signalAll();
                }
            }
            if (ahead != null) {
                // At most PIPELINE_DEPTH batches in flight past their check: this one goes on once the oldest is done.
                Ticket oldest = ahead;
                int inFlight = 1;
                for (Ticket t = ahead.aheadInFlight(); t != null; t = t.aheadInFlight()) {
                    oldest = t;
                    inFlight++;
                }
                if (inFlight >= PIPELINE_DEPTH) {
                    oldest.settle();
                }
            }
            if (ahead != null && !continues(batch, ahead.vectorAfter)) {
                // Repeats or a gap need what the batch ahead writes: check against the vector it leaves, once it left it.
                ahead.settle();
                ahead = null;
            }
            Map<String, Long> vector;
            if (ahead == null) {
                byte[] record = read(HqCache.STORES, store);
                gate.opened(record);
                vector = Codec.storeRecord(record).vector();
            } else {
                vector = ahead.vectorAfter;
            }
            plan = plan(store, vector, batch, now, new HashMap<>(), gate, keys -> readAll(HqCache.ENTRIES, keys));
            if (plan.refusal != null) {
                return plan.refusal;
            }
            ticket = new Ticket(plan.held, ahead);
            gate.tail = ticket;
            gate.changed.signalAll();
        } finally {
            gate.lock.unlock();
        }
        boolean committed = false;
        try {
            stream(plan.writes);
            afterStreaming.run();
            ticket.awaitAhead(store);
            Plan checked = plan;
            IngestResult r = transaction(tx -> {
                // The vector must be the one the batch was checked against: never advance past unchecked work.
                Codec.StoreRecord held = Codec.storeRecord(tx.get(HqCache.STORES, store));
                if (!held.vector().equals(checked.before)) {
                    throw new HqStorageException("store " + store + ": its record changed while a batch was being stored; "
                            + "the batch is not applied and may be sent again", null);
                }
                return finish(tx, store, checked, held, now);
            });
            committed = true;
            return r;
        } finally {
            if (!committed) {
                gate.failed(plan.top);
            }
            // Never finish before the batch ahead: the next batch looks only at the last one checked.
            ticket.awaitAheadFinished();
            ticket.done(committed);
            gate.signal();
        }
    }

    /**
     * With the store's lock held, waits (lock released) while {@code batch} starts above what the store holds and
     * what the batches in flight will leave, until another batch is checked or finishes, at most
     * {@link #REORDER_WAIT_MILLIS} in all. A gap still there after that is refused by the check as before.
     */
    private void awaitPredecessor(StoreGate gate, String store, List<CheckedEntry> batch) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REORDER_WAIT_MILLIS);
        while (true) {
            Ticket ahead = gate.pending();
            Map<String, Long> latest = ahead != null ? ahead.vectorAfter : Codec.storeRecord(read(HqCache.STORES, store)).vector();
            long left = deadline - System.nanoTime();
            if (!startsAbove(batch, latest) || left <= 0) {
                return;
            }
            try {
                gate.changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether some origin's first entry in {@code batch} lies more than one seq above {@code vector}. */
    private static boolean startsAbove(List<CheckedEntry> batch, Map<String, Long> vector) {
        Set<String> seen = new HashSet<>();
        String last = null;
        for (CheckedEntry c : batch) {
            // Leaders send each origin's entries together: look up an origin once per run of it.
            if (!c.hasId() || c.origin().equals(last)) {
                continue;
            }
            last = c.origin();
            if (seen.add(last) && c.seq() > vector.getOrDefault(last, 0L) + 1) {
                return true;
            }
        }
        return false;
    }

    /** Whether every entry with an id continues its origin just above {@code vector}, in order: no repeat, no gap. */
    private static boolean continues(List<CheckedEntry> batch, Map<String, Long> vector) {
        Map<String, Long> reached = new HashMap<>();
        String origin = null;
        long seq = 0;
        for (CheckedEntry c : batch) {
            if (!c.hasId()) {
                continue;
            }
            // Leaders send each origin's entries together: maps are touched once per run of an origin.
            if (!c.origin().equals(origin)) {
                if (origin != null) {
                    reached.put(origin, seq);
                }
                origin = c.origin();
                Long before = reached.get(origin);
                seq = before != null ? before : vector.getOrDefault(origin, 0L);
            }
            if (c.seq() != seq + 1) {
                return false;
            }
            seq = c.seq();
        }
        return true;
    }

    /**
     * Writes fresh entries through a data streamer, which never overwrites, and returns once Ignite has applied
     * every one of them. Streamers are kept and reused (one per batch costs more than its writes), but each
     * ingest has one to itself: {@code flush()} waits for everything its streamer holds, so two batches
     * streaming at once through one streamer would each wait for the other.
     */
    private void stream(Map<String, byte[]> writes) {
        if (writes.isEmpty()) {
            return;
        }
        IgniteDataStreamer<String, byte[]> streamer = streamers.poll();
        boolean applied = false;
        try {
            if (streamer == null) {
                streamer = newStreamer();
            }
            IgniteFuture<?> done = streamer.addData(writes);
            streamer.flush();
            done.get();
            applied = true;
        } catch (IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        } finally {
            if (applied) {
                streamers.add(streamer);
                if (closed) {
                    closeQuietly(streamers.poll(), false);
                }
            } else {
                // Cancelled, not flushed again: what it still holds belongs to a batch that has failed.
                closeQuietly(streamer, true);
            }
        }
    }

    private IgniteDataStreamer<String, byte[]> newStreamer() {
        IgniteDataStreamer<String, byte[]> s = ignite.dataStreamer(HqCache.ENTRIES.cacheName);
        s.allowOverwrite(false);
        return s;
    }

    private static void closeQuietly(IgniteDataStreamer<String, byte[]> streamer, boolean cancel) {
        if (streamer == null) {
            return;
        }
        try {
            streamer.close(cancel);
        } catch (IgniteException | CacheException | IllegalStateException e) {
            // Nothing is left in it that an ingest waits for (each flushes, or failed); the node goes on or stops either way.
        }
    }

    /** Runs {@code hook} after a batch's entries are streamed and before its transaction (tests: a crash in between). */
    void afterStreaming(Runnable hook) {
        afterStreaming = hook;
    }

    /**
     * One store's ingests in this JVM: the lock under which batches are checked one at a time, the batch
     * checked last while it is in flight, and where entries above the store's vector may have been left by
     * an ingest that streamed and did not commit.
     */
    private static final class StoreGate implements AboveVector {
        final ReentrantLock lock = new ReentrantLock();
        /** Signalled when a batch is checked or finishes: a batch waiting for the one before it looks again. */
        final Condition changed = lock.newCondition();
        /** The batch checked last; the next one is checked against the vector it will leave, while it is in flight. */
        Ticket tail;
        /** The vector when this process first read the store: leftovers of an earlier process lie within reach of it. */
        private Map<String, Long> openedAt;
        /** Per origin, the highest seq an ingest of this process streamed and did not commit. */
        private final Map<String, Long> failedUpTo = new ConcurrentHashMap<>();

        /** Wakes batches waiting for the one before them (see {@link #changed}). */
        void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The batch checked last, if it has not finished. */
        Ticket pending() {
            return tail == null || tail.finished.isDone() ? null : tail;
        }

        void opened(byte[] record) {
            if (openedAt == null) {
                openedAt = new HashMap<>(Codec.storeRecord(record).vector());
            }
        }

        /** Called before the failed batch's ticket finishes, so whoever sees it finished sees this too. */
        void failed(Map<String, Long> top) {
            top.forEach((origin, seq) -> failedUpTo.merge(origin, seq, Math::max));
        }

        @Override
        public boolean mayHold(String origin, long seq) {
            return seq <= openedAt.getOrDefault(origin, 0L) + (long) PIPELINE_DEPTH * MAX_STREAMED_ENTRIES
                    || seq <= failedUpTo.getOrDefault(origin, 0L);
        }
    }

    /**
     * A checked batch until its transaction commits or it fails. The batch checked after it streams its entries
     * meanwhile and commits only after this one did; if this one fails, so does that one (it was checked
     * against a vector that never came), and the leader sends both again.
     */
    private static final class Ticket {
        final Map<String, Long> vectorAfter;
        final CompletableFuture<Boolean> finished = new CompletableFuture<>();
        /** The batch in flight ahead of this one, until this one has waited for it. */
        volatile Ticket ahead;

        Ticket(Map<String, Long> vectorAfter, Ticket ahead) {
            this.vectorAfter = vectorAfter;
            this.ahead = ahead;
        }

        /** The batch ahead of this one if it is still in flight too, else null. */
        Ticket aheadInFlight() {
            Ticket a = ahead;
            return a != null && !a.finished.isDone() ? a : null;
        }

        /** Waits until the batch ahead, if any, has committed or failed. */
        void awaitAheadFinished() {
            Ticket a = ahead;
            if (a != null) {
                a.settle();
            }
        }

        /** Waits until this batch has committed or failed, whichever. */
        void settle() {
            finished.join();
        }

        /** Waits for the batch ahead; throws if it failed, for this one was checked against what it would leave. */
        void awaitAhead(String store) {
            Ticket a = ahead;
            if (a != null) {
                boolean ok = a.finished.join();
                ahead = null;
                if (!ok) {
                    throw new HqStorageException("store " + store + ": the batch before this one failed, so this one, "
                            + "checked against what that one would leave, is not applied and may be sent again", null);
                }
            }
        }

        void done(boolean committed) {
            ahead = null;
            finished.complete(committed);
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
        closed = true;
        for (IgniteDataStreamer<String, byte[]> s = streamers.poll(); s != null; s = streamers.poll()) {
            closeQuietly(s, false);
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
