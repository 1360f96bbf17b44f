package io.storelog.node.log;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's single writer thread: group commit of everything queued into one write and one fsync.
 *
 * <p>No linger is needed: while one fsync runs, new appends queue up and form the next batch. Index
 * numbers are handed out when a batch is formed, not when an append is queued, so a failed batch
 * leaves no hole: the next batch continues at {@code lastDurableIndex + 1}.
 *
 * <p>Order of a batch: frame into one buffer, one write, one fsync, then the listener, then the
 * futures in index order. Nothing is acknowledged before the fsync returned.
 */
final class LogWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    static final String THREAD_NAME = "storelog-log-writer";

    private final LogStorage storage;
    private final LogOptions options;
    private final LogMetrics metrics;
    private final DurableListener listener;
    private final Thread thread;
    private final CRC32C crc = new CRC32C();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Guarded by lock. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Guarded by lock: set by close(); the queue is still drained. */
    private boolean closing;
    /** Guarded by lock: while set, appends fail with it (during a repair, or forever after a failed one). */
    private StoreLogException refusal;

    /** Immutable snapshots in index order; replaced by the writer when a segment is added. */
    private volatile List<Segment> segments;
    private volatile long lastDurableIndex;
    /** Serialises changes of {@code segments}: the writer adds segments, archiving replaces old ones. */
    private final Object segmentsMonitor = new Object();
    private volatile SegmentFormat.ArchiveMark archiveMark;
    /** Writer thread only: the in-progress segment, or null until the next append creates one. */
    private Segment active;
    private ByteBuffer buffer;

    LogWriter(LogStorage storage, LogOptions options, LogMetrics metrics, DurableListener listener,
              List<Segment> recovered) {
        this.storage = storage;
        this.options = options;
        this.metrics = metrics;
        this.listener = listener;
        this.segments = List.copyOf(recovered);
        int archived = (int) recovered.stream().filter(Segment::archived).count();
        this.archiveMark = new SegmentFormat.ArchiveMark(archived,
                recovered.stream().filter(Segment::archived).mapToLong(Segment::lastIndex).max().orElse(0L));
        Segment last = recovered.isEmpty() ? null : recovered.get(recovered.size() - 1);
        this.active = last != null && !last.sealed() ? last : null;
        this.lastDurableIndex = last == null ? 0 : last.lastIndex();
        this.buffer = ByteBuffer.allocateDirect((int) Math.min(options.maxBatchBytes(), 1 << 20));
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    List<Segment> segments() {
        return segments;
    }

    /**
     * Archives every sealed segment whose last record is at or below {@code index}: the mark is made
     * durable first, then the segments leave the list (keeping their ordinals) and their files are
     * deleted. Returns the archive mark now in force.
     */
    SegmentFormat.ArchiveMark archiveThrough(long index) throws IOException {
        List<Segment> gone = new ArrayList<>();
        SegmentFormat.ArchiveMark mark;
        synchronized (segmentsMonitor) {
            List<Segment> current = segments;
            int count = 0;
            long last = 0;
            for (Segment s : current) {
                if (s.archived()) {
                    count++;
                    continue;
                }
                if (!s.sealed() || s.lastIndex() > index) {
                    break;
                }
                gone.add(s);
                count++;
                last = s.lastIndex();
            }
            if (gone.isEmpty()) {
                return archiveMark;
            }
            mark = new SegmentFormat.ArchiveMark(count, last);
            String tmp = SegmentFormat.ARCHIVE_MARK + ".tmp";
            try (StorageFile f = storage.open(tmp)) {
                f.truncate(0);
                f.write(SegmentFormat.archiveMark(mark), 0);
                f.force();
            }
            storage.rename(tmp, SegmentFormat.ARCHIVE_MARK);
            storage.syncDirectory();
            List<Segment> next = new ArrayList<>(current);
            for (Segment s : gone) {
                next.set(s.ordinal, Segment.archived(s.ordinal, last));
            }
            segments = Collections.unmodifiableList(next);
            archiveMark = mark;
        }
        for (Segment s : gone) {
            s.file.close();
            storage.delete(s.name());
        }
        storage.syncDirectory();
        LOG.info("archived {} log segments through index {}", gone.size(), mark.lastIndex());
        return mark;
    }

    /** What has been archived so far. */
    SegmentFormat.ArchiveMark archiveMark() {
        return archiveMark;
    }

    long lastDurableIndex() {
        return lastDurableIndex;
    }

    /** The error appends are refused with right now, or null. */
    StoreLogException refusal() {
        lock.lock();
        try {
            return refusal;
        } finally {
            lock.unlock();
        }
    }

    /** Queues an append, or fails it at once if the log is closed or refusing appends. */
    void enqueue(Pending pending) {
        StoreLogException rejected;
        lock.lock();
        try {
            if (closing) {
                rejected = new StoreLogException(ErrorCode.NOT_READY, "the log is closed");
            } else if (refusal != null) {
                rejected = refusal;
            } else {
                queue.addLast(pending);
                wake.signal();
                return;
            }
        } finally {
            lock.unlock();
        }
        metrics.error(rejected.code());
        pending.fail(rejected);
    }

    /** Stops taking appends, lets the writer finish every queued one, and waits until files are closed. */
    void close() {
        lock.lock();
        try {
            closing = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) {
            // Called from a listener on the writer thread itself: it closes the files when it returns.
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            Pending first;
            while ((first = awaitWork()) != null) {
                List<Pending> batch = List.of();
                try {
                    prepareSegment(first.bytes);
                    batch = takeBatch();
                    writeBatch(batch);
                } catch (StoreLogException e) {
                    fail(batch, e);
                } catch (RuntimeException | Error e) {
                    // Even a bug or an out-of-memory must not leave a future hanging: fail and repair.
                    fail(batch, new StoreLogException(ErrorCode.IO_ERROR, "log writer failed on "
                            + (active == null ? "a new segment" : SegmentedLog.describe(storage, active.name()))
                            + ": " + e, e));
                }
            }
        } finally {
            for (Segment s : segments) {
                if (s.archived()) {
                    continue;
                }
                try {
                    s.file.close();
                } catch (IOException e) {
                    LOG.warn("closing log segment {}", s.name(), e);
                }
            }
        }
    }

    /** Waits for an append; returns the first queued one, or null once closing with nothing queued. */
    private Pending awaitWork() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closing) {
                wake.awaitUninterruptibly();
            }
            return queue.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Makes sure an in-progress segment exists with room for the first queued group. */
    private void prepareSegment(long firstGroupBytes) {
        if (active != null && !active.isEmpty() && active.durableSize() + firstGroupBytes > options.segmentBytes()) {
            seal(active);
        }
        if (active == null) {
            openActive(lastDurableIndex + 1);
        }
    }

    /**
     * Renames the full in-progress segment to its sealed name. Every byte in it was forced already, so a
     * sealed segment never holds a torn record; a crash after the rename just leaves no in-progress one.
     */
    private void seal(Segment segment) {
        String sealed = SegmentFormat.sealedName(segment.firstIndex, segment.lastIndex());
        try {
            storage.rename(segment.name(), sealed);
        } catch (IOException e) {
            throw SegmentedLog.ioFailure(e, "seal log segment", SegmentedLog.describe(storage, segment.name()));
        }
        segment.sealedAs(sealed);
        active = null;
        try {
            storage.syncDirectory();
        } catch (IOException e) {
            throw SegmentedLog.ioFailure(e, "sync the directory after sealing",
                    SegmentedLog.describe(storage, sealed));
        }
        LOG.debug("sealed log segment {}", sealed);
    }

    /** Creates the in-progress segment starting at {@code first}; its header is durable before any record. */
    private void openActive(long first) {
        String name = SegmentFormat.inProgressName(first);
        StorageFile file = null;
        try {
            file = storage.open(name);
            // A leftover from an earlier failed attempt at this same segment holds no record: start over.
            file.truncate(0);
            file.write(SegmentFormat.header(first), 0);
            force(file);
            storage.syncDirectory();
        } catch (IOException e) {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw SegmentedLog.ioFailure(e, "create log segment", SegmentedLog.describe(storage, name));
        }
        Segment segment;
        synchronized (segmentsMonitor) {
            List<Segment> current = segments;
            segment = new Segment(current.size(), name, first, file, SegmentFormat.HEADER_BYTES, first - 1, false);
            List<Segment> next = new ArrayList<>(current);
            next.add(segment);
            segments = Collections.unmodifiableList(next);
        }
        active = segment;
        LOG.debug("created log segment {}", name);
    }

    /** Takes queued groups up to the batch limits and the room left in the segment; always at least one. */
    private List<Pending> takeBatch() {
        long room = options.segmentBytes() - active.durableSize();
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        int records = 0;
        lock.lock();
        try {
            Pending next;
            while ((next = queue.peekFirst()) != null) {
                if (!batch.isEmpty() && (records + next.records.size() > options.maxBatchRecords()
                        || bytes + next.bytes > options.maxBatchBytes() || bytes + next.bytes > room)) {
                    break;
                }
                queue.pollFirst();
                batch.add(next);
                bytes += next.bytes;
                records += next.records.size();
            }
        } finally {
            lock.unlock();
        }
        return batch;
    }

    private void writeBatch(List<Pending> batch) {
        Segment segment = active;
        long start = segment.durableSize();
        long bytes = 0;
        int count = 0;
        for (Pending p : batch) {
            bytes += p.bytes;
            count += p.records.size();
        }
        ByteBuffer out = buffer(bytes);
        List<AppendedRecord> appended = new ArrayList<>(count);
        long index = lastDurableIndex + 1;
        for (Pending p : batch) {
            for (byte[] record : p.records) {
                long position = SegmentFormat.position(segment.ordinal, start + out.position());
                SegmentFormat.putRecord(out, record, crc);
                appended.add(new AppendedRecord(index++, position, record));
            }
        }
        out.flip();
        try {
            segment.file.write(out, start);
            force(segment.file);
        } catch (IOException e) {
            throw SegmentedLog.ioFailure(e, "write log segment", SegmentedLog.describe(storage, segment.name()));
        }
        segment.advance(start + bytes, index - 1);
        lastDurableIndex = index - 1;
        metrics.batchRecords.record(count);
        metrics.batchBytes.record(bytes);
        metrics.appends.increment(count);

        List<AppendedRecord> durable = Collections.unmodifiableList(appended);
        try {
            listener.onDurable(durable);
        } catch (RuntimeException e) {
            // The records are durable whatever the listener thinks; its bug must not fail the appends.
            LOG.error("durable listener failed on records {}..{}", durable.get(0).index(), index - 1, e);
        }
        int from = 0;
        for (Pending p : batch) {
            int to = from + p.records.size();
            p.complete(durable.subList(from, to));
            from = to;
        }
    }

    private void force(StorageFile file) throws IOException {
        long started = System.nanoTime();
        try {
            file.force();
        } finally {
            metrics.fsync.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private ByteBuffer buffer(long bytes) {
        if (buffer.capacity() < bytes) {
            long grown = Math.max(bytes, Math.min((long) buffer.capacity() * 2, Integer.MAX_VALUE - 8));
            buffer = ByteBuffer.allocateDirect((int) grown);
        }
        return buffer.clear();
    }

    /**
     * Fails the batch and everything queued, tells the listener, then cuts the segment back to its last
     * durable size. Appends are refused while that runs; if it fails they are refused until restart.
     */
    private void fail(List<Pending> batch, StoreLogException cause) {
        lock.lock();
        try {
            refusal = cause;
        } finally {
            lock.unlock();
        }
        List<Pending> queued = drain();
        LOG.error("log write failed; failing {} appends after index {}", batch.size() + queued.size(),
                lastDurableIndex, cause);
        for (int i = 0; i < batch.size() + queued.size(); i++) {
            metrics.error(cause.code());
        }
        batch.forEach(p -> p.fail(cause));
        queued.forEach(p -> p.fail(cause));
        try {
            listener.onFailed(lastDurableIndex, cause);
        } catch (RuntimeException e) {
            LOG.error("durable listener failed in onFailed", e);
        }
        try {
            if (active != null) {
                active.file.truncate(active.durableSize());
                force(active.file);
            }
            storage.syncDirectory();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.error("could not repair the log after a failed write; refusing appends until restart", e);
            return;
        }
        lock.lock();
        try {
            refusal = null;
        } finally {
            lock.unlock();
        }
        LOG.info("log repaired; appends continue at index {}", lastDurableIndex + 1);
    }

    private List<Pending> drain() {
        lock.lock();
        try {
            List<Pending> all = new ArrayList<>(queue);
            queue.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** One append call waiting for the writer: a single record or an atomic group. */
    static final class Pending {
        final List<byte[]> records;
        final long bytes;
        private final CompletableFuture<AppendedRecord> single;
        private final CompletableFuture<List<AppendedRecord>> group;

        private Pending(List<byte[]> records, CompletableFuture<AppendedRecord> single,
                        CompletableFuture<List<AppendedRecord>> group) {
            this.records = records;
            long total = 0;
            for (byte[] r : records) {
                total += SegmentFormat.frameBytes(r.length);
            }
            this.bytes = total;
            this.single = single;
            this.group = group;
        }

        static Pending single(byte[] record, CompletableFuture<AppendedRecord> future) {
            return new Pending(List.of(record), future, null);
        }

        static Pending group(List<byte[]> records, CompletableFuture<List<AppendedRecord>> future) {
            return new Pending(records, null, future);
        }

        void complete(List<AppendedRecord> appended) {
            if (single != null) {
                single.complete(appended.get(0));
            } else {
                group.complete(List.copyOf(appended));
            }
        }

        void fail(StoreLogException cause) {
            if (single != null) {
                single.completeExceptionally(cause);
            } else {
                group.completeExceptionally(cause);
            }
        }
    }
}
