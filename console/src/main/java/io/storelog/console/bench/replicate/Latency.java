package io.storelog.console.bench.replicate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latency histograms in nanoseconds and how the report shows them. */
public final class Latency {
    private static final long HIGHEST = TimeUnit.MINUTES.toNanos(10);

    private Latency() {
    }

    /** A histogram of nanoseconds up to 10 minutes, 3 significant digits. */
    public static Histogram histogram() {
        return new Histogram(HIGHEST, 3);
    }

    /** Records {@code nanos}, clamped into the histogram's range. */
    public static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(nanos, HIGHEST)));
    }

    public static double ms(long nanos) {
        return nanos / 1e6;
    }

    public static double p(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : ms(h.getValueAtPercentile(percentile));
    }

    /** "p50 .. p99 .. p999 .. max .." in milliseconds. */
    public static String text(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %7.3f ms  p99 %8.3f ms  p999 %8.3f ms  max %8.3f ms  (n=%,d)",
                p(h, 50), p(h, 99), p(h, 99.9), ms(h.getMaxValue()), h.getTotalCount());
    }

    /** The same figures for the JSON file. */
    public static Map<String, Object> values(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            m.put("p50Ms", p(h, 50));
            m.put("p99Ms", p(h, 99));
            m.put("p999Ms", p(h, 99.9));
            m.put("maxMs", ms(h.getMaxValue()));
            m.put("meanMs", h.getMean() / 1e6);
        }
        return m;
    }
}
