package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.record;
import static io.storelog.node.log.LogTesting.records;
import static io.storelog.node.log.LogTesting.replayAll;
import static io.storelog.node.log.LogTesting.segmentNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.testing.FaultyStorage;
import io.storelog.node.testing.PowerCutStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A full disk or an I/O error fails the appends in flight, never what is durable, and heals. */
class DiskFullTest {

    private final Random random = new Random(21);
    private PowerCutStorage disk;
    private FaultyStorage faulty;
    private SimpleMeterRegistry meters;
    private LogTesting.RecordingListener listener;

    @BeforeEach
    void setUp() {
        disk = new PowerCutStorage();
        faulty = new FaultyStorage(disk);
        meters = new SimpleMeterRegistry();
        listener = new LogTesting.RecordingListener();
    }

    private SegmentedLog open(LogOptions options) {
        return SegmentedLog.open(faulty, options, meters, listener);
    }

    /** The failure of a future that must fail. */
    private static StoreLogException failure(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(StoreLogException.class);
            return (StoreLogException) e.getCause();
        }
        throw new AssertionError("expected the append to fail");
    }

    /** Waits until the writer has repaired the segment after a failure and takes appends again. */
    private static void awaitRepaired(SegmentedLog log) {
        await().atMost(Duration.ofSeconds(10)).until(() -> log.failure().isEmpty());
    }

    private double errors(ErrorCode code) {
        var counter = meters.find("storelog.log.errors").tag("code", code.name()).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Reopens what is durable on the disk and returns every record. */
    private List<AppendedRecord> durableRecords(LogOptions options) {
        try (SegmentedLog log = LogTesting.open(disk.durableImage(), options)) {
            return replayAll(log);
        }
    }

    @Test
    void aFullDiskFailsAppendsKeepsWhatWasDurableAndHealsWhenSpaceIsFreed() throws Exception {
        LogOptions options = LogTesting.SMALL.withSegmentBytes(64 << 10);
        List<AppendedRecord> durable;
        try (SegmentedLog log = open(options)) {
            durable = new ArrayList<>(appendEach(log, records(random, 20, 50, 300)));
            faulty.setSpaceLeft(500);
            List<CompletableFuture<AppendedRecord>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(log.append(record(random, "full-" + i, 200)));
            }
            futures.forEach(f -> f.exceptionally(e -> null).join());
            StoreLogException diskFull = null;
            for (CompletableFuture<AppendedRecord> f : futures) {
                if (f.isCompletedExceptionally()) {
                    diskFull = failure(f);
                    assertThat(diskFull.code()).isEqualTo(ErrorCode.DISK_FULL);
                    assertThat(diskFull.getMessage()).contains(SegmentFormat.inProgressName(1));
                } else {
                    AppendedRecord r = f.join();
                    assertThat(r.index()).isEqualTo(durable.size() + 1);
                    durable.add(r);
                }
            }
            assertThat(diskFull).isNotNull();
            assertThat(log.lastDurableIndex()).isEqualTo(durable.size());
            // Futures fail first, then the listener hears (on the writer thread).
            await().until(() -> !listener.failedAt.isEmpty());
            assertThat(listener.failedAt).first().isEqualTo((long) durable.size());
            assertThat(listener.failures.get(0).code()).isEqualTo(ErrorCode.DISK_FULL);
            assertThat(errors(ErrorCode.DISK_FULL)).isPositive();

            // Still full: the next append fails the same way, and the segment is back at its durable end.
            assertThat(failure(log.append(record(random, "still-full", 200))).code()).isEqualTo(ErrorCode.DISK_FULL);
            assertThat(durableRecords(options)).isEqualTo(durable);

            faulty.unlimitedSpace();
            awaitRepaired(log);
            AppendedRecord healed = join(log.append(record(random, "healed", 200)));
            assertThat(healed.index()).isEqualTo(durable.size() + 1);
            durable.add(healed);
        }
        try (SegmentedLog log = LogTesting.open(disk.powerCut(), options)) {
            assertThat(replayAll(log)).isEqualTo(durable);
            assertThat(log.recoveryReport().truncated()).isFalse();
        }
    }

    @Test
    void aFullDiskWhileRollingFailsTheAppendAndTheRollIsRetriedLater() throws Exception {
        LogOptions options = LogTesting.SMALL.withSegmentBytes(1024);
        List<AppendedRecord> durable;
        try (SegmentedLog log = open(options)) {
            durable = new ArrayList<>(appendEach(log, records(random, 9, 100, 100)));
            assertThat(segmentNames(disk)).containsExactly(SegmentFormat.inProgressName(1));
            faulty.setSpaceLeft(0);
            // This record does not fit the segment: sealing works, but the next segment's header cannot be written.
            StoreLogException full = failure(log.append(record(random, "roll", 100)));
            assertThat(full.code()).isEqualTo(ErrorCode.DISK_FULL);
            assertThat(full.getMessage()).contains(SegmentFormat.inProgressName(10));
            faulty.unlimitedSpace();
            awaitRepaired(log);
            durable.add(join(log.append(record(random, "after", 100))));
            assertThat(durable.get(9).index()).isEqualTo(10);
        }
        assertThat(segmentNames(disk)).containsExactly(SegmentFormat.sealedName(1, 9), SegmentFormat.inProgressName(10));
        try (SegmentedLog log = LogTesting.open(disk.powerCut(), options)) {
            assertThat(replayAll(log)).isEqualTo(durable);
        }
    }

    @Test
    void aFailedWriteIsAnIoErrorAndTheLogRecovers() throws Exception {
        LogOptions options = LogTesting.SMALL;
        try (SegmentedLog log = open(options)) {
            List<AppendedRecord> durable = new ArrayList<>(appendEach(log, records(random, 5, 10, 100)));
            faulty.failWrites("Input/output error");
            StoreLogException e = failure(log.append(record(random, "eio", 100)));
            assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
            assertThat(e.getMessage()).contains(SegmentFormat.inProgressName(1)).contains("Input/output error");
            assertThat(errors(ErrorCode.IO_ERROR)).isEqualTo(1);
            faulty.failWrites(null);
            awaitRepaired(log);
            durable.add(join(log.append(record(random, "ok", 100))));
            assertThat(durable.get(5).index()).isEqualTo(6);
            assertThat(durableRecords(options)).isEqualTo(durable);
        }
    }

    @Test
    void whenTheRepairFailsTheLogRefusesAppendsUntilRestart() throws Exception {
        LogOptions options = LogTesting.SMALL;
        List<AppendedRecord> durable;
        try (SegmentedLog log = open(options)) {
            durable = appendEach(log, records(random, 5, 10, 100));
            faulty.failForces("Input/output error");
            StoreLogException first = failure(log.append(record(random, "eio", 100)));
            assertThat(first.code()).isEqualTo(ErrorCode.IO_ERROR);
            // The repair's own fsync fails too: the segment cannot be brought back to a known end.
            await().until(() -> faulty.failedForces() == 2);
            faulty.failForces(null);
            assertThat(log.failure()).containsSame(first);
            StoreLogException later = failure(log.append(record(random, "refused", 100)));
            assertThat(later).isSameAs(first);
            assertThat(failure(log.appendAll(List.of(new byte[] {1}, new byte[] {2})))).isSameAs(first);
            assertThat(log.lastDurableIndex()).isEqualTo(5);
        }
        faulty = new FaultyStorage(disk);
        try (SegmentedLog log = open(options)) {
            List<AppendedRecord> recovered = replayAll(log);
            assertThat(recovered.subList(0, 5)).isEqualTo(durable);
            AppendedRecord next = join(log.append(record(random, "after restart", 100)));
            assertThat(next.index()).isEqualTo(recovered.size() + 1);
        }
    }

    @Test
    void everyQueuedAppendFailsWithTheBatch() throws Exception {
        LogOptions options = LogTesting.SMALL;
        try (SegmentedLog log = open(options)) {
            appendEach(log, records(random, 3, 10, 100));
            FaultyStorage.Gate gate = faulty.holdForces();
            CompletableFuture<AppendedRecord> inForce = log.append(record(random, "held", 50));
            gate.awaitHeld();
            faulty.failForces("Input/output error");
            List<CompletableFuture<AppendedRecord>> queued = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                queued.add(log.append(record(random, "queued-" + i, 50)));
            }
            gate.open();
            StoreLogException cause = failure(inForce);
            for (CompletableFuture<AppendedRecord> f : queued) {
                assertThat(failure(f)).isSameAs(cause);
            }
            await().until(() -> !listener.failedAt.isEmpty());
            assertThat(listener.failedAt).containsExactly(3L);
        }
    }
}
