package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.open;
import static io.storelog.node.log.LogTesting.records;
import static io.storelog.node.log.LogTesting.replayAll;
import static io.storelog.node.log.LogTesting.segmentNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.testing.PowerCutStorage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Damage before the tail is acknowledged data: the log refuses to open and says where. */
class CorruptLogTest {

    private static final LogOptions OPTIONS = LogTesting.SMALL.withSegmentBytes(1024);

    private PowerCutStorage disk;
    private List<AppendedRecord> written;
    private List<String> segments;

    @BeforeEach
    void writeSeveralSegments() throws Exception {
        disk = new PowerCutStorage();
        try (SegmentedLog log = open(disk, OPTIONS)) {
            written = appendEach(log, records(new Random(7), 60, 50, 150));
        }
        segments = segmentNames(disk);
        assertThat(segments).hasSizeGreaterThan(4);
        assertThat(segments.get(segments.size() - 1)).startsWith("log_inprogress_");
    }

    /** Opening must fail with CORRUPT_LOG naming the file and offset, and change no file. */
    private void assertRefuses(String segment, long offset) throws Exception {
        Map<String, byte[]> before = snapshot();
        assertThatThrownBy(() -> open(disk, OPTIONS))
                .isInstanceOfSatisfying(StoreLogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_LOG))
                .hasMessageContaining(segment)
                .hasMessageContaining("byte offset " + offset);
        Map<String, byte[]> after = snapshot();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    }

    private Map<String, byte[]> snapshot() throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        for (String name : disk.list()) {
            out.put(name, disk.bytes(name));
        }
        return out;
    }

    private AppendedRecord recordIn(int ordinal, int nth) {
        return written.stream().filter(r -> SegmentFormat.ordinal(r.position()) == ordinal).skip(nth).findFirst()
                .orElseThrow();
    }

    @Test
    void aFlippedBitInASealedSegmentStopsTheLog() throws Exception {
        String sealed = segments.get(1);
        AppendedRecord victim = recordIn(1, 2);
        long offset = SegmentFormat.offset(victim.position());
        byte[] bytes = disk.bytes(sealed);
        bytes[(int) offset + 10] ^= 0x01;
        disk.put(sealed, bytes);
        assertRefuses(sealed, offset);
    }

    @Test
    void aCutSealedSegmentStopsTheLog() throws Exception {
        String sealed = segments.get(0);
        AppendedRecord victim = recordIn(0, 3);
        long offset = SegmentFormat.offset(victim.position());
        disk.put(sealed, Arrays.copyOf(disk.bytes(sealed), (int) offset + 5));
        assertRefuses(sealed, offset);
    }

    @Test
    void aSealedSegmentCutAtARecordBoundaryStillStopsTheLog() throws Exception {
        String sealed = segments.get(2);
        long offset = SegmentFormat.offset(recordIn(2, 1).position());
        disk.put(sealed, Arrays.copyOf(disk.bytes(sealed), (int) offset));
        assertRefuses(sealed, offset);
    }

    @Test
    void aDamagedHeaderStopsTheLog() throws Exception {
        String sealed = segments.get(1);
        byte[] bytes = disk.bytes(sealed);
        bytes[9] ^= 0x40;
        disk.put(sealed, bytes);
        assertRefuses(sealed, 0);
    }

    @Test
    void aDamagedHeaderOfTheOpenSegmentWithRecordsStopsTheLog() throws Exception {
        String open = segments.get(segments.size() - 1);
        byte[] bytes = disk.bytes(open);
        bytes[0] = 'X';
        disk.put(open, bytes);
        assertRefuses(open, 0);
    }

    @Test
    void aMissingSegmentStopsTheLog() throws Exception {
        disk.remove(segments.get(2));
        assertRefuses(segments.get(3), 0);
    }

    @Test
    void aMissingFirstSegmentStopsTheLog() throws Exception {
        disk.remove(segments.get(0));
        assertRefuses(segments.get(1), 0);
    }

    @Test
    void anInProgressSegmentBeforeTheLastStopsTheLog() throws Exception {
        String sealed = segments.get(1);
        SegmentFormat.SegmentName name = SegmentFormat.parseName(sealed);
        String renamed = SegmentFormat.inProgressName(name.first());
        disk.put(renamed, disk.bytes(sealed));
        disk.remove(sealed);
        assertRefuses(renamed, 0);
    }

    @Test
    void overlappingSegmentsStopTheLog() throws Exception {
        SegmentFormat.SegmentName second = SegmentFormat.parseName(segments.get(1));
        String overlapping = SegmentFormat.sealedName(second.first() + 1, second.last());
        disk.put(overlapping, disk.bytes(segments.get(1)));
        assertRefuses(overlapping, 0);
    }

    @Test
    void aTornHeaderOfABrandNewLastSegmentIsRecreated() throws Exception {
        // The power went between sealing the full segment and forcing the header of the next one.
        String open = segments.get(segments.size() - 1);
        SegmentFormat.SegmentName name = SegmentFormat.parseName(open);
        long last = written.size();
        disk.put(SegmentFormat.sealedName(name.first(), last), disk.bytes(open));
        disk.remove(open);
        String fresh = SegmentFormat.inProgressName(last + 1);
        disk.put(fresh, Arrays.copyOf(SegmentFormat.header(last + 1).array(), 7));
        try (SegmentedLog log = open(disk, OPTIONS)) {
            assertThat(replayAll(log)).isEqualTo(written);
            RecoveryReport report = log.recoveryReport();
            assertThat(report.truncatedSegment()).isEqualTo(fresh);
            assertThat(report.truncatedAtOffset()).isZero();
            assertThat(report.truncatedBytes()).isEqualTo(7);
            assertThat(disk.bytes(report.tornCopy())).hasSize(7);
            assertThat(join(log.append("next".getBytes())).index()).isEqualTo(last + 1);
        }
        try (SegmentedLog log = open(disk.powerCut(), OPTIONS)) {
            assertThat(replayAll(log)).hasSize(written.size() + 1);
        }
    }

    @Test
    void anEmptyBrandNewLastSegmentIsRecreated() throws Exception {
        String open = segments.get(segments.size() - 1);
        long first = SegmentFormat.parseName(open).first();
        disk.put(SegmentFormat.sealedName(first, written.size()), disk.bytes(open));
        disk.remove(open);
        disk.put(SegmentFormat.inProgressName(written.size() + 1), new byte[0]);
        try (SegmentedLog log = open(disk, OPTIONS)) {
            assertThat(replayAll(log)).isEqualTo(written);
            assertThat(log.recoveryReport().truncated()).isFalse();
            assertThat(join(log.append("next".getBytes())).index()).isEqualTo(written.size() + 1);
        }
    }

    @Test
    void aSealedLastSegmentWithoutAnOpenOneIsFine() throws Exception {
        String open = segments.get(segments.size() - 1);
        long first = SegmentFormat.parseName(open).first();
        disk.put(SegmentFormat.sealedName(first, written.size()), disk.bytes(open));
        disk.remove(open);
        try (SegmentedLog log = open(disk, OPTIONS)) {
            assertThat(replayAll(log)).isEqualTo(written);
            assertThat(log.recoveryReport().truncated()).isFalse();
            assertThat(join(log.append("next".getBytes())).index()).isEqualTo(written.size() + 1);
        }
        assertThat(segmentNames(disk)).contains(SegmentFormat.inProgressName(written.size() + 1));
    }

    @Test
    void otherFilesInTheDirectoryAreIgnored() throws Exception {
        disk.put("notes.txt", "hello".getBytes());
        disk.put(segments.get(0) + ".torn-77", new byte[] {1, 2, 3});
        try (SegmentedLog log = open(disk, OPTIONS)) {
            assertThat(replayAll(log)).isEqualTo(written);
        }
    }

    @Test
    void replayNoticesDamageThatAppearsAfterOpening() throws Exception {
        try (SegmentedLog log = open(disk, OPTIONS)) {
            String sealed = segments.get(0);
            long offset = SegmentFormat.offset(recordIn(0, 1).position());
            byte[] bytes = disk.bytes(sealed);
            bytes[(int) offset + 9] ^= 0x02;
            disk.put(sealed, bytes);
            assertThatThrownBy(() -> replayAll(log))
                    .isInstanceOfSatisfying(StoreLogException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_LOG))
                    .hasMessageContaining(sealed)
                    .hasMessageContaining("byte offset " + offset);
            assertThatThrownBy(() -> log.read(recordIn(0, 1).position()))
                    .isInstanceOfSatisfying(StoreLogException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_LOG));
            assertThatThrownBy(() -> log.read(recordIn(0, 1).position(), new SegmentedLog.ReadAhead()))
                    .as("through a read-ahead window too")
                    .isInstanceOfSatisfying(StoreLogException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_LOG));
        }
    }
}
