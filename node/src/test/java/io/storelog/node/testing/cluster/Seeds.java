package io.storelog.node.testing.cluster;

import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds of the randomized store tests: {@code -Dstorelog.seed=S} replays one seed everywhere; otherwise CI runs
 * a few fixed seeds and the slow variant {@code -Dstorelog.seeds=N} more from a range of its own.
 */
public final class Seeds {
    private Seeds() {
    }

    /** The fixed CI seeds, or the one replayed. */
    public static Stream<Long> ci(Long... fixed) {
        String one = System.getProperty("storelog.seed");
        return one != null ? Stream.of(Long.parseLong(one)) : Stream.of(fixed);
    }

    /** {@code storelog.seeds} seeds (default {@code defaultCount}) from {@code first} on, or the one replayed. */
    public static Stream<Long> many(long first, int defaultCount) {
        String one = System.getProperty("storelog.seed");
        if (one != null) {
            return Stream.of(Long.parseLong(one));
        }
        int n = Integer.parseInt(System.getProperty("storelog.seeds", Integer.toString(defaultCount)));
        return LongStream.range(first, first + n).boxed();
    }
}
