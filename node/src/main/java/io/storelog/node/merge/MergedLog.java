package io.storelog.node.merge;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.node.log.AppendedRecord;
import io.storelog.node.log.DurableListener;
import io.storelog.node.log.LogOptions;
import io.storelog.node.log.LogStorage;
import io.storelog.node.log.RecoveryReport;
import io.storelog.node.log.SegmentedLog;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The node's merged log: the durable segmented log plus the (origin, seq) index, the version vector
 * and the state fold kept in step with it. Own entries get the next seq of this incarnation and a
 * clock stamp under one lock, and are folded into state only once durable, before anyone is told.
 */
public final class MergedLog implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MergedLog.class);
    /** Builds the body of an own entry; called under the append lock with the seq it will get. */
    @FunctionalInterface
    public interface EntryFactory {
        Entry.Builder build(long seq, HlcStamp stamp);
    }

    /** An own entry that is durable and folded. */
    public record Appended(Entry entry, long position) {
    }

    /** An entry (own or relayed) that just became durable, with the exact bytes stored. */
    public record Durable(String origin, long seq, long position, byte[] bytes) {
    }

    /** What became of entries offered by a peer. */
    public record Offer(int accepted, int duplicates, List<Gap> gaps, List<Conflict> conflicts,
            CompletableFuture<Void> durable) {
    }

    /** Entries of {@code origin} from {@code fromSeq} are missing here; ask for them again. */
    public record Gap(String origin, long fromSeq) {
    }

    /** Two different entries under one id: SHA-256 of the copy held here and of the other copy. */
    public record Conflict(String origin, long seq, byte[] heldSha256, byte[] otherSha256) {
        /** SHA-256 of an entry's bytes. */
        public static byte[] sha256(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final String nodeName;
    private volatile String origin;
    private final StoreState state;
    private final HybridLogicalClock clock;
    private final EntryIndex index = new EntryIndex();
    private final Object appendLock = new Object();
    private final List<LongConsumer> failureListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<Durable>>> durableListeners = new CopyOnWriteArrayList<>();
    /** Guarded by appendLock: highest seq per origin queued for the writer, durable or not. */
    private final Map<String, Long> queuedHighest = new HashMap<>();
    /** Guarded by appendLock: entries queued (own, and relayed ones already parsed), keyed by the very byte array handed to the log. */
    private final IdentityHashMap<byte[], Entry> ownInFlight = new IdentityHashMap<>();
    /** Guarded by appendLock: remote entries queued but not yet durable, for comparing repeats. */
    private final Map<String, byte[]> queuedRemote = new HashMap<>();
    private final Timer appendLatency;
    private SegmentedLog log;
    private final ExecutorService completions = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "storelog-append-done");
        t.setDaemon(true);
        return t;
    });
    private long nextOwnSeq;
    private volatile boolean ready;
    private boolean refoldAfterRecovery;
    private Path snapshotFile;
    private long snapshotIndex;
    private long replayedOnOpen;
    /** A snapshot is also taken every this many folded entries, so a crash replays at most this tail. */
    static final long SNAPSHOT_EVERY = 250_000;
    private long lastSnapshotIndex;
    private final AtomicBoolean snapshotting = new AtomicBoolean();
    private long lastFoldedIndex;
    private long lastFoldedPosition;
    private byte[] lastFoldedBytes;
    private final AtomicLong driftAlerts = new AtomicLong();
    /** One archiving or base install at a time. */
    private final Object archiveLock = new Object();
    /** The fold of the archived prefix, kept beside the rolling snapshot. */
    static final String BASE_FILE = "base.bin";
    /** Present once this node took a peer's base: its log alone can no longer rebuild the fold. */
    static final String BASE_REQUIRED_FILE = "base.required";
    /** Whether this node took a peer's base (the marker file exists): read at open, set when taking one. */
    private volatile boolean holdsPeerBase;
    private final AtomicLong foreignOwn = new AtomicLong();

    /** A merged log of node {@code nodeName}, folding into {@code state}. */
    public MergedLog(String nodeName, StoreState state, HybridLogicalClock clock, MeterRegistry meters) {
        this.nodeName = nodeName;
        this.state = state;
        this.clock = clock;
        this.appendLatency = Timer.builder("storelog.append.latency")
                .description("own entry: submit to durable and folded")
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(meters);
        meters.gauge("storelog.entries", index, EntryIndex::entries);
    }

    /**
     * Opens the log: recovery (torn tail truncated), then every record is indexed and folded and the
     * clock moved past every stamp. {@code chooseOrigin} picks this run's incarnation once recovery
     * has said whether it truncated anything. Nothing is appended or served before this returns.
     */
    public RecoveryReport open(LogStorage storage, LogOptions options, MeterRegistry meters,
            Function<RecoveryReport, String> chooseOrigin) {
        return open(storage, options, meters, chooseOrigin, null);
    }

    /**
     * As above, starting from the snapshot in {@code snapshotDir} when it is valid for this log (then
     * only the tail after it is replayed), and writing a fresh one there when the log is closed.
     */
    public RecoveryReport open(LogStorage storage, LogOptions options, MeterRegistry meters,
            Function<RecoveryReport, String> chooseOrigin, Path snapshotDir) {
        log = SegmentedLog.open(storage, options, meters, new Listener());
        origin = chooseOrigin.apply(log.recoveryReport());
        this.snapshotFile = snapshotDir == null ? null : snapshotDir.resolve(StateSnapshot.FILE);
        long loaded = loadSnapshot(snapshotFile);
        if (loaded < 0 && snapshotDir != null) {
            loaded = loadSnapshot(snapshotDir.resolve(BASE_FILE));
        }
        snapshotIndex = Math.max(0, loaded);
        // Archived segments, or a peer's base taken: the log alone cannot rebuild the fold any more.
        long peerBaseAt = baseRequired(snapshotDir);
        holdsPeerBase = peerBaseAt >= 0;
        long required = Math.max(log.archivedThrough() > 0 ? log.archivedThrough() : -1, peerBaseAt);
        if (required >= 0 && loaded < required) {
            throw new StoreLogException(ErrorCode.CORRUPT_LOG, "the log before index " + (required + 1)
                    + " was archived or came in a peer's snapshot, and neither " + StateSnapshot.FILE + " nor " + BASE_FILE
                    + " in " + snapshotDir + " is usable to stand in for it; move the data directory away and start the"
                    + " node again: it comes back as a new incarnation from a peer's snapshot");
        }
        lastSnapshotIndex = snapshotIndex;
        long before = index.entries();
        log.replayFrom(snapshotIndex + 1, (idx, position, bytes) -> fold(parse(bytes, position), position, idx, bytes));
        replayedOnOpen = index.entries() - before;
        if (refoldAfterRecovery) {
            // Evidence met late in the log froze entries folded before it: fold again from the start.
            refold(null, Long.MAX_VALUE);
        }
        nextOwnSeq = index.highest(origin) + 1;
        ready = true;
        return log.recoveryReport();
    }

    /** Entries handed to the log and not yet folded (0 when idle: nothing is retained after its fold). */
    int inFlight() {
        synchronized (appendLock) {
            return ownInFlight.size();
        }
    }

    /** The log index the start-up snapshot covered (0: none used). */
    public long snapshotIndex() {
        return snapshotIndex;
    }

    /** Entries replayed from the log at start (those after the snapshot). */
    public long replayedOnOpen() {
        return replayedOnOpen;
    }

    /** Whether recovery is complete and appends are taken. */
    public boolean ready() {
        return ready;
    }

    /**
     * Appends an own entry. The future completes once the entry is fsynced and folded into state;
     * it fails with DISK_FULL or IO_ERROR when the write fails, in which case nothing was applied.
     */
    public CompletableFuture<Appended> appendOwn(EntryFactory factory) {
        if (!ready) {
            return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.NOT_READY, "node is still recovering its log"));
        }
        long started = System.nanoTime();
        CompletableFuture<AppendedRecord> written;
        Entry entry;
        synchronized (appendLock) {
            long seq = nextOwnSeq;
            HlcStamp stamp = clock.tick();
            entry = factory.build(seq, stamp)
                    .setOrigin(origin).setSeq(seq).setHlc(stamp).setNode(nodeName)
                    .build();
            byte[] bytes = entry.toByteArray();
            // Registered before the append: the writer may fold it before append() even returns.
            ownInFlight.put(bytes, entry);
            written = log.append(bytes);
            if (written.isCompletedExceptionally()) {
                ownInFlight.remove(bytes);
                // Refused at once (an oversized entry, or the log repairing after a failed write, or
                // closed): this seq was not used and is handed out again; only reservations made for
                // it (the newest) are void, earlier appends in flight keep theirs.
                failureListeners.forEach(l -> l.accept(seq));
            } else {
                nextOwnSeq = seq + 1;
                queuedHighest.put(origin, seq);
            }
        }
        // Hop off the log writer thread: whatever callers chain on (rendering, replies, replica waits)
        // must not delay the next group commit.
        return written.thenApplyAsync(rec -> {
            appendLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return new Appended(entry, rec.position());
        }, completions);
    }

    /**
     * Offers entries a peer sent, each the exact bytes its origin wrote. An entry that continues its
     * origin is queued for the writer; one already held is compared byte for byte (a difference is a
     * conflict, returned as evidence); one ahead of a gap is dropped and the gap returned, so every
     * origin stays a contiguous prefix and nothing waits in memory. Never call on an event loop: a
     * repeat is compared against the copy on disk.
     */
    public Offer offer(List<byte[]> entries) {
        if (!ready) {
            throw new StoreLogException(ErrorCode.NOT_READY, "node is still recovering its log");
        }
        List<byte[]> accepted = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>();
        Set<String> gapped = new HashSet<>();
        int duplicates = 0;
        CompletableFuture<Void> durable;
        // Parse everything first: a batch with one bad entry is refused whole, nothing queued.
        List<Entry> parsed = new ArrayList<>(entries.size());
        for (byte[] bytes : entries) {
            parsed.add(parseRemote(bytes));
        }
        synchronized (appendLock) {
            for (int i = 0; i < entries.size(); i++) {
                byte[] bytes = entries.get(i);
                Entry e = parsed.get(i);
                String o = e.getOrigin();
                long seq = e.getSeq();
                long held = queuedHighest.getOrDefault(o, index.highest(o));
                if (seq <= held) {
                    duplicates++;
                    byte[] mine = heldBytes(o, seq);
                    if (mine != null && !Arrays.equals(mine, bytes)) {
                        conflicts.add(new Conflict(o, seq, Conflict.sha256(mine), Conflict.sha256(bytes)));
                    }
                } else if (o.equals(origin)) {
                    // A peer holds entries of this very incarnation that it never wrote: only a
                    // restored or copied data directory does that. Never take them as our own.
                    foreignOwn.incrementAndGet();
                } else if (seq == held + 1 && !gapped.contains(o)) {
                    accepted.add(bytes);
                    // Parsed once here; the fold takes this object instead of parsing the bytes again.
                    ownInFlight.put(bytes, e);
                    queuedHighest.put(o, seq);
                    queuedRemote.put(o + "/" + seq, bytes);
                    if (!clock.observe(e.getHlc())) {
                        driftAlerts.incrementAndGet();
                    }
                } else if (gapped.add(o)) {
                    gaps.add(new Gap(o, held + 1));
                }
            }
            if (accepted.isEmpty()) {
                durable = CompletableFuture.completedFuture(null);
            } else {
                durable = log.appendAll(accepted).thenApply(r -> null);
                if (durable.isCompletedExceptionally()) {
                    // Refused at once (log repairing or closed): nothing was queued, so forget it all
                    // and the peer's resend or the next gossip brings these entries again.
                    for (byte[] b : accepted) {
                        Entry e = ownInFlight.remove(b);
                        queuedRemote.remove(e.getOrigin() + "/" + e.getSeq());
                        queuedHighest.put(e.getOrigin(), Math.min(queuedHighest.get(e.getOrigin()), e.getSeq() - 1));
                    }
                }
            }
        }
        return new Offer(accepted.size(), duplicates, gaps, conflicts, durable);
    }

    /** Alerts raised because a remote stamp was too far ahead of this node's clock. */
    public long driftAlerts() {
        return driftAlerts.get();
    }

    /** Listens to every entry that becomes durable, own or relayed, in log order (called on the writer thread). */
    public void onDurable(Consumer<List<Durable>> listener) {
        durableListeners.add(listener);
    }

    /** Reads the stored bytes of (origin, seq), or null if not held. */
    public byte[] readBytes(String entryOrigin, long seq) {
        return readBytes(entryOrigin, seq, null);
    }

    /** The same through {@code ahead}, for a caller reading many entries in log order (see {@link SegmentedLog#read(long, SegmentedLog.ReadAhead)}). */
    public byte[] readBytes(String entryOrigin, long seq, SegmentedLog.ReadAhead ahead) {
        long p = index.position(entryOrigin, seq);
        if (p < 0) {
            return null;
        }
        try {
            return log.read(p, ahead);
        } catch (StoreLogException e) {
            if (e.code() == ErrorCode.ARCHIVED) {
                return null;
            }
            throw e;
        }
    }

    private byte[] heldBytes(String o, long seq) {
        byte[] queued = queuedRemote.get(o + "/" + seq);
        return queued != null ? queued : readBytes(o, seq);
    }

    private static Entry parseRemote(byte[] bytes) {
        try {
            Entry e = Entry.parseFrom(bytes);
            if (e.getOrigin().isEmpty() || e.getSeq() < 1) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "entry without origin or seq");
            }
            return e;
        } catch (InvalidProtocolBufferException ex) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "peer sent bytes that are not an entry: " + ex.getMessage());
        }
    }

    /**
     * Runs under the append lock whenever own appends failed, with the first seq that failed:
     * reservations made for that seq and any later one are void.
     */
    public void onWriteFailure(LongConsumer listener) {
        failureListeners.add(listener);
    }

    /** Highest seq of this incarnation that is durable and folded. */
    public long ownDurableSeq() {
        return index.highest(origin);
    }

    /** Reads a stored entry by its log position; ARCHIVED when only the fold of it is kept here. */
    public Entry read(long position) {
        if (position == EntryIndex.NOT_ON_DISK) {
            throw new StoreLogException(ErrorCode.ARCHIVED, "this entry came in a peer's snapshot; headquarters holds it");
        }
        return parse(log.read(position), position);
    }

    /** Reads (origin, seq) if held on this disk. */
    public Optional<Entry> read(String entryOrigin, long seq) {
        byte[] b = readBytes(entryOrigin, seq);
        return b == null ? Optional.empty() : Optional.of(parse(b, index.position(entryOrigin, seq)));
    }

    /** What this node holds. */
    public VersionVector versionVector() {
        return index.versionVector();
    }

    /** Entries held. */
    public long entries() {
        return index.entries();
    }

    /** This node's incarnation id. */
    public String origin() {
        return origin;
    }

    private void fold(Entry e, long position, long logIndex, byte[] bytes) {
        index.add(e.getOrigin(), e.getSeq(), position);
        lastFoldedIndex = logIndex;
        lastFoldedPosition = position;
        lastFoldedBytes = bytes;
        if (e.hasConflict() && state.evidenceUnfolds(e.getConflict())) {
            LOG.error("ALERT: origin {} holds two different entries at seq {}; freezing it there",
                    e.getConflict().getOrigin(), e.getConflict().getSeq());
            if (ready && (log.archivedThrough() > 0 || holdsPeerBase)) {
                // The entries before the archive point exist only as their fold: the evidence freezes the
                // origin from here on, and what was folded stays (docs/archival.md).
                LOG.error("ALERT: cannot unfold entries of {} below the archive point; freezing it for what follows",
                        e.getConflict().getOrigin());
                state.apply(e, position);
            } else if (ready) {
                refold(e.getConflict(), logIndex);
            } else {
                state.apply(e, position);
                refoldAfterRecovery = true;
            }
        } else {
            state.apply(e, position);
        }
        clock.seed(e.getHlc());
    }

    /** Rebuilds the state from the log up to {@code upToIndex} with a lowered freeze point. Rare: only on conflicts. */
    private void refold(io.storelog.protocol.ConflictEvidence evidence, long upToIndex) {
        // One state write lock over reset and replay: no reader (API, digest, a cart's retry check) sees a half-built state.
        state.refold(evidence, apply -> log.replay((idx, position, bytes) -> {
            if (idx <= upToIndex) {
                apply.accept(parse(bytes, position), position);
            }
        }));
    }

    /**
     * Loads the snapshot if it is valid for this log; returns the last log index it covers (-1 when
     * there is none or it cannot be used, in which case the whole log is replayed).
     */
    private long loadSnapshot(Path snapshotFile) {
        if (snapshotFile == null || !Files.exists(snapshotFile)) {
            return -1;
        }
        try {
            StateSnapshot.Header h = StateSnapshot.verify(snapshotFile);
            if (h.lastIndex() > log.lastDurableIndex()) {
                LOG.warn("snapshot covers index {} but the log ends at {}; replaying the whole log", h.lastIndex(),
                        log.lastDurableIndex());
                return -1;
            }
            if (h.lastIndex() < log.archivedThrough()) {
                LOG.warn("snapshot {} covers index {}, before the archive point {}", snapshotFile, h.lastIndex(), log.archivedThrough());
                return -1;
            }
            // A base taken exactly at the archive point: its record is gone, its own CRC vouches for it.
            boolean recordArchived = h.lastIndex() == log.archivedThrough();
            if (h.lastIndex() > 0 && !recordArchived && StateSnapshot.crcOf(log.read(h.lastPosition())) != h.lastRecordCrc()) {
                LOG.warn("snapshot was taken after another record {}; replaying the whole log", h.lastIndex());
                return -1;
            }
            StateSnapshot.load(snapshotFile, index, state);
            clock.seed(h.clock());
            lastFoldedIndex = h.lastIndex();
            lastFoldedPosition = h.lastPosition();
            lastFoldedBytes = h.lastIndex() > 0 && !recordArchived ? log.read(h.lastPosition()) : null;
            LOG.info("loaded snapshot at log index {} ({} entries); replaying the tail", h.lastIndex(), index.entries());
            return h.lastIndex();
        } catch (IOException | RuntimeException e) {
            LOG.warn("snapshot {} unusable ({}); replaying the whole log", snapshotFile, e.toString());
            index.clear();
            state.clear();
            return -1;
        }
    }

    /** The log index a peer's base was installed at (-1: never), from the marker file. */
    private static long baseRequired(Path snapshotDir) {
        Path marker = snapshotDir == null ? null : snapshotDir.resolve(BASE_REQUIRED_FILE);
        if (marker == null || !Files.exists(marker)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(marker).strip());
        } catch (IOException | NumberFormatException e) {
            throw new StoreLogException(ErrorCode.CORRUPT_LOG, "cannot read " + marker + ": " + e.getMessage(), e);
        }
    }

    /**
     * Archives the log below what headquarters durably holds: the longest prefix of sealed segments
     * whose every entry is at or below {@code confirmed} and stamped no later than {@code notAfterWallMs}
     * is folded into {@code base.bin} (on top of the previous base) and its files deleted. Skipped while
     * an origin is frozen by a conflict. Returns the last archived index (0 when nothing was archived).
     */
    public long archive(VersionVector confirmed, long notAfterWallMs) {
        synchronized (archiveLock) {
            if (!ready || snapshotFile == null || !state.frozenOrigins().isEmpty()) {
                return 0;
            }
            long done = log.archivedThrough();
            long through = log.sealedPrefixWhere(Long.MAX_VALUE, bytes -> {
                Entry e = parse(bytes, -1);
                return e.getSeq() <= confirmed.get(e.getOrigin()) && e.getHlc().getWallMs() <= notAfterWallMs;
            });
            if (through <= done) {
                return 0;
            }
            Path baseFile = snapshotFile.resolveSibling(BASE_FILE);
            try {
                EntryIndex baseIndex = new EntryIndex();
                StoreState baseState = new StoreState();
                long from = 1;
                if (Files.exists(baseFile)) {
                    StateSnapshot.Header h = StateSnapshot.verify(baseFile);
                    StateSnapshot.load(baseFile, baseIndex, baseState);
                    from = h.lastIndex() + 1;
                }
                long[] last = {0, 0};
                byte[][] lastBytes = {null};
                if (from <= through) {
                    log.replayRange(from, through, (idx, position, bytes) -> {
                        Entry e = parse(bytes, position);
                        baseIndex.add(e.getOrigin(), e.getSeq(), position);
                        baseState.apply(e, position);
                        last[0] = idx;
                        last[1] = position;
                        lastBytes[0] = bytes;
                    });
                    StateSnapshot.write(baseFile, new StateSnapshot.Header(through, last[1], StateSnapshot.crcOf(lastBytes[0]),
                            clock.current()), baseIndex, baseState);
                }
                // The rolling snapshot must cover the archive point too, or the next start could not use it.
                writeSnapshot();
                long archived = log.archiveThrough(through);
                LOG.info("archived the log through index {} (headquarters holds it; {} stands in for it)", archived, BASE_FILE);
                return archived;
            } catch (IOException e) {
                LOG.warn("could not archive the log: {}", e.toString());
                return 0;
            }
        }
    }

    /** Per origin, the seqs this node no longer holds on disk (archived, or taken from a peer's base). */
    public VersionVector notOnDisk() {
        if (log.archivedThrough() == 0 && !holdsPeerBase) {
            // Asked on every vector a peer sends: with nothing archived or taken from a peer, all is on disk.
            return VersionVector.of(Map.of());
        }
        return index.notOnDisk(log.firstKeptOrdinal());
    }

    /** Where a peer's base is gathered while it arrives (null without a snapshot directory). */
    public Path incomingBaseFile() {
        return snapshotFile == null ? null : snapshotFile.resolveSibling("base.incoming");
    }

    /** The base this node may hand a new peer (made by archiving here), or null. */
    public Path baseForPeers() {
        if (snapshotFile == null || log.archivedThrough() == 0 || holdsPeerBase) {
            return null;
        }
        Path base = snapshotFile.resolveSibling(BASE_FILE);
        return Files.exists(base) ? base : null;
    }

    /**
     * Takes a peer's base (the fold of a prefix it archived, which headquarters holds): when it covers
     * entries this node lacks, the state becomes that fold plus this node's own entries beyond it, every
     * seq it covers is held "not on disk", and a snapshot plus a marker make the next start use it.
     * Returns whether it was taken.
     */
    public boolean installBase(Path peerBase) throws IOException {
        synchronized (archiveLock) {
            StateSnapshot.verify(peerBase);
            EntryIndex theirs = new EntryIndex();
            StoreState ignoredState = new StoreState();
            StateSnapshot.load(peerBase, theirs, ignoredState);
            VersionVector covered = theirs.versionVector();
            VersionVector mine = index.versionVector();
            boolean gains = covered.asMap().entrySet().stream().anyMatch(e -> e.getValue() > mine.get(e.getKey()));
            if (!gains || !state.frozenOrigins().isEmpty()) {
                return false;
            }
            synchronized (appendLock) {
                if (!ownInFlight.isEmpty()) {
                    // Entries on their way to disk would no longer follow their origin's seqs: try at the next offer.
                    return false;
                }
                EntryIndex rebuilt = new EntryIndex();
                java.util.List<long[]> extra = new ArrayList<>();
                java.util.List<String> extraOrigins = new ArrayList<>();
                java.util.Set<String> origins = new java.util.TreeSet<>(covered.asMap().keySet());
                origins.addAll(mine.asMap().keySet());
                for (String o : origins) {
                    long upTo = covered.get(o);
                    for (long seq = 1; seq <= upTo; seq++) {
                        rebuilt.add(o, seq, EntryIndex.NOT_ON_DISK);
                    }
                    for (long seq = upTo + 1; seq <= mine.get(o); seq++) {
                        long p = index.position(o, seq);
                        rebuilt.add(o, seq, p);
                        extra.add(new long[] {p});
                        extraOrigins.add(o);
                    }
                }
                try (java.io.DataInputStream in = StateSnapshot.stateOf(peerBase)) {
                    state.rebase(in, apply -> {
                        for (long[] p : extra) {
                            apply.accept(read(p[0]), p[0]);
                        }
                    }, billId -> {
                        int colon = billId.lastIndexOf(':');
                        return rebuilt.position(billId.substring(0, colon), Long.parseLong(billId.substring(colon + 1)));
                    });
                }
                index.replaceWith(rebuilt);
                queuedHighest.clear();
                long required = lastFoldedIndex;
                writeSnapshot(true);
                Files.copy(snapshotFile, snapshotFile.resolveSibling(BASE_FILE + ".tmp"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(snapshotFile.resolveSibling(BASE_FILE + ".tmp"), snapshotFile.resolveSibling(BASE_FILE),
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Path marker = snapshotFile.resolveSibling(BASE_REQUIRED_FILE);
                Files.writeString(marker.resolveSibling(BASE_REQUIRED_FILE + ".tmp"), Long.toString(required));
                Files.move(marker.resolveSibling(BASE_REQUIRED_FILE + ".tmp"), marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(snapshotFile.getParent(),
                        java.nio.file.StandardOpenOption.READ)) {
                    dir.force(true);
                }
                holdsPeerBase = true;
                nextOwnSeq = index.highest(origin) + 1;
                LOG.info("took a peer's base covering {} entries; {} entries of this node folded on top", rebuilt.entries() - extra.size(),
                        extra.size());
                return true;
            }
        }
    }

    /** Writes a snapshot of what is folded; a failure only costs a longer replay at the next start. */
    private void writeSnapshot() {
        if (snapshotFile == null) {
            return;
        }
        try {
            writeSnapshot(false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write snapshot {}: {}", snapshotFile, e.toString());
        }
    }

    /** Writes the snapshot; with {@code evenEmpty} also for a log with no record yet (a till that took a peer's base). */
    private void writeSnapshot(boolean evenEmpty) throws IOException {
        long started = System.nanoTime();
        synchronized (appendLock) {
            if (lastFoldedIndex == 0 && !evenEmpty) {
                return;
            }
            // No bytes: the record it was taken after is archived (or there is none); the loader then trusts the CRC of the file.
            int crc = lastFoldedBytes == null ? 0 : StateSnapshot.crcOf(lastFoldedBytes);
            StateSnapshot.write(snapshotFile, new StateSnapshot.Header(lastFoldedIndex, lastFoldedPosition, crc, clock.current()),
                    index, state);
        }
        LOG.info("wrote snapshot at log index {} in {} ms", lastFoldedIndex, (System.nanoTime() - started) / 1_000_000);
    }

    private static Entry parse(byte[] bytes, long position) {
        try {
            return Entry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreLogException(ErrorCode.CORRUPT_LOG, "log record at position " + position + " is not an entry: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        boolean wasReady = ready;
        ready = false;
        if (log != null) {
            log.close();
            if (wasReady) {
                writeSnapshot();
            }
        }
        completions.shutdown();
    }

    /** Folds each durable batch on the writer thread, in log order, before the appenders hear of it. */
    private final class Listener implements DurableListener {
        @Override
        public void onDurable(List<AppendedRecord> batch) {
            List<Durable> durable = new ArrayList<>(batch.size());
            // Folded under the append lock: entry factories run under it too (bill numbers, refund
            // checks), so none of them ever sees an entry in the index (own durable seq moved past it)
            // but not yet in the state. Without it two bills could get the same number.
            synchronized (appendLock) {
                for (AppendedRecord r : batch) {
                    // Queued entries were built or parsed moments ago: fold the object instead of parsing it back.
                    Entry e = ownInFlight.remove(r.bytes());
                    if (e == null) {
                        e = parse(r.bytes(), r.position());
                    }
                    fold(e, r.position(), r.index(), r.bytes());
                    durable.add(new Durable(e.getOrigin(), e.getSeq(), r.position(), r.bytes()));
                }
                for (Durable d : durable) {
                    queuedRemote.remove(d.origin() + "/" + d.seq());
                }
            }
            if (snapshotFile != null && lastFoldedIndex - lastSnapshotIndex >= SNAPSHOT_EVERY
                    && snapshotting.compareAndSet(false, true)) {
                lastSnapshotIndex = lastFoldedIndex;
                // Off the writer thread; it holds the append lock while it writes, pausing appends briefly.
                completions.execute(() -> {
                    try {
                        writeSnapshot();
                    } finally {
                        snapshotting.set(false);
                    }
                });
            }
            for (Consumer<List<Durable>> l : durableListeners) {
                try {
                    l.accept(durable);
                } catch (RuntimeException ex) {
                    LOG.error("durable-entry listener failed", ex);
                }
            }
        }

        @Override
        public void onFailed(long lastDurableIndex, StoreLogException cause) {
            synchronized (appendLock) {
                nextOwnSeq = index.highest(origin) + 1;
                // Everything queued failed with the batch: the durable index is the truth again.
                queuedHighest.clear();
                queuedRemote.clear();
                ownInFlight.clear();
                long firstFailed = nextOwnSeq;
                failureListeners.forEach(l -> l.accept(firstFailed));
            }
        }
    }
}
