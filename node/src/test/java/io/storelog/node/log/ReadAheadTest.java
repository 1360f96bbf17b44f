package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.open;
import static io.storelog.node.log.LogTesting.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.testing.PowerCutStorage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reads through a read-ahead window return exactly what plain reads return, in log order or not. */
class ReadAheadTest {
    @Test
    void aWindowServesRecordsAcrossSegmentsAndRecordsLargerThanItself() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        try (SegmentedLog log = open(disk, LogTesting.SMALL.withSegmentBytes(4096))) {
            // Up to 900 bytes each against a 700-byte window: some records never fit and are read on their own.
            List<AppendedRecord> written = appendEach(log, records(new Random(21), 600, 1, 900));
            SegmentedLog.ReadAhead ahead = new SegmentedLog.ReadAhead(700);
            for (AppendedRecord r : written) {
                assertThat(log.read(r.position(), ahead)).isEqualTo(r.bytes());
            }
            List<AppendedRecord> shuffled = new ArrayList<>(written);
            Collections.shuffle(shuffled, new Random(22));
            for (AppendedRecord r : shuffled) {
                assertThat(log.read(r.position(), ahead)).isEqualTo(r.bytes());
            }
        }
    }
}
