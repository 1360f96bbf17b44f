package io.storelog.node.clock;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.protocol.HlcStamp;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final HybridLogicalClock clock = new HybridLogicalClock(wall::get, 60_000);

    @Test
    void stampsKeepGrowingWhenTheWallClockStallsOrGoesBack() {
        HlcStamp a = clock.tick();
        HlcStamp b = clock.tick();
        wall.set(500_000);
        HlcStamp c = clock.tick();
        assertThat(HybridLogicalClock.compare(a, b)).isNegative();
        assertThat(HybridLogicalClock.compare(b, c)).isNegative();
        assertThat(c.getWallMs()).isEqualTo(1_000_000);
    }

    @Test
    void aRebootWithAResetClockResumesAboveTheLogsHighestStamp() {
        HlcStamp stored = HlcStamp.newBuilder().setWallMs(9_000_000).setCounter(4).build();
        clock.seed(stored);
        assertThat(HybridLogicalClock.compare(clock.tick(), stored)).isPositive();
    }

    @Test
    void aRemoteStampFarAheadIsRefusedAndDoesNotDragTheClock() {
        HlcStamp farAhead = HlcStamp.newBuilder().setWallMs(wall.get() + 3_600_000).build();
        assertThat(clock.observe(farAhead)).isFalse();
        assertThat(clock.tick().getWallMs()).isEqualTo(wall.get());
        HlcStamp slightlyAhead = HlcStamp.newBuilder().setWallMs(wall.get() + 1_000).build();
        assertThat(clock.observe(slightlyAhead)).isTrue();
        assertThat(HybridLogicalClock.compare(clock.tick(), slightlyAhead)).isPositive();
    }

    @Test
    void aConfiguredOffsetSkewsTheStampsByThatMuch() {
        long before = System.currentTimeMillis();
        long ahead = HybridLogicalClock.system(3_600_000).tick().getWallMs();
        long behind = HybridLogicalClock.system(-3_600_000).tick().getWallMs();
        long after = System.currentTimeMillis();
        assertThat(ahead).isBetween(before + 3_600_000, after + 3_600_000);
        assertThat(behind).isBetween(before - 3_600_000, after - 3_600_000);
    }
}
