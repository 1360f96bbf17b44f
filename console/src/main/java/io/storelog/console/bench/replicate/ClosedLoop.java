package io.storelog.console.bench.replicate;

import io.storelog.node.billing.BillRequest;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * W writer threads, each a till lane: build a bill, submit it, wait for the answer, next. A warm-up is
 * run and not counted; a bill counts when it was submitted inside the measured window, and the rate
 * divides by the time from the window's start to the last counted answer.
 */
public final class ClosedLoop {
    /** What a run measured. */
    public record Result(int writers, long bills, double seconds, Histogram latency, long singleLane, long errors,
                         String firstError) {
        public double billsPerSecond() {
            return bills / seconds;
        }
    }

    private ClosedLoop() {
    }

    /**
     * Runs {@code writers} threads; writer i draws bills from {@code mixes.apply(i)} and sends them to
     * {@code sinks.apply(i)}.
     */
    public static Result run(int writers, IntFunction<Supplier<BillRequest>> mixes, IntFunction<BillSink> sinks,
            long warmupNanos, long measureNanos, String threadPrefix) throws InterruptedException {
        return run(writers, mixes, sinks, warmupNanos, measureNanos, threadPrefix, () -> { });
    }

    /** As above; {@code atMeasureStart} runs on the calling thread when the measured window opens (to snapshot meters). */
    public static Result run(int writers, IntFunction<Supplier<BillRequest>> mixes, IntFunction<BillSink> sinks,
            long warmupNanos, long measureNanos, String threadPrefix, Runnable atMeasureStart) throws InterruptedException {
        long measureFrom = System.nanoTime() + warmupNanos;
        long endAt = measureFrom + measureNanos;
        Writer[] ws = new Writer[writers];
        Thread[] threads = new Thread[writers];
        for (int i = 0; i < writers; i++) {
            ws[i] = new Writer(mixes.apply(i), sinks.apply(i), measureFrom, endAt);
            threads[i] = new Thread(ws[i], threadPrefix + i);
            threads[i].setDaemon(true);
        }
        for (Thread t : threads) {
            t.start();
        }
        long now;
        while ((now = System.nanoTime()) < measureFrom) {
            Thread.sleep(Math.max(1, (measureFrom - now) / 1_000_000));
        }
        atMeasureStart.run();
        for (Thread t : threads) {
            t.join();
        }
        Histogram all = Latency.histogram();
        long bills = 0;
        long single = 0;
        long errors = 0;
        long last = measureFrom;
        String firstError = null;
        for (Writer w : ws) {
            all.add(w.latency);
            bills += w.measured;
            single += w.singleLane;
            errors += w.errors;
            last = Math.max(last, w.lastCompletion);
            if (firstError == null) {
                firstError = w.firstError;
            }
        }
        double seconds = Math.max((last - measureFrom) / 1e9, 1e-9);
        return new Result(writers, bills, seconds, all, single, errors, firstError);
    }

    private static final class Writer implements Runnable {
        private final Supplier<BillRequest> mix;
        private final BillSink sink;
        private final long measureFrom;
        private final long endAt;
        final Histogram latency = Latency.histogram();
        long measured;
        long singleLane;
        long errors;
        long lastCompletion;
        String firstError;

        Writer(Supplier<BillRequest> mix, BillSink sink, long measureFrom, long endAt) {
            this.mix = mix;
            this.sink = sink;
            this.measureFrom = measureFrom;
            this.endAt = endAt;
        }

        @Override
        public void run() {
            while (true) {
                BillRequest request = mix.get();
                long t0 = System.nanoTime();
                if (t0 >= endAt) {
                    return;
                }
                boolean counted = t0 >= measureFrom;
                try {
                    boolean single = sink.submit(request);
                    long t1 = System.nanoTime();
                    if (counted) {
                        Latency.record(latency, t1 - t0);
                        measured++;
                        lastCompletion = t1;
                        if (single) {
                            singleLane++;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (counted) {
                        errors++;
                    }
                    if (firstError == null) {
                        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                        firstError = cause.toString();
                    }
                    if (errors > 1_000) {
                        return;
                    }
                }
            }
        }
    }
}
