package io.storelog.node.log;

import static io.storelog.node.log.LogTesting.join;
import static io.storelog.node.log.LogTesting.record;
import static io.storelog.node.log.LogTesting.replayAll;
import static io.storelog.node.log.LogTesting.segmentNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storelog.node.testing.PowerCutStorage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several threads append while the power is cut at a random moment; the disk that comes back holds
 * every acknowledged record, byte for byte, as a contiguous prefix, and nothing that was never sent.
 */
class PowerCutTest {

    private static final int THREADS = 4;
    private static int cutsThatTore;

    @org.junit.jupiter.api.AfterAll
    static void someCutsToreARecord() {
        // Guards the test itself: if no cut ever tore a write, recovery's repair path went untested.
        assertThat(cutsThatTore).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void everyAcknowledgedRecordSurvives(long seed) throws Exception {
        Random random = new Random(seed);
        PowerCutStorage disk = new PowerCutStorage();
        // Small segments so cuts land during rolls too; odd sizes vary where the rolls fall.
        LogOptions options = new LogOptions(2048 + random.nextInt(6144), 1 + random.nextInt(64), 16 << 10, 4096);
        LogTesting.RecordingListener listener = new LogTesting.RecordingListener();
        SegmentedLog log = SegmentedLog.open(disk, options, new SimpleMeterRegistry(), listener);

        Set<ByteBuffer> sent = ConcurrentHashMap.newKeySet();
        Map<Long, AppendedRecord> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long threadSeed = random.nextLong();
            String name = "t" + t;
            Thread thread = new Thread(() -> appendUntilStopped(log, name, new Random(threadSeed), sent, acked, stop));
            thread.start();
            threads.add(thread);
        }
        Map<Long, AppendedRecord> ackedBeforeCut;
        PowerCutStorage survivor;
        if (seed % 2 == 0) {
            // Strike inside the writer's work: just before its n-th fsync, or n-th change of any kind.
            CompletableFuture<PowerCutStorage> cut = seed % 4 == 0
                    ? disk.cutPowerBeforeFsync(1 + random.nextInt(400), random)
                    : disk.cutPowerBefore(10 + random.nextInt(1500), random);
            survivor = cut.get(30, TimeUnit.SECONDS);
            ackedBeforeCut = acked;
        } else {
            // Strike at whatever moment the test thread gets to it.
            int target = 1 + random.nextInt(1500);
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> acked.size() >= target);
            ackedBeforeCut = Map.copyOf(acked);
            survivor = seed % 3 == 0 ? disk.powerCut() : disk.powerCut(random);
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        log.close();

        try (SegmentedLog reopened = SegmentedLog.open(survivor, options, new SimpleMeterRegistry(),
                DurableListener.none())) {
            List<AppendedRecord> recovered = replayAll(reopened);
            for (int i = 0; i < recovered.size(); i++) {
                assertThat(recovered.get(i).index()).isEqualTo(i + 1);
            }
            Set<ByteBuffer> distinct = new HashSet<>();
            for (AppendedRecord r : recovered) {
                assertThat(sent).as("record %d was never sent", r.index()).contains(ByteBuffer.wrap(r.bytes()));
                assertThat(distinct.add(ByteBuffer.wrap(r.bytes()))).as("record %d twice", r.index()).isTrue();
            }
            for (AppendedRecord a : ackedBeforeCut.values()) {
                assertThat(a.index()).as("acknowledged index").isLessThanOrEqualTo(recovered.size());
                assertThat(recovered.get((int) a.index() - 1).bytes()).isEqualTo(a.bytes());
            }
            // What the listener was told is what the futures said, in order, with no gaps.
            List<AppendedRecord> told = listener.durable;
            for (int i = 0; i < told.size(); i++) {
                assertThat(told.get(i).index()).isEqualTo(i + 1);
            }
            cutsThatTore += reopened.recoveryReport().truncated() ? 1 : 0;
            byte[] after = "after the power came back".getBytes();
            assertThat(join(reopened.append(after)).index()).isEqualTo(recovered.size() + 1);
        }
        assertThat(segmentNames(survivor)).isNotEmpty();
    }

    private static void appendUntilStopped(SegmentedLog log, String name, Random random, Set<ByteBuffer> sent,
                                           Map<Long, AppendedRecord> acked, AtomicBoolean stop) {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int n = 0; !stop.get(); n++) {
            if (random.nextInt(5) == 0) {
                List<byte[]> group = new ArrayList<>();
                for (int i = 0, size = 2 + random.nextInt(3); i < size; i++) {
                    group.add(record(random, name + "-" + n + "-" + i, 10 + random.nextInt(400)));
                }
                group.forEach(r -> sent.add(ByteBuffer.wrap(r)));
                inFlight.add(log.appendAll(group).thenAccept(list -> list.forEach(r -> acked.put(r.index(), r))));
            } else {
                byte[] r = record(random, name + "-" + n, 10 + random.nextInt(600));
                sent.add(ByteBuffer.wrap(r));
                inFlight.add(log.append(r).thenAccept(a -> acked.put(a.index(), a)));
            }
            if (inFlight.size() >= 1 + random.nextInt(8)) {
                // Wait now and then, so batches vary between one record and many.
                inFlight.forEach(f -> f.exceptionally(e -> null).join());
                inFlight.clear();
            }
        }
    }
}
