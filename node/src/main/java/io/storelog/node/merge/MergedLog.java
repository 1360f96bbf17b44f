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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's merged log: the durable segmented log plus the (origin, seq) index, the version vector
 * and the state fold kept in step with it. Own entries get the next seq of this incarnation and a
 * clock stamp under one lock, and are folded into state only once durable, before anyone is told.
 */
public final class MergedLog implements AutoCloseable {
    /** Builds the body of an own entry; called under the append lock with the seq it will get. */
    @FunctionalInterface
    public interface EntryFactory {
        Entry.Builder build(long seq, HlcStamp stamp);
    }

    /** An own entry that is durable and folded. */
    public record Appended(Entry entry, long position) {
    }

    private final String nodeName;
    private volatile String origin;
    private final StoreState state;
    private final HybridLogicalClock clock;
    private final EntryIndex index = new EntryIndex();
    private final Object appendLock = new Object();
    private final List<Runnable> failureListeners = new CopyOnWriteArrayList<>();
    private final Timer appendLatency;
    private SegmentedLog log;
    private long nextOwnSeq;
    private volatile boolean ready;

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
            java.util.function.Function<RecoveryReport, String> chooseOrigin) {
        log = SegmentedLog.open(storage, options, meters, new Listener());
        origin = chooseOrigin.apply(log.recoveryReport());
        log.replay((idx, position, bytes) -> fold(parse(bytes, position), position));
        nextOwnSeq = index.highest(origin) + 1;
        ready = true;
        return log.recoveryReport();
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
            written = log.append(entry.toByteArray());
            if (written.isCompletedExceptionally()) {
                // Refused at once (log repairing after a failed write, or closed): the seq was not
                // used, so it is handed out again, and reservations made for it are dropped.
                failureListeners.forEach(Runnable::run);
            } else {
                nextOwnSeq = seq + 1;
            }
        }
        return written.thenApply(rec -> {
            appendLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            return new Appended(entry, rec.position());
        });
    }

    /** Runs under the append lock whenever own appends failed: reservations above the durable own seq are void. */
    public void onWriteFailure(Runnable listener) {
        failureListeners.add(listener);
    }

    /** Highest seq of this incarnation that is durable and folded. */
    public long ownDurableSeq() {
        return index.highest(origin);
    }

    /** Reads a stored entry by its log position. */
    public Entry read(long position) {
        return parse(log.read(position), position);
    }

    /** Reads (origin, seq) if held. */
    public java.util.Optional<Entry> read(String entryOrigin, long seq) {
        long p = index.position(entryOrigin, seq);
        return p < 0 ? java.util.Optional.empty() : java.util.Optional.of(read(p));
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

    private void fold(Entry e, long position) {
        index.add(e.getOrigin(), e.getSeq(), position);
        state.apply(e, position);
        clock.seed(e.getHlc());
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
        ready = false;
        if (log != null) {
            log.close();
        }
    }

    /** Folds each durable batch on the writer thread, in log order, before the appenders hear of it. */
    private final class Listener implements DurableListener {
        @Override
        public void onDurable(List<AppendedRecord> batch) {
            for (AppendedRecord r : batch) {
                fold(parse(r.bytes(), r.position()), r.position());
            }
        }

        @Override
        public void onFailed(long lastDurableIndex, StoreLogException cause) {
            synchronized (appendLock) {
                nextOwnSeq = index.highest(origin) + 1;
                failureListeners.forEach(Runnable::run);
            }
        }
    }
}
