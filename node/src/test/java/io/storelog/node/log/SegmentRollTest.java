package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.open;
import static io.storelog.node.log.LogTesting.record;
import static io.storelog.node.log.LogTesting.records;
import static io.storelog.node.log.LogTesting.replayAll;
import static io.storelog.node.log.LogTesting.segmentNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.testing.PowerCutStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Segments roll at their size limit, are named by their index range, and replay in order. */
class SegmentRollTest {

    @Test
    void manySegmentsReplayInOrderAndReadByPosition() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        LogOptions options = LogTesting.SMALL.withSegmentBytes(2048);
        List<AppendedRecord> written;
        try (SegmentedLog log = open(disk, options)) {
            written = appendEach(log, records(new Random(11), 1000, 1, 500));
            assertThat(replayAll(log)).isEqualTo(written);
            for (AppendedRecord r : written) {
                assertThat(log.read(r.position())).isEqualTo(r.bytes());
            }
            assertThat(log.lastDurableIndex()).isEqualTo(1000);
        }
        List<String> names = segmentNames(disk);
        assertThat(names).hasSizeGreaterThan(100);
        long next = 1;
        for (int i = 0; i < names.size(); i++) {
            SegmentFormat.SegmentName name = SegmentFormat.parseName(names.get(i));
            assertThat(name.first()).isEqualTo(next);
            assertThat(name.inProgress()).isEqualTo(i == names.size() - 1);
            assertThat(disk.bytes(names.get(i)).length).isLessThanOrEqualTo(2048);
            next = name.inProgress() ? next : name.last() + 1;
        }
        try (SegmentedLog log = open(disk.powerCut(), options)) {
            assertThat(log.recoveryReport().records()).isEqualTo(1000);
            assertThat(log.recoveryReport().segments()).isEqualTo(names.size());
            assertThat(replayAll(log)).isEqualTo(written);
            for (AppendedRecord r : written) {
                assertThat(log.read(r.position())).isEqualTo(r.bytes());
            }
            assertThat(join(log.append("more".getBytes())).index()).isEqualTo(1001);
        }
    }

    @Test
    void aRecordLargerThanASegmentGetsOneOfItsOwn() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        LogOptions options = new LogOptions(1024, 100, 4096, 8192);
        Random random = new Random(12);
        List<byte[]> input = List.of(record(random, "a", 100), record(random, "big", 5000), record(random, "b", 100));
        List<AppendedRecord> written;
        try (SegmentedLog log = open(disk, options)) {
            written = appendEach(log, input);
        }
        assertThat(segmentNames(disk)).containsExactly(SegmentFormat.sealedName(1, 1), SegmentFormat.sealedName(2, 2),
                SegmentFormat.inProgressName(3));
        try (SegmentedLog log = open(disk.powerCut(), options)) {
            assertThat(replayAll(log)).isEqualTo(written);
        }
    }

    @Test
    void aGroupIsNeverSplitAcrossSegments() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        LogOptions options = new LogOptions(1500, 100, 8192, 8192);
        Random random = new Random(13);
        List<CompletableFuture<List<AppendedRecord>>> futures = new ArrayList<>();
        List<AppendedRecord> all = new ArrayList<>();
        try (SegmentedLog log = open(disk, options)) {
            for (int g = 0; g < 40; g++) {
                futures.add(log.appendAll(records(random, 1 + random.nextInt(5), 20, 120)));
            }
            long expectedIndex = 1;
            for (CompletableFuture<List<AppendedRecord>> f : futures) {
                List<AppendedRecord> group = join(f);
                int ordinal = SegmentFormat.ordinal(group.get(0).position());
                for (AppendedRecord r : group) {
                    assertThat(r.index()).isEqualTo(expectedIndex++);
                    assertThat(SegmentFormat.ordinal(r.position())).isEqualTo(ordinal);
                }
                all.addAll(group);
            }
        }
        assertThat(segmentNames(disk)).hasSizeGreaterThan(5);
        try (SegmentedLog log = open(disk.powerCut(), options)) {
            assertThat(replayAll(log)).isEqualTo(all);
        }
    }

    @Test
    void replayAfterReopenContinuesIndexesAcrossRuns() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        LogOptions options = LogTesting.SMALL.withSegmentBytes(1024);
        Random random = new Random(14);
        List<AppendedRecord> all = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            try (SegmentedLog log = open(disk, options)) {
                assertThat(replayAll(log)).isEqualTo(all);
                List<AppendedRecord> more = appendEach(log, records(random, 30, 10, 200));
                assertThat(more.get(0).index()).isEqualTo(all.size() + 1);
                all.addAll(more);
            }
            disk = disk.powerCut();
        }
    }
}
