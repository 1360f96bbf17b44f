package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.contents;
import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.open;
import static io.storelog.node.log.LogTesting.record;
import static io.storelog.node.log.LogTesting.records;
import static io.storelog.node.log.LogTesting.replayAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.testing.PowerCutStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damage to the last record of the open segment: the log keeps exactly the records before it. */
class TornTailTest {

    private static final LogOptions OPTIONS = LogOptions.defaults().withSegmentBytes(1 << 20);

    /** A closed log of {@code records} on a fresh disk, with where its last record starts. */
    private record Written(PowerCutStorage disk, String segment, byte[] content, int lastStart,
                           List<AppendedRecord> records) {
        List<AppendedRecord> allButLast() {
            return records.subList(0, records.size() - 1);
        }
    }

    private static Written write(List<byte[]> records) throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        List<AppendedRecord> appended;
        try (SegmentedLog log = open(disk, OPTIONS)) {
            appended = appendEach(log, records);
        }
        String segment = SegmentFormat.inProgressName(1);
        byte[] content = disk.bytes(segment);
        int lastStart = (int) SegmentFormat.offset(appended.get(appended.size() - 1).position());
        assertThat(lastStart + SegmentFormat.frameBytes(records.get(records.size() - 1).length))
                .isEqualTo(content.length);
        return new Written(disk, segment, content, lastStart, appended);
    }

    /**
     * Puts {@code damaged} in place of the segment on a copy of the disk, opens it, and checks that
     * exactly the records before the last survive, that a new append works and survives reopening.
     */
    private static void assertRecoversAllButLast(Written w, byte[] damaged) {
        PowerCutStorage disk = w.disk().durableImage();
        disk.put(w.segment(), damaged);
        List<AppendedRecord> expected = w.allButLast();
        byte[] extra = ("after-" + damaged.length).getBytes();
        try (SegmentedLog log = open(disk, OPTIONS)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(replayAll(log)).isEqualTo(expected);
            assertThat(report.records()).isEqualTo(expected.size());
            assertThat(report.lastIndex()).isEqualTo(expected.size());
            if (damaged.length > w.lastStart()) {
                assertThat(report.truncatedSegment()).isEqualTo(w.segment());
                assertThat(report.truncatedAtOffset()).isEqualTo(w.lastStart());
                assertThat(report.truncatedBytes()).isEqualTo(damaged.length - w.lastStart());
                assertThat(report.tornCopy()).isEqualTo(w.segment() + ".torn-" + w.lastStart());
                assertThat(disk.bytes(report.tornCopy()))
                        .isEqualTo(Arrays.copyOfRange(damaged, w.lastStart(), damaged.length));
            } else {
                assertThat(report.truncated()).isFalse();
            }
            assertThat(disk.bytes(w.segment())).hasSize(w.lastStart());
            AppendedRecord added = join(log.append(extra));
            assertThat(added.index()).isEqualTo(expected.size() + 1);
        }
        try (SegmentedLog reopened = open(disk.powerCut(), OPTIONS)) {
            List<AppendedRecord> all = replayAll(reopened);
            assertThat(all.subList(0, expected.size())).isEqualTo(expected);
            assertThat(all).hasSize(expected.size() + 1);
            assertThat(all.get(expected.size()).bytes()).isEqualTo(extra);
            assertThat(reopened.recoveryReport().truncated()).isFalse();
        }
    }

    @Test
    void cutAtEveryByteOfTheLastRecordKeepsExactlyTheRecordsBefore() throws Exception {
        Random random = new Random(1);
        List<byte[]> input = new ArrayList<>(records(random, 30, 1, 400));
        input.add(record(random, "last", 300));
        Written w = write(input);
        for (int cut = w.lastStart(); cut < w.content().length; cut++) {
            assertRecoversAllButLast(w, Arrays.copyOf(w.content(), cut));
        }
    }

    @Test
    void everyBitFlipInTheLastRecordIsCaught() throws Exception {
        Random random = new Random(2);
        List<byte[]> input = new ArrayList<>(records(random, 10, 1, 200));
        input.add(record(random, "last", 40));
        Written w = write(input);
        for (int at = w.lastStart(); at < w.content().length; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = w.content().clone();
                damaged[at] ^= (byte) (1 << bit);
                assertRecoversAllButLast(w, damaged);
            }
        }
    }

    @Test
    void everyOverwrittenByteOfALargeLastRecordIsCaught() throws Exception {
        Random random = new Random(3);
        List<byte[]> input = new ArrayList<>(records(random, 10, 1, 200));
        input.add(record(random, "last", 2000));
        Written w = write(input);
        for (int at = w.lastStart(); at < w.content().length; at++) {
            byte[] damaged = w.content().clone();
            damaged[at] = (byte) (damaged[at] + 1 + random.nextInt(255));
            assertRecoversAllButLast(w, damaged);
        }
    }

    @Test
    void zerosAfterTheLastRecordAreCutAndNoRecordIsLost() throws Exception {
        Random random = new Random(4);
        List<byte[]> input = records(random, 20, 1, 300);
        Written w = write(input);
        byte[] padded = Arrays.copyOf(w.content(), w.content().length + 4096);
        PowerCutStorage disk = w.disk().durableImage();
        disk.put(w.segment(), padded);
        try (SegmentedLog log = open(disk, OPTIONS)) {
            assertThat(replayAll(log)).isEqualTo(w.records());
            assertThat(log.recoveryReport().truncatedAtOffset()).isEqualTo(w.content().length);
            assertThat(log.recoveryReport().truncatedBytes()).isEqualTo(4096);
        }
    }

    @Test
    void aTornRecordInTheMiddleOfTheOpenSegmentCutsFromThere() throws Exception {
        // Documented behaviour: in the open segment, everything from the first bad record is the torn tail.
        Random random = new Random(5);
        Written w = write(records(random, 20, 10, 100));
        int victim = (int) SegmentFormat.offset(w.records().get(9).position());
        byte[] damaged = w.content().clone();
        damaged[victim + 6] ^= 0x10;
        PowerCutStorage disk = w.disk().durableImage();
        disk.put(w.segment(), damaged);
        try (SegmentedLog log = open(disk, OPTIONS)) {
            assertThat(contents(replayAll(log))).isEqualTo(contents(w.records().subList(0, 9)));
            assertThat(log.recoveryReport().truncatedAtOffset()).isEqualTo(victim);
        }
    }
}
