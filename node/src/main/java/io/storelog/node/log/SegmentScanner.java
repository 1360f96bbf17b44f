package io.storelog.node.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Walks the records of one segment file in order, checking each CRC, through one large read buffer.
 *
 * <p>Recovery and replay both read through this class so that "what is a valid record" is decided in
 * one place. It allocates nothing per record unless the caller asks for the payload.
 */
final class SegmentScanner {

    /** What {@link #next()} found. */
    enum Step { RECORD, END, DAMAGED }

    // Large sequential reads keep recovery of a million records at disk speed.
    static final int READ_BUFFER_BYTES = 1 << 20;

    private final StorageFile file;
    private final long limit;
    private final CRC32C crc = new CRC32C();
    private byte[] buf;
    private ByteBuffer view;
    private long bufFileOffset;
    private int bufLength;
    private long offset;

    private long recordOffset = -1;
    private int payloadAt;
    private int payloadLength;
    private String damage;

    /** Scans {@code file} from {@code start} (just after the header) up to {@code limit} bytes. */
    SegmentScanner(StorageFile file, long start, long limit) {
        this.file = file;
        this.limit = limit;
        this.offset = start;
        this.bufFileOffset = start;
        int size = (int) Math.max(64, Math.min(READ_BUFFER_BYTES, limit - start));
        this.buf = new byte[size];
        this.view = ByteBuffer.wrap(buf);
    }

    /** Moves to the next record. After DAMAGED or END, nothing more is read. */
    Step next() throws IOException {
        if (damage != null) {
            return Step.DAMAGED;
        }
        long left = limit - offset;
        if (left == 0) {
            return Step.END;
        }
        if (left < 4) {
            return damaged("torn record: " + left + " bytes where a 4-byte length belongs");
        }
        ensure(4);
        int at = (int) (offset - bufFileOffset);
        int length = view.getInt(at);
        if (length == 0) {
            return damaged("zero record length");
        }
        if (length < 0 || length > SegmentFormat.MAX_RECORD_BYTES) {
            return damaged("impossible record length " + length);
        }
        long frame = SegmentFormat.frameBytes(length);
        if (frame > left) {
            return damaged("torn record: needs " + frame + " bytes, " + left + " left in the file");
        }
        ensure((int) frame);
        at = (int) (offset - bufFileOffset);
        int stored = view.getInt(at + 4 + length);
        if (stored != SegmentFormat.recordCrc(crc, buf, at, length)) {
            return damaged("CRC mismatch in a record of " + length + " bytes");
        }
        recordOffset = offset;
        payloadAt = at + 4;
        payloadLength = length;
        offset += frame;
        return Step.RECORD;
    }

    /** File offset of the record just returned (its length field). */
    long recordOffset() {
        return recordOffset;
    }

    /** Payload length of the record just returned. */
    int payloadLength() {
        return payloadLength;
    }

    /** A fresh copy of the payload of the record just returned. */
    byte[] copyPayload() {
        return Arrays.copyOfRange(buf, payloadAt, payloadAt + payloadLength);
    }

    /** Where the damage starts: the offset of the first byte that is not a valid record. */
    long damageOffset() {
        return offset;
    }

    /** Why the bytes at {@link #damageOffset()} are not a record. */
    String damage() {
        return damage;
    }

    private Step damaged(String why) {
        damage = why;
        return Step.DAMAGED;
    }

    /** Makes at least {@code n} bytes from {@code offset} available in the buffer. */
    private void ensure(int n) throws IOException {
        int at = (int) (offset - bufFileOffset);
        int available = bufLength - at;
        if (available >= n) {
            return;
        }
        if (n > buf.length) {
            // A record larger than the buffer: grow to fit it (bounded by what the file holds).
            byte[] bigger = new byte[n];
            System.arraycopy(buf, at, bigger, 0, available);
            buf = bigger;
            view = ByteBuffer.wrap(buf);
        } else {
            System.arraycopy(buf, at, buf, 0, available);
        }
        bufFileOffset = offset;
        bufLength = available;
        while (bufLength < n) {
            int want = (int) Math.min(buf.length - bufLength, limit - (bufFileOffset + bufLength));
            int read = file.read(ByteBuffer.wrap(buf, bufLength, want), bufFileOffset + bufLength);
            if (read <= 0) {
                throw new IOException("file ended at " + (bufFileOffset + bufLength) + " while " + limit
                        + " bytes were expected");
            }
            bufLength += read;
        }
    }
}
