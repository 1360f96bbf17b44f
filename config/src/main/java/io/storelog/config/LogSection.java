package io.storelog.config;

/**
 * The local append-only log: how large a segment file grows before a new one starts, and how many
 * records one group commit (one fsync) may carry.
 *
 * @param segmentBytes    roll to a new segment beyond this size (log.segment-bytes)
 * @param maxBatchRecords most records written per fsync (log.max-batch-records)
 * @param archiveAfterDays segments whose entries headquarters holds are archived once every entry in
 *                         them is this many days old (log.archive-after-days)
 */
public record LogSection(long segmentBytes, int maxBatchRecords, int archiveAfterDays) {
    /** A log section that archives after the default number of days. */
    public LogSection(long segmentBytes, int maxBatchRecords) {
        this(segmentBytes, maxBatchRecords, ConfigKeys.DEFAULT_LOG_ARCHIVE_AFTER_DAYS);
    }

    public LogSection {
        Checks.range(ConfigKeys.LOG_ARCHIVE_AFTER_DAYS, archiveAfterDays, 0, ConfigKeys.MAX_LOG_ARCHIVE_AFTER_DAYS);
        Checks.range(ConfigKeys.LOG_SEGMENT_BYTES, segmentBytes,
                ConfigKeys.MIN_LOG_SEGMENT_BYTES, ConfigKeys.MAX_LOG_SEGMENT_BYTES);
        Checks.range(ConfigKeys.LOG_MAX_BATCH_RECORDS, maxBatchRecords, 1, ConfigKeys.MAX_LOG_MAX_BATCH_RECORDS);
    }

    static LogSection read(RawConfig raw) {
        long segment = raw.bytes(ConfigKeys.LOG_SEGMENT_BYTES, ConfigKeys.DEFAULT_LOG_SEGMENT_BYTES);
        long batch = raw.integer(ConfigKeys.LOG_MAX_BATCH_RECORDS, ConfigKeys.DEFAULT_LOG_MAX_BATCH_RECORDS);
        // Range-check before narrowing, so "5000000000" is reported as too large, not as a wrapped number.
        Checks.range(ConfigKeys.LOG_MAX_BATCH_RECORDS, batch, 1, ConfigKeys.MAX_LOG_MAX_BATCH_RECORDS);
        long archive = raw.integer(ConfigKeys.LOG_ARCHIVE_AFTER_DAYS, ConfigKeys.DEFAULT_LOG_ARCHIVE_AFTER_DAYS);
        Checks.range(ConfigKeys.LOG_ARCHIVE_AFTER_DAYS, archive, 0, ConfigKeys.MAX_LOG_ARCHIVE_AFTER_DAYS);
        return new LogSection(segment, (int) batch, (int) archive);
    }
}
