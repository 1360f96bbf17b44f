package io.storelog.node.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.cluster.ClusterBills;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One till per lane posting bills to its lane's HTTP API without pause, as a busy store would. Every
 * answer 201 (or 200 for a retried cart) is recorded with its bill id: that is an acknowledged bill. A
 * failed or timed-out POST is retried with the same {@code clientBillId}, as a till does, a few times
 * before the cart is given up (then it may or may not exist; either is allowed, a double is not).
 */
final class BillLoad implements AutoCloseable {
    /** An acknowledged bill: the id the lane answered with, its business day and the lane. */
    record Acked(String billId, String businessDay, int lane) {
    }

    private final List<ApiClient> lanes;
    private final long seed;
    private final Map<String, Acked> acked = new ConcurrentHashMap<>();
    private final AtomicInteger[] inFlight;
    private final AtomicBoolean[] paused;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile String lastRejection = "";

    BillLoad(List<ApiClient> lanes, long seed) {
        this.lanes = lanes;
        this.seed = seed;
        this.inFlight = new AtomicInteger[lanes.size()];
        this.paused = new AtomicBoolean[lanes.size()];
        for (int i = 0; i < lanes.size(); i++) {
            inFlight[i] = new AtomicInteger();
            paused[i] = new AtomicBoolean();
        }
    }

    void start() {
        for (int lane = 0; lane < lanes.size(); lane++) {
            int l = lane;
            Thread t = new Thread(() -> till(l), "chaos-till-" + lane);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void till(int lane) {
        Random rnd = new Random(seed * 31 + lane);
        ApiClient api = lanes.get(lane);
        for (long n = 1; !stop.get(); n++) {
            String cid = "lane" + lane + "-" + n;
            String sku = ClusterBills.PIECE_SKUS.get(rnd.nextInt(ClusterBills.PIECE_SKUS.size()));
            boolean done = false;
            for (int attempt = 0; attempt < 6 && !done && !stop.get(); attempt++) {
                while (paused[lane].get() && !stop.get()) {
                    LockSupport.parkNanos(20_000_000L);
                }
                inFlight[lane].incrementAndGet();
                try {
                    ApiClient.Response r = api.tryPost("/api/bills", ClusterBills.oneJson(cid, sku));
                    if (r.status() == 201 || r.status() == 200) {
                        JsonNode b = r.body();
                        acked.put(cid, new Acked(b.get("id").asText(), b.get("businessDay").asText(), lane));
                        done = true;
                    } else {
                        if (r.status() == 400) {
                            rejected.incrementAndGet();
                            lastRejection = r.toString();
                        }
                        failedAttempts.incrementAndGet();
                    }
                } catch (Exception e) {
                    failedAttempts.incrementAndGet();
                } finally {
                    inFlight[lane].decrementAndGet();
                }
                if (!done) {
                    LockSupport.parkNanos((200L + rnd.nextInt(800)) * 1_000_000L);
                }
            }
            if (!done) {
                givenUp.incrementAndGet();
            }
            LockSupport.parkNanos((20L + rnd.nextInt(60)) * 1_000_000L);
        }
    }

    /** Whether a POST to {@code lane} is outstanding right now. */
    boolean inFlight(int lane) {
        return inFlight[lane].get() > 0;
    }

    /**
     * Waits (at most 2 s) until a POST to {@code lane} is outstanding, so the fault injected next strikes a
     * write in flight; whether one is.
     */
    boolean awaitInFlight(int lane) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!inFlight(lane) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000L);
        }
        return inFlight(lane);
    }

    /** As {@link #awaitInFlight(int)}, for a POST to any lane. */
    boolean awaitAnyInFlight() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!anyInFlight() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000L);
        }
        return anyInFlight();
    }

    /** Whether a POST to any lane is outstanding right now. */
    boolean anyInFlight() {
        for (AtomicInteger i : inFlight) {
            if (i.get() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Stops posting to {@code lane} and waits (at most 10 s) until nothing is in flight there. */
    boolean pauseAndDrain(int lane) {
        paused[lane].set(true);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (inFlight[lane].get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        return inFlight[lane].get() == 0;
    }

    void resume(int lane) {
        paused[lane].set(false);
    }

    /** Every acknowledged bill, by cart id. */
    Map<String, Acked> acked() {
        return acked;
    }

    long failedAttempts() {
        return failedAttempts.get();
    }

    long givenUp() {
        return givenUp.get();
    }

    /** POSTs answered 400: the load only sends valid bills, so any is a bug. */
    long rejected() {
        return rejected.get();
    }

    String lastRejection() {
        return lastRejection;
    }

    @Override
    public void close() {
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
