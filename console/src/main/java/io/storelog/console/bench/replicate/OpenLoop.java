package io.storelog.console.bench.replicate;

import io.storelog.node.billing.BillRequest;
import io.storelog.node.service.BillOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A fixed offered load, open loop: bill k is due at start + k / rate whatever happened to earlier bills,
 * and goes to node k mod N. Answer latency is measured from when the bill was due, so a stalled pacer
 * or node shows up in it (no coordinated omission).
 */
public final class OpenLoop {
    /** What a paced run did. */
    public record Result(long offered, long answered, double seconds, Histogram answerLatency, long singleLane,
                         long errors, String firstError, double maxPacerBehindMs) {
        public double offeredPerSecond() {
            return offered / seconds;
        }
    }

    /** Submits a bill to node i without waiting for its answer. */
    @FunctionalInterface
    public interface AsyncSink {
        CompletableFuture<BillOutcome> submit(int node, BillRequest request);
    }

    private OpenLoop() {
    }

    public static Result run(double ratePerSecond, long durationNanos, int nodes, IntFunction<Supplier<BillRequest>> mixPerNode,
            AsyncSink sink) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Supplier<BillRequest>[] mixes = new Supplier[nodes];
        for (int i = 0; i < nodes; i++) {
            mixes[i] = mixPerNode.apply(i);
        }
        Histogram latency = Latency.histogram();
        AtomicLong answered = new AtomicLong();
        AtomicLong single = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        String[] firstError = new String[1];
        long interval = (long) (1e9 / ratePerSecond);
        long start = System.nanoTime();
        long end = start + durationNanos;
        long offered = 0;
        long maxBehind = 0;
        java.util.List<CompletableFuture<BillOutcome>> all = new java.util.ArrayList<>();
        for (long k = 0; ; k++) {
            long due = start + k * interval;
            if (due >= end) {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxBehind = Math.max(maxBehind, now - due);
            int node = (int) (k % nodes);
            BillRequest request = mixes[node].get();
            CompletableFuture<BillOutcome> f;
            try {
                f = sink.submit(node, request);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            offered++;
            final long dueAt = due;
            all.add(f.whenComplete((o, t) -> {
                long done = System.nanoTime();
                if (t != null) {
                    errors.incrementAndGet();
                    synchronized (firstError) {
                        if (firstError[0] == null) {
                            firstError[0] = t.toString();
                        }
                    }
                    return;
                }
                answered.incrementAndGet();
                if (o.singleLane()) {
                    single.incrementAndGet();
                }
                synchronized (latency) {
                    Latency.record(latency, done - dueAt);
                }
            }));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long waitUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (CompletableFuture<BillOutcome> f : all) {
            try {
                f.get(Math.max(1, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Counted per bill in its callback (or still unanswered: offered minus answered minus errors).
            }
        }
        synchronized (latency) {
            return new Result(offered, answered.get(), seconds, latency.copy(), single.get(), errors.get(), firstError[0],
                    maxBehind / 1e6);
        }
    }
}
