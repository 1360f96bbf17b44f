package io.storelog.node.clock;

import io.storelog.protocol.HlcStamp;
import java.util.function.LongSupplier;

/**
 * Hybrid logical clock: wall milliseconds plus a counter, never going backwards. It is seeded at
 * start from the highest stamp in the log, so a reboot with a reset wall clock resumes above what
 * was written. A remote stamp more than {@code maxAheadMs} ahead of local time is not allowed to
 * drag the clock forward; {@link #observe} reports it so the node can raise a drift alert.
 */
public final class HybridLogicalClock {
    private final LongSupplier wallClock;
    private final long maxAheadMs;
    private long wallMs;
    private int counter;

    /** A clock reading {@code wallClock} (epoch ms) that refuses remote stamps further ahead than {@code maxAheadMs}. */
    public HybridLogicalClock(LongSupplier wallClock, long maxAheadMs) {
        this.wallClock = wallClock;
        this.maxAheadMs = maxAheadMs;
    }

    /** The system clock with a five-minute bound. */
    public static HybridLogicalClock system() {
        return system(0);
    }

    /** The system clock shifted by {@code offsetMs} (config {@code clock.offset-ms}: fault tests skew lanes with it). */
    public static HybridLogicalClock system(long offsetMs) {
        return new HybridLogicalClock(() -> System.currentTimeMillis() + offsetMs, 5 * 60_000L);
    }

    /** A stamp for a new local event, greater than every stamp issued or observed before. */
    public synchronized HlcStamp tick() {
        long physical = wallClock.getAsLong();
        if (physical > wallMs) {
            wallMs = physical;
            counter = 0;
        } else {
            counter++;
        }
        return HlcStamp.newBuilder().setWallMs(wallMs).setCounter(counter).build();
    }

    /**
     * Moves the clock past a stamp read from the log or a peer. Returns false, leaving the clock
     * alone, when the stamp is further ahead of local time than the bound allows.
     */
    public synchronized boolean observe(HlcStamp stamp) {
        if (stamp.getWallMs() > wallClock.getAsLong() + maxAheadMs) {
            return false;
        }
        advanceTo(stamp);
        return true;
    }

    /** Moves the clock past a stamp this node wrote itself (recovery): never refused. */
    public synchronized void seed(HlcStamp stamp) {
        advanceTo(stamp);
    }

    /** The last stamp issued or observed, without issuing a new one (for snapshots). */
    public synchronized HlcStamp current() {
        return HlcStamp.newBuilder().setWallMs(wallMs).setCounter(counter).build();
    }

    /** Current wall component, for business-day calculations. */
    public synchronized long wallMs() {
        return Math.max(wallMs, wallClock.getAsLong());
    }

    private void advanceTo(HlcStamp stamp) {
        if (stamp.getWallMs() > wallMs || (stamp.getWallMs() == wallMs && stamp.getCounter() > counter)) {
            wallMs = stamp.getWallMs();
            counter = stamp.getCounter();
        }
    }

    /** Total order of stamps: wall, then counter. */
    public static int compare(HlcStamp a, HlcStamp b) {
        int c = Long.compare(a.getWallMs(), b.getWallMs());
        return c != 0 ? c : Integer.compare(a.getCounter(), b.getCounter());
    }
}
