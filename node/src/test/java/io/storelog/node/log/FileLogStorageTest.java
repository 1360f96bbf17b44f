package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.open;
import static io.storelog.node.log.LogTesting.record;
import static io.storelog.node.log.LogTesting.records;
import static io.storelog.node.log.LogTesting.replayAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log on real files: names on disk, a torn tail cut on disk, and recovery speed. */
class FileLogStorageTest {

    @TempDir
    Path temp;

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void segmentsOnDiskAreNamedByTheirIndexRange() throws Exception {
        Path dir = temp.resolve("log");
        LogOptions options = LogTesting.SMALL.withSegmentBytes(1024);
        List<AppendedRecord> written;
        try (SegmentedLog log = open(new FileLogStorage(dir), options)) {
            written = appendEach(log, records(new Random(41), 40, 60, 100));
        }
        List<String> names = files(dir);
        assertThat(names.get(0)).matches("log_00000000000000000001-\\d{20}");
        assertThat(names).allMatch(n -> n.matches("log_\\d{20}-\\d{20}|log_inprogress_\\d{20}"));
        assertThat(names.get(names.size() - 1)).startsWith("log_inprogress_");
        try (SegmentedLog log = open(new FileLogStorage(dir), options)) {
            assertThat(replayAll(log)).isEqualTo(written);
            for (AppendedRecord r : written) {
                assertThat(log.read(r.position())).isEqualTo(r.bytes());
            }
        }
    }

    @Test
    void aTornTailOnDiskIsCopiedAsideAndCut() throws Exception {
        Path dir = temp.resolve("log");
        Random random = new Random(42);
        List<AppendedRecord> written;
        try (SegmentedLog log = open(new FileLogStorage(dir), LogOptions.defaults())) {
            written = appendEach(log, records(random, 10, 100, 300));
        }
        Path segment = dir.resolve(SegmentFormat.inProgressName(1));
        byte[] full = Files.readAllBytes(segment);
        long lastStart = SegmentFormat.offset(written.get(9).position());
        // Sampled cuts through the last record, as a power cut in the middle of its write would leave.
        for (long cut = lastStart + 1; cut < full.length; cut += 37) {
            Files.write(segment, full);
            try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            try (SegmentedLog log = open(new FileLogStorage(dir), LogOptions.defaults())) {
                assertThat(replayAll(log)).isEqualTo(written.subList(0, 9));
                RecoveryReport report = log.recoveryReport();
                assertThat(report.truncatedAtOffset()).isEqualTo(lastStart);
                assertThat(Files.readAllBytes(dir.resolve(report.tornCopy())))
                        .isEqualTo(Arrays.copyOfRange(full, (int) lastStart, (int) cut));
            }
            assertThat(Files.size(segment)).isEqualTo(lastStart);
        }
        try (SegmentedLog log = open(new FileLogStorage(dir), LogOptions.defaults())) {
            assertThat(join(log.append("next".getBytes())).index()).isEqualTo(10);
        }
    }

    @Test
    void damageInASealedSegmentOnDiskNamesThePathAndOffset() throws Exception {
        Path dir = temp.resolve("log");
        LogOptions options = LogTesting.SMALL.withSegmentBytes(1024);
        List<AppendedRecord> written;
        try (SegmentedLog log = open(new FileLogStorage(dir), options)) {
            written = appendEach(log, records(new Random(43), 40, 60, 100));
        }
        Path sealed = dir.resolve(files(dir).get(0));
        long offset = SegmentFormat.offset(written.get(2).position());
        try (FileChannel ch = FileChannel.open(sealed, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x7f}), offset + 20);
        }
        assertThatThrownBy(() -> open(new FileLogStorage(dir), options))
                .isInstanceOfSatisfying(StoreLogException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_LOG))
                .hasMessageContaining(sealed.toString())
                .hasMessageContaining("byte offset " + offset);
    }

    @Test
    void openHandlesSurviveARenameAndOnlyPlainNamesAreAccepted() throws Exception {
        FileLogStorage storage = new FileLogStorage(temp.resolve("nested/log"));
        try (StorageFile f = storage.open("a")) {
            f.write(ByteBuffer.wrap("abc".getBytes()), 0);
            storage.rename("a", "b");
            f.write(ByteBuffer.wrap("def".getBytes()), 3);
            f.force();
            storage.syncDirectory();
        }
        assertThat(storage.list()).containsExactly("b");
        assertThat(Files.readString(temp.resolve("nested/log/b"))).isEqualTo("abcdef");
        storage.delete("b");
        storage.delete("b");
        assertThat(storage.list()).isEmpty();
        assertThatThrownBy(() -> storage.open("../escape")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.open("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReaderThatIsInterruptedDoesNotBreakTheLog() throws Exception {
        Path dir = temp.resolve("log");
        try (SegmentedLog log = open(new FileLogStorage(dir), LogOptions.defaults())) {
            AppendedRecord r = join(log.append("before".getBytes()));
            Thread.currentThread().interrupt();
            assertThat(log.read(r.position())).isEqualTo("before".getBytes());
            assertThat(Thread.interrupted()).isTrue();
            assertThat(join(log.append("after".getBytes())).index()).isEqualTo(2);
        }
    }

    /** How fast recovery runs is {@code storelog bench append}'s question; this checks it finds every record. */
    @Test
    void recoversAHundredThousandRecordsInOrder() throws Exception {
        assertRecoversEveryRecord(100_000);
    }

    @Test
    @Tag("slow")
    void recoversAMillionRecordsInOrder() throws Exception {
        assertRecoversEveryRecord(1_000_000);
    }

    private void assertRecoversEveryRecord(int count) throws Exception {
        Path dir = temp.resolve("log");
        Random random = new Random(44);
        byte[][] pool = new byte[64][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = record(random, "p" + i, 280 + random.nextInt(40));
        }
        try (SegmentedLog log = open(new FileLogStorage(dir), LogOptions.defaults())) {
            List<CompletableFuture<List<AppendedRecord>>> groups = new ArrayList<>();
            for (int done = 0; done < count; ) {
                List<byte[]> group = new ArrayList<>();
                for (int i = 0; i < 4000 && done < count; i++, done++) {
                    group.add(pool[done % pool.length]);
                }
                groups.add(log.appendAll(group));
                if (groups.size() == 8) {
                    groups.forEach(LogTesting::join);
                    groups.clear();
                }
            }
            groups.forEach(LogTesting::join);
        }
        try (SegmentedLog log = open(new FileLogStorage(dir), LogOptions.defaults())) {
            long[] seen = {0};
            log.replay((index, position, bytes) -> {
                if (bytes.length != pool[(int) (seen[0] % pool.length)].length) {
                    throw new AssertionError("record " + index + " has the wrong size");
                }
                seen[0]++;
            });
            assertThat(log.recoveryReport().records()).isEqualTo(count);
            assertThat(seen[0]).isEqualTo(count);
        }
    }
}
