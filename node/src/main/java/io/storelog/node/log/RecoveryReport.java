package io.storelog.node.log;

import java.time.Duration;

/**
 * What recovery found when the log was opened.
 *
 * @param segments          segment files in the log after recovery
 * @param records           records recovered (all CRC-checked)
 * @param lastIndex         index of the last recovered record, 0 for an empty log
 * @param truncatedSegment  the segment whose tail was cut, or null if nothing was cut
 * @param truncatedAtOffset byte offset where the cut was made, or -1
 * @param truncatedBytes    bytes dropped from the tail (a torn header of a brand-new segment counts)
 * @param tornCopy          file (in the log directory) holding a copy of the dropped bytes, or null
 * @param took              time recovery took
 */
public record RecoveryReport(int segments, long records, long lastIndex, String truncatedSegment,
                             long truncatedAtOffset, long truncatedBytes, String tornCopy, Duration took) {

    /** True when recovery dropped bytes: records that were in flight may be gone. */
    public boolean truncated() {
        return truncatedSegment != null;
    }
}
