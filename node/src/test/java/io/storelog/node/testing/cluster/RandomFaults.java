package io.storelog.node.testing.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * A seeded schedule of faults on a {@link TestCluster}: cut, silence (a pulled cable), isolate and heal links;
 * stop, kill and restart nodes, never leaving fewer than two running. The schedule follows the seed (thread
 * timing does not) and counts what it did, including the faults that struck while writes were in flight, so a
 * run that tested nothing can fail.
 */
public final class RandomFaults {
    private final TestCluster cluster;
    private final Random rnd;
    private final IntSupplier inFlight;
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger faultsInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();

    /** Faults on {@code cluster} drawn from {@code rnd}; {@code inFlight} says how many writes are waiting right now. */
    public RandomFaults(TestCluster cluster, Random rnd, IntSupplier inFlight) {
        this.cluster = cluster;
        this.rnd = rnd;
        this.inFlight = inFlight;
    }

    /** Strikes faults for {@code duration}, pausing a random 50-400 ms between them (the rhythm, not a wait for a condition). */
    public void run(Duration duration) {
        int nodes = cluster.size();
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            int i = rnd.nextInt(nodes);
            int j = (i + 1 + rnd.nextInt(nodes - 1)) % nodes;
            boolean hitsWrites = inFlight.getAsInt() > 0;
            String kind = strike(rnd.nextInt(100), i, j);
            if (kind == null) {
                continue;
            }
            faults.incrementAndGet();
            kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            if (hitsWrites && !kind.startsWith("heal") && !kind.equals("restart")) {
                faultsInFlight.incrementAndGet();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50 + rnd.nextInt(350)));
        }
    }

    /** One fault picked by {@code roll}; null when it does not apply now (too few nodes up, none down). */
    private String strike(int roll, int i, int j) {
        TestCluster c = cluster;
        if (roll < 18) {
            c.partition(i, j);
            return "partition";
        } else if (roll < 25) {
            c.silence(i, j);
            return "silence";
        } else if (roll < 40) {
            c.heal(i, j);
            return "heal";
        } else if (roll < 47) {
            c.isolate(i);
            return "isolate";
        } else if (roll < 55) {
            c.healAll();
            return "heal-all";
        } else if (roll < 81) {
            if (c.running().size() <= 2 || !c.isRunning(i)) {
                return null;
            }
            if (roll < 68) {
                c.stop(i);
                return "stop";
            }
            c.kill(i);
            return "kill";
        }
        List<Integer> down = new ArrayList<>();
        for (int k = 0; k < c.size(); k++) {
            if (!c.isRunning(k)) {
                down.add(k);
            }
        }
        if (down.isEmpty()) {
            return null;
        }
        c.start(down.get(rnd.nextInt(down.size())));
        return "restart";
    }

    /** Faults struck (heals and restarts included). */
    public int faults() {
        return faults.get();
    }

    /** Faults (not heals or restarts) that struck while at least one write was waiting for its answer. */
    public int faultsInFlight() {
        return faultsInFlight.get();
    }

    /** How many of each kind, by name. */
    public Map<String, Integer> kinds() {
        Map<String, Integer> out = new TreeMap<>();
        kinds.forEach((k, n) -> out.put(k, n.get()));
        return out;
    }
}
