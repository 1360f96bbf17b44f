package io.storelog.node.log;

import io.micrometer.core.instrument.MeterRegistry;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable log: opaque records in segment files, acknowledged only after fsync.
 *
 * <p>{@link #open} recovers the files first (see {@link LogRecovery}); appends are group-committed by
 * one writer thread (see {@link LogWriter}); the byte layout is in {@link SegmentFormat}.
 *
 * <p>Futures complete on the writer thread, after {@link DurableListener#onDurable}: work chained on
 * them without an executor runs there too and delays every later append, so keep it short.
 */
public final class SegmentedLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);

    private final LogStorage storage;
    private final LogOptions options;
    private final LogMetrics metrics;
    private final RecoveryReport report;
    private final LogWriter writer;
    private volatile boolean closed;

    private SegmentedLog(LogStorage storage, LogOptions options, LogMetrics metrics, RecoveryReport report,
                         LogWriter writer) {
        this.storage = storage;
        this.options = options;
        this.metrics = metrics;
        this.report = report;
        this.writer = writer;
    }

    /**
     * Recovers the log in {@code storage} and starts its writer thread.
     *
     * @throws StoreLogException CORRUPT_LOG if acknowledged data is damaged (nothing is changed then),
     *                           IO_ERROR or DISK_FULL if the files cannot be read or repaired
     */
    public static SegmentedLog open(LogStorage storage, LogOptions options, MeterRegistry meters,
                                    DurableListener listener) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(options, "options");
        LogMetrics metrics = new LogMetrics(Objects.requireNonNull(meters, "meters"));
        LogRecovery.Result recovered;
        try {
            recovered = LogRecovery.recover(storage);
        } catch (StoreLogException e) {
            metrics.error(e.code());
            throw e;
        }
        RecoveryReport report = recovered.report();
        LOG.info("log in {} recovered: {} records in {} segments in {} ms{}", storage, report.records(),
                report.segments(), report.took().toMillis(), report.truncated()
                        ? "; cut " + report.truncatedBytes() + " bytes from " + report.truncatedSegment()
                        + " at offset " + report.truncatedAtOffset() + ", copy in " + report.tornCopy()
                        : "");
        LogWriter writer = new LogWriter(storage, options, metrics,
                listener == null ? DurableListener.none() : listener, recovered.segments());
        writer.start();
        return new SegmentedLog(storage, options, metrics, report, writer);
    }

    /** What recovery found and repaired when this log was opened. */
    public RecoveryReport recoveryReport() {
        return report;
    }

    /**
     * Appends one record; the future completes once it is durable, or fails with DISK_FULL or IO_ERROR
     * (or BAD_REQUEST at once for an empty or oversized record). The log takes the array as it is (no
     * copy: bills are appended at thousands a second) and hands the same array back in the
     * {@link AppendedRecord}; the caller must not change it afterwards.
     */
    public CompletableFuture<AppendedRecord> append(byte[] record) {
        String problem = problem(record);
        if (problem != null) {
            return rejected(problem);
        }
        CompletableFuture<AppendedRecord> future = new CompletableFuture<>();
        writer.enqueue(LogWriter.Pending.single(record, future));
        return future;
    }

    /**
     * Appends records as one group: they get consecutive indexes, land in one segment and become durable
     * (or fail) together. A group larger than the batch limits is written as a batch of its own. As with
     * {@link #append}, the arrays are taken as they are and must not change afterwards.
     */
    public CompletableFuture<List<AppendedRecord>> appendAll(List<byte[]> records) {
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<byte[]> copies = new ArrayList<>(records.size());
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] record = records.get(i);
            String problem = problem(record);
            if (problem != null) {
                return rejected("record " + i + " of the group: " + problem);
            }
            copies.add(record);
            bytes += SegmentFormat.frameBytes(record.length);
        }
        if (bytes > SegmentFormat.MAX_RECORD_BYTES) {
            // The writer frames a group into one buffer; beyond this the group would not fit one.
            return rejected("a group of " + records.size() + " records takes " + bytes + " bytes framed, more than "
                    + SegmentFormat.MAX_RECORD_BYTES);
        }
        CompletableFuture<List<AppendedRecord>> future = new CompletableFuture<>();
        writer.enqueue(LogWriter.Pending.group(List.copyOf(copies), future));
        return future;
    }

    /**
     * Reads the record at a position handed out by append or replay.
     *
     * @throws StoreLogException NOT_FOUND if no durable record is there, CORRUPT_LOG if its CRC fails
     */
    public byte[] read(long position) {
        return read(position, null);
    }

    /**
     * The same, served from {@code ahead}'s window of the segment when it holds the record, else reading a
     * new window there first: a run of records read in log order costs one read per window instead of two
     * per record. The CRC is checked either way.
     */
    public byte[] read(long position, ReadAhead ahead) {
        ensureOpen();
        List<Segment> segments = writer.segments();
        int ordinal = SegmentFormat.ordinal(position);
        long offset = SegmentFormat.offset(position);
        Segment segment = position >= 0 && ordinal < segments.size() ? segments.get(ordinal) : null;
        long limit = segment == null ? 0 : segment.durableSize();
        if (segment != null && segment.archived()) {
            throw new StoreLogException(ErrorCode.ARCHIVED, "log record at position " + position
                    + " was archived (headquarters holds it)");
        }
        if (segment == null || offset < SegmentFormat.HEADER_BYTES
                || offset + SegmentFormat.RECORD_OVERHEAD > limit) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "no durable log record at position " + position);
        }
        try {
            if (ahead != null && ahead.covers(segment, offset, 4, limit)) {
                int length = ahead.intAt(offset);
                if (length <= 0 || offset + SegmentFormat.frameBytes(length) > limit) {
                    throw corruptAt(segment, offset, "no record starts here (length field " + length + ")");
                }
                if (ahead.covers(segment, offset, SegmentFormat.frameBytes(length), limit)) {
                    int at = ahead.indexOf(offset);
                    if (ahead.intAt(offset + 4 + length) != SegmentFormat.recordCrc(ahead.crc, ahead.bytes, at, length)) {
                        throw corruptAt(segment, offset, "CRC mismatch");
                    }
                    return Arrays.copyOfRange(ahead.bytes, at + 4, at + 4 + length);
                }
            }
            ByteBuffer lengthField = ByteBuffer.allocate(4);
            readFully(segment.file, lengthField, offset);
            int length = lengthField.getInt(0);
            if (length <= 0 || offset + SegmentFormat.frameBytes(length) > limit) {
                throw corruptAt(segment, offset, "no record starts here (length field " + length + ")");
            }
            byte[] frame = new byte[(int) SegmentFormat.frameBytes(length)];
            readFully(segment.file, ByteBuffer.wrap(frame), offset);
            int stored = ByteBuffer.wrap(frame).getInt(4 + length);
            if (stored != SegmentFormat.recordCrc(new CRC32C(), frame, 0, length)) {
                throw corruptAt(segment, offset, "CRC mismatch");
            }
            return Arrays.copyOfRange(frame, 4, 4 + length);
        } catch (IOException e) {
            throw ioFailure(e, "read log segment", describe(storage, segment.name()));
        }
    }

    /**
     * A window of one segment's durable bytes for {@link #read(long, ReadAhead)}; one per reading thread (it
     * is not thread-safe). Durable bytes never change, so what the window holds stays true.
     */
    public static final class ReadAhead {
        private final byte[] bytes;
        private final CRC32C crc = new CRC32C();
        private Segment segment;
        private long start;
        private int length;

        /** A window of 256 KiB. */
        public ReadAhead() {
            this(256 * 1024);
        }

        ReadAhead(int windowBytes) {
            this.bytes = new byte[windowBytes];
        }

        /** Whether the window holds {@code need} bytes at {@code offset} of {@code s}, reading them there if it can. */
        private boolean covers(Segment s, long offset, long need, long limit) throws IOException {
            if (s == segment && offset >= start && offset + need <= start + length) {
                return true;
            }
            if (need > bytes.length) {
                return false;
            }
            int n = (int) Math.min(bytes.length, limit - offset);
            segment = null;
            readFully(s.file, ByteBuffer.wrap(bytes, 0, n), offset);
            segment = s;
            start = offset;
            length = n;
            return true;
        }

        private int indexOf(long offset) {
            return (int) (offset - start);
        }

        private int intAt(long offset) {
            return ByteBuffer.wrap(bytes).getInt(indexOf(offset));
        }
    }

    /**
     * Streams every durable record in index order from disk, checking each CRC; memory use does not
     * grow with the log. Records that become durable while replay runs may or may not be visited.
     */
    public void replay(RecordVisitor visitor) {
        replayFrom(1, visitor);
    }

    /** As {@link #replay}, from record {@code fromIndex} on; whole segments before it are not read. */
    public void replayFrom(long fromIndex, RecordVisitor visitor) {
        replayRange(fromIndex, Long.MAX_VALUE, visitor);
    }

    /** As {@link #replay}, records {@code fromIndex..toIndex} only. */
    public void replayRange(long fromIndex, long toIndex, RecordVisitor visitor) {
        ensureOpen();
        for (Segment segment : writer.segments()) {
            if (segment.lastIndex() < fromIndex) {
                continue;
            }
            if (segment.firstIndex > toIndex && !segment.archived()) {
                return;
            }
            if (segment.archived()) {
                throw new StoreLogException(ErrorCode.ARCHIVED, "cannot replay from index " + fromIndex
                        + ": the log was archived through index " + segment.lastIndex());
            }
            long index = segment.firstIndex;
            SegmentScanner scanner = new SegmentScanner(segment.file, SegmentFormat.HEADER_BYTES,
                    segment.durableSize());
            try {
                SegmentScanner.Step step;
                while ((step = scanner.next()) == SegmentScanner.Step.RECORD) {
                    if (index > toIndex) {
                        return;
                    }
                    if (index >= fromIndex) {
                        visitor.visit(index, SegmentFormat.position(segment.ordinal, scanner.recordOffset()),
                                scanner.copyPayload());
                    }
                    index++;
                }
                if (step == SegmentScanner.Step.DAMAGED) {
                    throw corruptAt(segment, scanner.damageOffset(), scanner.damage());
                }
            } catch (IOException e) {
                throw ioFailure(e, "read log segment", describe(storage, segment.name()));
            }
        }
    }

    /**
     * Archives (deletes) every sealed segment whose records all sit at or below {@code index}. The
     * caller must hold a durable fold of them: replay can no longer start before the first kept record.
     * Returns the last archived index.
     */
    public long archiveThrough(long index) {
        ensureOpen();
        try {
            return writer.archiveThrough(index).lastIndex();
        } catch (IOException e) {
            throw ioFailure(e, "archive segments of", String.valueOf(storage));
        }
    }

    /** Ordinal of the first segment not archived: positions in lower ordinals are gone from disk. */
    public int firstKeptOrdinal() {
        return writer.archiveMark().segments();
    }

    /** Index of the last archived record (0: nothing archived); replay starts after it. */
    public long archivedThrough() {
        return writer.archiveMark().lastIndex();
    }

    /**
     * Calls {@code visitor} for each record of every sealed, unarchived segment whose records all sit at
     * or below {@code index}, segment by segment, stopping before a segment the visitor rejects (returns
     * false for one of its records). Returns the last index of the accepted segments (0 if none).
     */
    public long sealedPrefixWhere(long index, java.util.function.Predicate<byte[]> keep) {
        ensureOpen();
        long accepted = 0;
        for (Segment segment : writer.segments()) {
            if (segment.archived()) {
                continue;
            }
            if (!segment.sealed() || segment.lastIndex() > index) {
                break;
            }
            SegmentScanner scanner = new SegmentScanner(segment.file, SegmentFormat.HEADER_BYTES, segment.durableSize());
            try {
                while (scanner.next() == SegmentScanner.Step.RECORD) {
                    if (!keep.test(scanner.copyPayload())) {
                        return accepted;
                    }
                }
            } catch (IOException e) {
                throw ioFailure(e, "read log segment", describe(storage, segment.name()));
            }
            accepted = segment.lastIndex();
        }
        return accepted;
    }

    /** Index of the last durable record; 0 for an empty log. */
    public long lastDurableIndex() {
        return writer.lastDurableIndex();
    }

    /**
     * The error appends are refused with right now: while the log repairs itself after a failed write,
     * or until restart if that repair failed. Empty while appends are taken.
     */
    public Optional<StoreLogException> failure() {
        return Optional.ofNullable(writer.refusal());
    }

    /** The options this log was opened with. */
    public LogOptions options() {
        return options;
    }

    /** Finishes or fails every pending append, then closes the files. Idempotent. */
    @Override
    public void close() {
        closed = true;
        writer.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreLogException(ErrorCode.NOT_READY, "the log in " + storage + " is closed");
        }
    }

    private String problem(byte[] record) {
        if (record == null) {
            return "record is null";
        }
        if (record.length == 0) {
            return "record is empty";
        }
        if (record.length > options.maxRecordBytes()) {
            return "record of " + record.length + " bytes exceeds the limit of " + options.maxRecordBytes() + " bytes";
        }
        return null;
    }

    private <T> CompletableFuture<T> rejected(String problem) {
        metrics.error(ErrorCode.BAD_REQUEST);
        return CompletableFuture.failedFuture(new StoreLogException(ErrorCode.BAD_REQUEST, problem));
    }

    private StoreLogException corruptAt(Segment segment, long offset, String why) {
        metrics.error(ErrorCode.CORRUPT_LOG);
        return new StoreLogException(ErrorCode.CORRUPT_LOG, "log segment " + describe(storage, segment.name())
                + " is damaged at byte offset " + offset + ": " + why);
    }

    /** A file name as messages show it: the storage (a directory path) and the name. */
    static String describe(LogStorage storage, String name) {
        return storage + "/" + name;
    }

    /** Turns an I/O failure into the log's error: DISK_FULL when the disk said ENOSPC, else IO_ERROR. */
    static StoreLogException ioFailure(IOException e, String action, String what) {
        ErrorCode code = ErrorCode.IO_ERROR;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                code = ErrorCode.DISK_FULL;
            }
        }
        return new StoreLogException(code, "cannot " + action + " " + what + ": " + e.getMessage(), e);
    }

    /** Reads until {@code dst} is full; running into the end of the file is an error. */
    static void readFully(StorageFile file, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = file.read(dst, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + at);
            }
            at += n;
        }
    }
}
