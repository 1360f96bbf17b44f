package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.appendEach;
import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.record;
import static io.storelog.node.log.LogTesting.records;
import static io.storelog.node.log.LogTesting.replayAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.testing.FaultyStorage;
import io.storelog.node.testing.PowerCutStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One writer thread batches what queues up behind an fsync, and tells everyone in order. */
class GroupCommitTest {

    private final Random random = new Random(31);
    private PowerCutStorage disk;
    private FaultyStorage faulty;
    private SimpleMeterRegistry meters;

    @BeforeEach
    void setUp() {
        disk = new PowerCutStorage();
        faulty = new FaultyStorage(disk);
        meters = new SimpleMeterRegistry();
    }

    private SegmentedLog open(LogOptions options, DurableListener listener) {
        return SegmentedLog.open(faulty, options, meters, listener);
    }

    private static StoreLogException failure(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return (StoreLogException) e.getCause();
        }
    }

    @Test
    void appendsQueuedBehindAnFsyncGoIntoOneBatchAndWaitForTheirOwnFsync() throws Exception {
        try (SegmentedLog log = open(LogOptions.defaults(), DurableListener.none())) {
            join(log.append("warm-up".getBytes()));
            FaultyStorage.Gate gate = faulty.holdForces();
            CompletableFuture<AppendedRecord> first = log.append("first".getBytes());
            gate.awaitHeld();
            List<CompletableFuture<AppendedRecord>> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                queued.add(log.append(record(random, "q" + i, 300)));
            }
            // Nothing is acknowledged while its fsync has not returned.
            assertThat(first).isNotDone();
            assertThat(queued).noneMatch(CompletableFuture::isDone);
            gate.open();
            assertThat(join(first).index()).isEqualTo(2);
            for (int i = 0; i < queued.size(); i++) {
                assertThat(join(queued.get(i)).index()).isEqualTo(3 + i);
            }
        }
        assertThat(meters.get("storelog.log.batch.records").summary().max()).isEqualTo(100);
        assertThat(meters.get("storelog.log.batch.records").summary().count()).isEqualTo(3);
        assertThat(meters.get("storelog.log.appends").counter().count()).isEqualTo(102);
        assertThat(meters.get("storelog.log.batch.bytes").summary().totalAmount())
                .isEqualTo(disk.bytes(SegmentFormat.inProgressName(1)).length - SegmentFormat.HEADER_BYTES);
        // One fsync for the new segment's header, one per batch.
        assertThat(meters.get("storelog.log.fsync").timer().count()).isEqualTo(4);
    }

    @Test
    void batchesRespectTheRecordAndByteLimits() throws Exception {
        LogOptions options = new LogOptions(1 << 20, 10, 2000, 4096);
        try (SegmentedLog log = open(options, DurableListener.none())) {
            join(log.append("warm-up".getBytes()));
            FaultyStorage.Gate gate = faulty.holdForces();
            CompletableFuture<AppendedRecord> held = log.append("held".getBytes());
            gate.awaitHeld();
            List<CompletableFuture<AppendedRecord>> queued = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                queued.add(log.append(record(random, "small" + i, 20)));
            }
            for (int i = 0; i < 10; i++) {
                queued.add(log.append(record(random, "big" + i, 900)));
            }
            gate.open();
            join(held);
            queued.forEach(LogTesting::join);
        }
        assertThat(meters.get("storelog.log.batch.records").summary().max()).isEqualTo(10);
        assertThat(meters.get("storelog.log.batch.bytes").summary().max()).isLessThanOrEqualTo(2000);
    }

    @Test
    void theListenerHearsFirstOnTheWriterThreadThenFuturesCompleteInIndexOrder() throws Exception {
        AtomicLong heard = new AtomicLong();
        List<String> threads = new CopyOnWriteArrayList<>();
        List<Boolean> daemon = new CopyOnWriteArrayList<>();
        DurableListener listener = batch -> {
            assertThat(batch.get(0).index()).isEqualTo(heard.get() + 1);
            heard.set(batch.get(batch.size() - 1).index());
            threads.add(Thread.currentThread().getName());
            daemon.add(Thread.currentThread().isDaemon());
        };
        List<Long> completed = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        try (SegmentedLog log = open(LogTesting.SMALL, listener)) {
            for (int i = 0; i < 300; i++) {
                CompletableFuture<?> f = i % 7 == 0
                        ? log.appendAll(records(random, 3, 5, 50)).thenAccept(list -> list.forEach(r -> {
                            assertThat(heard.get()).isGreaterThanOrEqualTo(r.index());
                            completed.add(r.index());
                        }))
                        : log.append(record(random, "r" + i, 40)).thenAccept(r -> {
                            assertThat(heard.get()).isGreaterThanOrEqualTo(r.index());
                            completed.add(r.index());
                        });
                all.add(f);
            }
            all.forEach(LogTesting::join);
        }
        assertThat(completed).isSorted().hasSize(300 + 2 * 43);
        assertThat(threads).containsOnly("storelog-log-writer");
        assertThat(daemon).containsOnly(true);
    }

    @Test
    void oversizedAndEmptyRecordsAreRefusedBeforeQueueing() throws Exception {
        LogOptions options = new LogOptions(1 << 20, 4, 1000, 500);
        try (SegmentedLog log = open(options, DurableListener.none())) {
            join(log.append("ok".getBytes()));
            long sizeBefore = disk.bytes(SegmentFormat.inProgressName(1)).length;
            assertThat(failure(log.append(new byte[501])).code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(failure(log.append(new byte[501])).getMessage()).contains("501").contains("500");
            assertThat(failure(log.append(new byte[0])).code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(failure(log.appendAll(List.of(new byte[10], new byte[501]))).code())
                    .isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(log.appendAll(List.of())).isCompletedWithValue(List.of());
            assertThat(log.lastDurableIndex()).isEqualTo(1);
            assertThat(disk.bytes(SegmentFormat.inProgressName(1))).hasSize((int) sizeBefore);
            assertThat(join(log.append(new byte[500])).index()).isEqualTo(2);
        }
        assertThat(meters.get("storelog.log.errors").tag("code", "BAD_REQUEST").counter().count()).isEqualTo(4);
    }

    @Test
    void aGroupLargerThanTheBatchLimitsIsWrittenAsOneBatchOfItsOwn() throws Exception {
        LogOptions options = new LogOptions(1 << 20, 4, 1000, 500);
        try (SegmentedLog log = open(options, DurableListener.none())) {
            List<byte[]> group = records(random, 9, 300, 400);
            List<AppendedRecord> appended = join(log.appendAll(group));
            assertThat(appended).extracting(AppendedRecord::index).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(replayAll(log)).isEqualTo(appended);
        }
        assertThat(meters.get("storelog.log.batch.records").summary().max()).isEqualTo(9);
    }

    @Test
    void theLogHandsBackTheVeryArrayItWasGiven() throws Exception {
        // No copy on the hot path: the caller recognises its own record by identity (MergedLog folds
        // the entry object it built instead of parsing the bytes back) and never changes the array.
        try (SegmentedLog log = open(LogTesting.SMALL, DurableListener.none())) {
            byte[] mine = "original".getBytes();
            assertThat(join(log.append(mine)).bytes()).isSameAs(mine);
            List<byte[]> group = List.of("a".getBytes(), "b".getBytes());
            List<AppendedRecord> appended = join(log.appendAll(group));
            assertThat(appended.get(0).bytes()).isSameAs(group.get(0));
            assertThat(appended.get(1).bytes()).isSameAs(group.get(1));
            assertThat(new String(replayAll(log).get(0).bytes())).isEqualTo("original");
        }
    }

    @Test
    void closeFinishesEveryPendingAppendThenRefusesNewOnes() throws Exception {
        SegmentedLog log = open(LogTesting.SMALL, DurableListener.none());
        join(log.append("warm-up".getBytes()));
        FaultyStorage.Gate gate = faulty.holdForces();
        List<CompletableFuture<AppendedRecord>> pending = new ArrayList<>();
        pending.add(log.append("held".getBytes()));
        gate.awaitHeld();
        for (int i = 0; i < 50; i++) {
            pending.add(log.append(record(random, "p" + i, 100)));
        }
        Thread closer = new Thread(log::close);
        closer.start();
        await().until(() -> closer.getState() == Thread.State.WAITING);
        assertThat(failure(log.append("too late".getBytes())).code()).isEqualTo(ErrorCode.NOT_READY);
        gate.open();
        closer.join();
        pending.forEach(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        assertThatThrownBy(() -> log.read(pending.get(0).join().position()))
                .isInstanceOfSatisfying(StoreLogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY));
        log.close();
        try (SegmentedLog reopened = LogTesting.open(disk.powerCut(), LogTesting.SMALL)) {
            assertThat(replayAll(reopened)).hasSize(52);
        }
    }

    @Test
    void readRefusesPositionsThatHoldNoDurableRecord() throws Exception {
        try (SegmentedLog log = open(LogTesting.SMALL, DurableListener.none())) {
            List<AppendedRecord> written = appendEach(log, records(random, 5, 10, 20));
            long last = written.get(4).position();
            for (long bogus : new long[] {-1, 0, last + 1000, SegmentFormat.position(7, 20)}) {
                assertThatThrownBy(() -> log.read(bogus)).isInstanceOfSatisfying(StoreLogException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            }
            assertThatThrownBy(() -> log.read(last + 1)).isInstanceOf(StoreLogException.class);
            assertThat(log.read(last)).isEqualTo(written.get(4).bytes());
        }
    }

    @Test
    void concurrentReadersSeeOnlyDurableRecordsWhileAppendsRun() throws Exception {
        try (SegmentedLog log = open(LogTesting.SMALL.withSegmentBytes(2048), DurableListener.none())) {
            List<AppendedRecord> acked = new CopyOnWriteArrayList<>();
            List<Throwable> problems = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                while (acked.size() < 500) {
                    try {
                        List<AppendedRecord> seen = replayAll(log);
                        for (int i = 0; i < seen.size(); i++) {
                            assertThat(seen.get(i).index()).isEqualTo(i + 1);
                        }
                        for (AppendedRecord a : List.copyOf(acked)) {
                            assertThat(log.read(a.position())).isEqualTo(a.bytes());
                        }
                    } catch (Throwable t) {
                        problems.add(t);
                        return;
                    }
                }
            });
            reader.start();
            for (int i = 0; i < 500; i++) {
                log.append(record(random, "c" + i, 10 + random.nextInt(200))).thenAccept(acked::add);
            }
            reader.join();
            assertThat(problems).isEmpty();
        }
    }
}
