package io.storelog.console.bench.replicate;

import org.HdrHistogram.Histogram;

/**
 * The same slice of CPU work (about 50 microseconds) timed many times on one thread. On an idle machine
 * every run takes about the same; when other work shares the cores, the tail shows how long a thread can
 * be kept off the CPU, and every latency tail of the run carries that too.
 */
public final class NoiseFloor {
    private NoiseFloor() {
    }

    public static Histogram measure(int samples) {
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += spin(1_000);
        }
        long c0 = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            sink += spin(1_000);
        }
        long perThousand = Math.max(1, (System.nanoTime() - c0) / 1_000);
        long iterations = Math.max(1_000, 50_000L * 1_000 / perThousand);
        Histogram h = Latency.histogram();
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            sink += spin(iterations);
            Latency.record(h, System.nanoTime() - t0);
        }
        if (sink == 42) {
            System.out.print("");
        }
        return h;
    }

    private static long spin(long iterations) {
        long x = 0x9E3779B97F4A7C15L;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
