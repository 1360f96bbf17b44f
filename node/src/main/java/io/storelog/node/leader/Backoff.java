package io.storelog.node.leader;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so stores that lost headquarters together do not all retry in step. */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;

    Backoff(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    /** The wait before attempt {@code failures} + 1: half fixed, half random, within [min, max]. */
    long delayMillis(int failures) {
        long ceiling = minMillis << Math.min(Math.max(0, failures - 1), 20);
        ceiling = Math.min(maxMillis, Math.max(minMillis, ceiling));
        long half = ceiling / 2;
        long d = half + ThreadLocalRandom.current().nextLong(half + 1);
        return Math.max(minMillis, Math.min(maxMillis, d));
    }
}
