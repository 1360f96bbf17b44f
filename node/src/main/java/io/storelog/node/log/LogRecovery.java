package io.storelog.node.log;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.log.SegmentFormat.SegmentName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a log directory to a consistent state before anything is appended or read: the one path
 * that decides which bytes on disk are the log.
 *
 * <ol>
 *   <li>Segment names must chain: the first starts at index 1 (or right after the archived ones, as
 *       the {@code archived} mark says; a segment left over from an interrupted archiving is deleted),
 *       each next one starts right after the previous one ends, and only the last may be in progress.</li>
 *   <li>Every record of every segment is read and its CRC checked.</li>
 *   <li>Damage in the in-progress last segment is a write the power cut tore: the bytes from the
 *       first bad record on are copied to {@code <segment>.torn-<offset>}, then cut off.</li>
 *   <li>Damage anywhere else, or a sealed segment whose record count disagrees with its name, was
 *       acknowledged data: recovery stops with {@link ErrorCode#CORRUPT_LOG} naming file and offset.</li>
 * </ol>
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /** The recovered segments in index order, and the report. */
    record Result(List<Segment> segments, RecoveryReport report) {
    }

    private final LogStorage storage;
    private String truncatedSegment;
    private long truncatedAt = -1;
    private long truncatedBytes;
    private String tornCopy;

    private LogRecovery(LogStorage storage) {
        this.storage = storage;
    }

    /** Recovers the log in {@code storage}; on any failure the files it opened are closed. */
    static Result recover(LogStorage storage) {
        long started = System.nanoTime();
        LogRecovery recovery = new LogRecovery(storage);
        List<Segment> segments = new ArrayList<>();
        try {
            recovery.run(segments);
        } catch (IOException e) {
            closeAll(segments);
            throw SegmentedLog.ioFailure(e, "recover the log in", String.valueOf(storage));
        } catch (RuntimeException e) {
            closeAll(segments);
            throw e;
        }
        long records = segments.stream().filter(s -> !s.archived()).mapToLong(s -> s.lastIndex() - s.firstIndex + 1).sum();
        long lastIndex = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastIndex();
        RecoveryReport report = new RecoveryReport(segments.size(), records, lastIndex, recovery.truncatedSegment,
                recovery.truncatedAt, recovery.truncatedBytes, recovery.tornCopy,
                java.time.Duration.ofNanos(System.nanoTime() - started));
        return new Result(segments, report);
    }

    private void run(List<Segment> segments) throws IOException {
        List<SegmentName> names = new ArrayList<>();
        for (String file : storage.list()) {
            SegmentName name = SegmentFormat.parseName(file);
            if (name != null) {
                names.add(name);
            }
        }
        names.sort(Comparator.comparingLong(SegmentName::first));
        SegmentFormat.ArchiveMark mark = readArchiveMark();
        long expectedFirst = mark.lastIndex() + 1;
        for (int i = 0; i < mark.segments(); i++) {
            segments.add(Segment.archived(i, mark.lastIndex()));
        }
        while (!names.isEmpty() && !names.get(0).inProgress() && names.get(0).last() <= mark.lastIndex()) {
            // Archived, but the node stopped before the file was deleted.
            storage.delete(names.remove(0).name());
            storage.syncDirectory();
        }
        for (int i = 0; i < names.size(); i++) {
            SegmentName name = names.get(i);
            boolean last = i == names.size() - 1;
            if (name.inProgress() && !last) {
                throw corrupt(name.name(), 0, "an in-progress segment is followed by " + names.get(i + 1).name());
            }
            if (name.first() != expectedFirst) {
                throw corrupt(name.name(), 0, "segment starts at index " + name.first() + " but the log continues at "
                        + expectedFirst + (name.first() > expectedFirst ? " (records are missing)" : " (segments overlap)"));
            }
            if (!name.inProgress() && name.last() < name.first()) {
                throw corrupt(name.name(), 0, "sealed segment names an empty range");
            }
            Segment segment = recoverSegment(name, segments.size(), last);
            if (segment != null) {
                segments.add(segment);
                expectedFirst = segment.lastIndex() + 1;
            }
        }
    }

    /** The archive mark, or none archived when there is no mark file. */
    private SegmentFormat.ArchiveMark readArchiveMark() throws IOException {
        if (!storage.list().contains(SegmentFormat.ARCHIVE_MARK)) {
            return new SegmentFormat.ArchiveMark(0, 0);
        }
        try (StorageFile f = storage.open(SegmentFormat.ARCHIVE_MARK)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(f.size(), 64));
            SegmentedLog.readFully(f, b, 0);
            return SegmentFormat.parseArchiveMark(b.flip());
        } catch (IllegalArgumentException e) {
            throw corrupt(SegmentFormat.ARCHIVE_MARK, 0, e.getMessage());
        }
    }

    /** Checks one segment; returns null when it was a brand-new segment with a torn header (now removed). */
    private Segment recoverSegment(SegmentName name, int ordinal, boolean last) throws IOException {
        StorageFile file = storage.open(name.name());
        try {
            long size = file.size();
            String headerProblem = headerProblem(file, size, name.first());
            if (headerProblem != null) {
                if (last && name.inProgress() && size <= SegmentFormat.HEADER_BYTES) {
                    // Created, but the power went before its header was forced: no record was ever in it.
                    if (size > 0) {
                        cutTail(name.name(), file, 0, size);
                    }
                    file.close();
                    storage.delete(name.name());
                    storage.syncDirectory();
                    LOG.warn("removed brand-new segment {} with a torn header ({})", name.name(), headerProblem);
                    return null;
                }
                throw corrupt(name.name(), 0, headerProblem);
            }
            SegmentScanner scanner = new SegmentScanner(file, SegmentFormat.HEADER_BYTES, size);
            long count = 0;
            long end;
            SegmentScanner.Step step;
            while ((step = scanner.next()) == SegmentScanner.Step.RECORD) {
                count++;
            }
            if (step == SegmentScanner.Step.DAMAGED) {
                end = scanner.damageOffset();
                if (!(last && name.inProgress())) {
                    throw corrupt(name.name(), end, scanner.damage());
                }
                LOG.warn("segment {}: {} at offset {}; cutting {} bytes off its tail", name.name(), scanner.damage(),
                        end, size - end);
                cutTail(name.name(), file, end, size);
                storage.syncDirectory();
            } else {
                end = size;
            }
            long lastIndex = name.first() + count - 1;
            if (!name.inProgress() && lastIndex != name.last()) {
                throw corrupt(name.name(), end, "sealed segment holds " + count + " records but its name says "
                        + (name.last() - name.first() + 1));
            }
            return new Segment(ordinal, name.name(), name.first(), file, end, lastIndex, !name.inProgress());
        } catch (IOException | RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    /** Why the header is unusable, or null if it is fine and names {@code first}. */
    private static String headerProblem(StorageFile file, long size, long first) throws IOException {
        if (size < SegmentFormat.HEADER_BYTES) {
            return "header is torn: file has only " + size + " bytes";
        }
        ByteBuffer header = ByteBuffer.allocate(SegmentFormat.HEADER_BYTES);
        SegmentedLog.readFully(file, header, 0);
        try {
            long named = SegmentFormat.parseHeader(header.flip());
            return named == first ? null : "header says the first index is " + named + " but the name says " + first;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Keeps a copy of {@code [offset, size)} for forensics, then cuts the file at {@code offset}, durably. */
    private void cutTail(String name, StorageFile file, long offset, long size) throws IOException {
        truncatedSegment = name;
        truncatedAt = offset;
        truncatedBytes = size - offset;
        if (size > offset) {
            tornCopy = SegmentFormat.tornCopyName(name, offset);
            try (StorageFile copy = storage.open(tornCopy)) {
                copy.truncate(0);
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(SegmentScanner.READ_BUFFER_BYTES, size - offset));
                for (long at = offset; at < size; ) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), size - at));
                    SegmentedLog.readFully(file, chunk, at);
                    copy.write(chunk.flip(), at - offset);
                    at += chunk.limit();
                }
                copy.force();
            }
            // The copy's name must be durable before the bytes it saves are gone.
            storage.syncDirectory();
        }
        file.truncate(offset);
        file.force();
    }

    private StoreLogException corrupt(String segment, long offset, String why) {
        return new StoreLogException(ErrorCode.CORRUPT_LOG, "log segment " + SegmentedLog.describe(storage, segment)
                + " is damaged at byte offset " + offset + ": " + why);
    }

    private static void closeAll(List<Segment> segments) {
        segments.stream().filter(s -> !s.archived()).forEach(s -> closeQuietly(s.file));
    }

    private static void closeQuietly(StorageFile file) {
        try {
            file.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a segment after a failed recovery", e);
        }
    }
}
