package io.storelog.node.log;

import java.nio.ByteBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The on-disk format of log segments, version 1: the only class that knows the byte layout.
 *
 * <pre>
 * segment file
 * +--------------------+----------+----------+-----+----------+
 * | header (20 bytes)  | record 1 | record 2 | ... | record n |
 * +--------------------+----------+----------+-----+----------+
 *
 * header                                      record
 * offset size                                 offset   size
 *  0      4   magic "SLOG" (0x534C4F47)        0        4   length L of the payload, 1..2^30
 *  4      4   format version = 1               4        L   payload: the entry bytes, opaque here
 *  8      8   index of the segment's first     4+L      4   CRC32C over length and payload
 *             record (1-based)
 * 16      4   CRC32C over bytes 0..15
 * </pre>
 *
 * All integers are big-endian. A record therefore takes {@code L + 8} bytes. A length of zero is
 * never written, so the zeros a crash can leave at the end of a file read as damage, not as records.
 *
 * <p>File names explain themselves: {@code log_inprogress_<first>} is the one segment still being
 * written; {@code log_<first>-<last>} is a sealed segment holding exactly the records
 * {@code first..last}. Indexes are zero-padded to 20 digits so names sort in log order.
 *
 * <p>A record's {@link AppendedRecord#position() position} packs the segment's ordinal (its place in
 * the log's segment list, archived segments included) above {@link #OFFSET_BITS} bits of byte offset.
 *
 * <p>Segments below what headquarters confirmed may be archived (deleted from the node, the fold's
 * snapshot standing in for them). The file {@code archived} then records how many segments went and
 * the last index they held, so ordinals and the index chain stay as they were:
 * <pre>
 * archived (16 bytes)
 * offset size
 *  0      4   number of archived segments (the first kept segment has this ordinal)
 *  4      8   index of the last archived record (the first kept segment starts right after)
 * 12      4   CRC32C over bytes 0..11
 * </pre>
 */
public final class SegmentFormat {

    /** "SLOG" in ASCII. */
    public static final int MAGIC = 0x534C4F47;
    /** Bumped on any change to this layout; readers refuse versions they do not know. */
    public static final int VERSION = 1;
    /** Bytes before the first record. */
    public static final int HEADER_BYTES = 20;
    /** Length field plus CRC field around each payload. */
    public static final int RECORD_OVERHEAD = 8;
    /** Largest payload the format allows; a larger length field is damage. */
    public static final int MAX_RECORD_BYTES = 1 << 30;
    /** Bits of a position that hold the byte offset within a segment. */
    public static final int OFFSET_BITS = 40;
    /** Largest segment the position encoding can address, with room for one oversized record. */
    public static final long MAX_SEGMENT_BYTES = (1L << OFFSET_BITS) - MAX_RECORD_BYTES - RECORD_OVERHEAD;

    /** Name of the archive mark file. */
    public static final String ARCHIVE_MARK = "archived";
    /** Bytes of the archive mark. */
    public static final int ARCHIVE_MARK_BYTES = 16;

    private static final String IN_PROGRESS_PREFIX = "log_inprogress_";
    private static final Pattern IN_PROGRESS = Pattern.compile("log_inprogress_(\\d{20})");
    private static final Pattern SEALED = Pattern.compile("log_(\\d{20})-(\\d{20})");

    private SegmentFormat() {
    }

    /** A parsed segment file name; {@code last} is -1 for the in-progress segment. */
    public record SegmentName(String name, long first, long last) {

        /** True for {@code log_inprogress_<first>}. */
        public boolean inProgress() {
            return last < 0;
        }
    }

    /** The name of the segment being written whose first record has index {@code first}. */
    public static String inProgressName(long first) {
        return IN_PROGRESS_PREFIX + String.format("%020d", first);
    }

    /** The name of a sealed segment holding records {@code first..last}. */
    public static String sealedName(long first, long last) {
        return String.format("log_%020d-%020d", first, last);
    }

    /** Parses a segment file name; null for any other file (forensic copies, strangers). */
    public static SegmentName parseName(String name) {
        Matcher m = IN_PROGRESS.matcher(name);
        if (m.matches()) {
            return new SegmentName(name, Long.parseLong(m.group(1)), -1);
        }
        m = SEALED.matcher(name);
        if (m.matches()) {
            return new SegmentName(name, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        return null;
    }

    /** The name under which bytes cut from {@code segment} at {@code offset} are kept for forensics. */
    public static String tornCopyName(String segment, long offset) {
        return segment + ".torn-" + offset;
    }

    /** A header ready to write. */
    public static ByteBuffer header(long firstIndex) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.putInt(MAGIC).putInt(VERSION).putLong(firstIndex);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 16);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /**
     * Reads a header from the {@link #HEADER_BYTES} bytes at the buffer's position.
     *
     * @return the first index it names
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static long parseHeader(ByteBuffer b) {
        int start = b.position();
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().limit(start + 16));
        if (b.getInt(start + 16) != (int) crc.getValue()) {
            throw new IllegalArgumentException("header checksum mismatch");
        }
        if (b.getInt(start) != MAGIC) {
            throw new IllegalArgumentException("not a StoreLog segment (bad magic)");
        }
        int version = b.getInt(start + 4);
        if (version != VERSION) {
            throw new IllegalArgumentException("format version " + version + " is not supported (this build reads "
                    + VERSION + ")");
        }
        long first = b.getLong(start + 8);
        if (first < 1) {
            throw new IllegalArgumentException("first index " + first + " is not positive");
        }
        return first;
    }

    /** Bytes a payload of {@code length} bytes takes on disk. */
    public static long frameBytes(int length) {
        return (long) length + RECORD_OVERHEAD;
    }

    /** Frames {@code payload} into {@code dst} at its position; {@code crc} is scratch state. */
    public static void putRecord(ByteBuffer dst, byte[] payload, CRC32C crc) {
        int start = dst.position();
        dst.putInt(payload.length).put(payload);
        crc.reset();
        crc.update(dst.duplicate().position(start).limit(dst.position()));
        dst.putInt((int) crc.getValue());
    }

    /** The CRC stored after a record whose length field and payload are {@code frame[off..off+4+length)}. */
    static int recordCrc(CRC32C crc, byte[] frame, int off, int length) {
        crc.reset();
        crc.update(frame, off, length + 4);
        return (int) crc.getValue();
    }

    /** Packs a segment ordinal and a byte offset into a position. */
    public static long position(int ordinal, long offset) {
        return ((long) ordinal << OFFSET_BITS) | offset;
    }

    /** The segment ordinal of a position. */
    public static int ordinal(long position) {
        return (int) (position >>> OFFSET_BITS);
    }

    /** The byte offset of a position. */
    public static long offset(long position) {
        return position & ((1L << OFFSET_BITS) - 1);
    }

    /** What the archive mark says: segments archived and the last index they held. */
    public record ArchiveMark(int segments, long lastIndex) {
    }

    /** The archive mark's bytes. */
    static ByteBuffer archiveMark(ArchiveMark mark) {
        ByteBuffer b = ByteBuffer.allocate(ARCHIVE_MARK_BYTES);
        b.putInt(mark.segments()).putLong(mark.lastIndex());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 12);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /** Parses an archive mark; throws naming what is wrong. */
    static ArchiveMark parseArchiveMark(ByteBuffer b) {
        if (b.remaining() != ARCHIVE_MARK_BYTES) {
            throw new IllegalArgumentException("archive mark has " + b.remaining() + " bytes, not " + ARCHIVE_MARK_BYTES);
        }
        byte[] bytes = new byte[ARCHIVE_MARK_BYTES];
        b.get(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 12);
        ByteBuffer w = ByteBuffer.wrap(bytes);
        int segments = w.getInt();
        long last = w.getLong();
        if (w.getInt() != (int) crc.getValue()) {
            throw new IllegalArgumentException("archive mark fails its CRC");
        }
        return new ArchiveMark(segments, last);
    }
}
