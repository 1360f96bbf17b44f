package io.storelog.node.log;

import java.util.Arrays;

/**
 * A record that is durable in the log.
 *
 * @param index    1-based position of the record in this log; gapless
 * @param position opaque locator for {@link SegmentedLog#read(long)}, valid for the same log files
 * @param bytes    the record exactly as appended (the log never parses it); do not modify
 */
public record AppendedRecord(long index, long position, byte[] bytes) {

    // A record compares its bytes by content: two copies of one entry are equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof AppendedRecord r
                && r.index == index && r.position == position && Arrays.equals(r.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "AppendedRecord[index=" + index + ", position=" + position + ", " + bytes.length + " bytes]";
    }
}
