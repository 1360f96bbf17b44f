package io.storelog.node.log;

/**
 * Sizes that shape the log's files and batches.
 *
 * @param segmentBytes    a segment is rolled before a record would take it past this size
 *                        (a record larger than a segment gets a segment of its own)
 * @param maxBatchRecords most records coalesced into one fsync (a larger group goes alone)
 * @param maxBatchBytes   most framed bytes coalesced into one fsync (a larger record or group goes alone)
 * @param maxRecordBytes  largest record accepted by append
 */
public record LogOptions(long segmentBytes, int maxBatchRecords, int maxBatchBytes, int maxRecordBytes) {

    public LogOptions {
        if (segmentBytes <= SegmentFormat.HEADER_BYTES || segmentBytes > SegmentFormat.MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be between " + (SegmentFormat.HEADER_BYTES + 1)
                    + " and " + SegmentFormat.MAX_SEGMENT_BYTES + ", got " + segmentBytes);
        }
        if (maxBatchRecords < 1) {
            throw new IllegalArgumentException("maxBatchRecords must be at least 1, got " + maxBatchRecords);
        }
        if (maxBatchBytes < 1) {
            throw new IllegalArgumentException("maxBatchBytes must be at least 1, got " + maxBatchBytes);
        }
        if (maxRecordBytes < 1 || maxRecordBytes > SegmentFormat.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("maxRecordBytes must be between 1 and "
                    + SegmentFormat.MAX_RECORD_BYTES + ", got " + maxRecordBytes);
        }
    }

    /** 64 MiB segments, batches of at most 4096 records or 4 MiB, records of at most 16 MiB. */
    public static LogOptions defaults() {
        return new LogOptions(64L << 20, 4096, 4 << 20, 16 << 20);
    }

    /** A copy with another segment size. */
    public LogOptions withSegmentBytes(long bytes) {
        return new LogOptions(bytes, maxBatchRecords, maxBatchBytes, maxRecordBytes);
    }
}
