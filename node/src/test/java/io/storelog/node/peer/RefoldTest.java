package io.storelog.node.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storelog.node.clock.HybridLogicalClock;
import io.storelog.node.log.FileLogStorage;
import io.storelog.node.log.LogOptions;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.service.ConflictRecorder;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refold a conflict causes, on a real log: entries of a forged origin that changed stock and
 * sales are folded, then evidence freezing it arrives; the state must become exactly the fold of the
 * log without the disputed entries, never show readers a half-rebuilt state on the way, and a restart
 * (recovery, then the refold it schedules) must give the same digest.
 */
class RefoldTest {
    private static final String LANE = "lane-1";
    private static final String FORGED_X = "forged-x";
    private static final String FORGED_Y = "forged-y";
    private static final int LANE_BILLS = 20_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void evidenceTakesTheDisputedEntriesOutOfStateAtomicallyAndARestartAgrees() throws Exception {
        Path logDir = dir.resolve("log");
        List<Entry> lane = new ArrayList<>();
        for (int i = 1; i <= LANE_BILLS; i++) {
            lane.add(i % 10 == 0 ? ForgedEntries.received(LANE, i, "SKU-" + (i % 7), 50_000)
                    : ForgedEntries.bill(LANE, i, "lane", i, "lane-cart-" + i, "SKU-" + (i % 7), 1_000, 150));
        }
        // forged-x: every entry will be disputed (freeze at 1). forged-y: seq 1 is agreed, seq 2 disputed.
        List<Entry> x = List.of(
                ForgedEntries.bill(FORGED_X, 1, "till-f", 1, "fx-1", "SKU-1", 9_000, 150),
                ForgedEntries.received(FORGED_X, 2, "SKU-2", 70_000),
                ForgedEntries.adjusted(FORGED_X, 3, "SKU-3", -11_000));
        List<Entry> y = List.of(
                ForgedEntries.bill(FORGED_Y, 1, "till-g", 1, "fy-1", "SKU-4", 2_000, 150),
                ForgedEntries.bill(FORGED_Y, 2, "till-g", 2, "fy-2", "SKU-5", 4_000, 150));

        StoreState state = new StoreState();
        MergedLog log = open(logDir, state);
        String mineOrigin = log.origin();
        String digestBefore;
        Map<String, Long> frozenBefore;
        VersionVector vvBefore;
        try {
            // The forged entries sit in the middle of the log, with lane entries before and after them.
            offer(log, lane.subList(0, LANE_BILLS / 2));
            offer(log, x);
            offer(log, y);
            offer(log, lane.subList(LANE_BILLS / 2, LANE_BILLS));
            assertThat(state.billByClientId("fx-1")).isPresent();
            assertThat(state.onHandMilli("SKU-2")).isEqualTo(expectedStock(lane, "SKU-2") + 70_000);

            // Readers keep looking while the state is rebuilt: lane bills must never disappear.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            AtomicLong regressions = new AtomicLong();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    reads.incrementAndGet();
                    if (state.maxBillNumber("lane") < LANE_BILLS - 1 || state.billByClientId("lane-cart-1").isEmpty()) {
                        regressions.incrementAndGet();
                    }
                }
            }, "refold-reader");
            reader.start();

            // Other copies of forged-x:1 and forged-y:2 arrive, as a peer would send them.
            MergedLog.Offer clash = log.offer(List.of(
                    ForgedEntries.bill(FORGED_X, 1, "till-f", 1, "fx-1", "SKU-1", 1_000, 150).toByteArray(),
                    ForgedEntries.bill(FORGED_Y, 2, "till-g", 2, "fy-2", "SKU-5", 8_000, 150).toByteArray()));
            assertThat(clash.conflicts()).extracting(MergedLog.Conflict::origin, MergedLog.Conflict::seq)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(FORGED_X, 1L), org.assertj.core.groups.Tuple.tuple(FORGED_Y, 2L));
            new ConflictRecorder(log, state).record(clash.conflicts());
            await().atMost(Duration.ofSeconds(30)).until(() -> state.frozenOrigins().equals(Map.of(FORGED_X, 1L, FORGED_Y, 2L))
                    && log.ownDurableSeq() == 2 && state.entries() == LANE_BILLS + 1 + 2);
            stop.set(true);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(reads.get()).isPositive();
            assertThat(regressions.get()).as("reads that saw a half-rebuilt state (of %d)", reads.get()).isZero();

            // Exactly the fold of the log without the disputed entries.
            StoreState expected = new StoreState();
            long position = 0;
            for (Entry e : lane) {
                expected.apply(e, position++);
            }
            expected.apply(y.get(0), position++);
            for (long seq = 1; seq <= 2; seq++) {
                expected.apply(log.read(mineOrigin, seq).orElseThrow(), position++);
            }
            vvBefore = log.versionVector();
            VersionVector vv = vvBefore;
            assertThat(state.stockSnapshot()).isEqualTo(expected.stockSnapshot());
            assertThat(state.billByClientId("fx-1")).isEmpty();
            assertThat(state.billByClientId("fy-1")).isPresent();
            assertThat(state.billByClientId("fy-2")).isEmpty();
            assertThat(state.onHandMilli("SKU-2")).isEqualTo(expectedStock(lane, "SKU-2"));
            assertThat(state.onHandMilli("SKU-4")).isEqualTo(expectedStock(lane, "SKU-4") - 2_000);
            assertThat(state.maxBillNumber("till-f")).isZero();
            assertThat(state.maxBillNumber("till-g")).isEqualTo(1);
            assertThat(state.salesByTill("2026-11-27")).isEqualTo(expected.salesByTill("2026-11-27"));
            digestBefore = state.digest(() -> vv).digest();
            assertThat(digestBefore).as("digest of the state as if the disputed entries never happened")
                    .isEqualTo(expected.digest(() -> vv).digest());
            frozenBefore = state.frozenOrigins();
            // The disputed entries stay in the grow-only log.
            assertThat(vvBefore.get(FORGED_X)).isEqualTo(3);
            assertThat(vvBefore.get(FORGED_Y)).isEqualTo(2);
        } finally {
            log.close();
        }

        // Restart: recovery folds everything, meets the evidence late in the log, and re-folds.
        StoreState recovered = new StoreState();
        MergedLog reopened = open(logDir, recovered);
        try {
            assertThat(reopened.versionVector()).isEqualTo(vvBefore);
            assertThat(recovered.frozenOrigins()).isEqualTo(frozenBefore);
            assertThat(recovered.digest(() -> vvBefore).digest()).isEqualTo(digestBefore);
            assertThat(recovered.stockSnapshot()).isEqualTo(state.stockSnapshot());
        } finally {
            reopened.close();
        }
    }

    private static MergedLog open(Path logDir, StoreState state) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MergedLog log = new MergedLog("till-u", state, HybridLogicalClock.system(), meters);
        log.open(new FileLogStorage(logDir), LogOptions.defaults(), meters, report -> "till-u-0001");
        return log;
    }

    private static void offer(MergedLog log, List<Entry> entries) throws Exception {
        for (int from = 0; from < entries.size(); from += 1000) {
            List<byte[]> batch = entries.subList(from, Math.min(entries.size(), from + 1000)).stream().map(Entry::toByteArray).toList();
            MergedLog.Offer o = log.offer(batch);
            assertThat(o.accepted()).isEqualTo(batch.size());
            o.durable().get(30, TimeUnit.SECONDS);
        }
    }

    private static long expectedStock(List<Entry> lane, String sku) {
        long s = 0;
        for (Entry e : lane) {
            if (e.hasBill() && e.getBill().getLines(0).getSku().equals(sku)) {
                s -= e.getBill().getLines(0).getQtyMilli();
            } else if (e.hasGoodsReceived() && e.getGoodsReceived().getSku().equals(sku)) {
                s += e.getGoodsReceived().getQtyMilli();
            }
        }
        return s;
    }
}
