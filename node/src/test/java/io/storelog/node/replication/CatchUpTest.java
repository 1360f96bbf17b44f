package io.storelog.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.StoreNode;
import io.storelog.node.testing.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that was down while the others wrote many entries comes back and catches up: the catch-up
 * is read from the peers' disks in bounded batches under backpressure, and ends converged.
 */
class CatchUpTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /**
     * 5–25 s on 2 cores (measured: writing 100k took 2–12 s, the catch-up 2–8 s, 12k–45k entries/s, as the
     * log got faster and with other builds on the machine), so the 100k case runs in CI.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aStoppedNodeCatchesUpAHundredThousandEntries() throws Exception {
        catchUp(100_000);
    }

    private void catchUp(int total) throws Exception {
        try (TestCluster c = TestCluster.builder(dir).nodes(Integer.getInteger("storelog.catchup.nodes", 3)).start()) {
            c.awaitLinked(Duration.ofSeconds(10));
            c.awaitAllReady(Duration.ofSeconds(15));
            c.awaitConverged(Duration.ofSeconds(10));
            long heldWhenStopped = c.node(2).log().entries();
            c.stop(2);
            long t0 = System.nanoTime();
            CompletableFuture<Void> a = write(c.node(0), total / 2);
            CompletableFuture<Void> b = write(c.node(1), total - total / 2);
            CompletableFuture.allOf(a, b).get(120, TimeUnit.SECONDS);
            double writeSecs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("CatchUpTest: wrote %,d entries on two nodes in %.1f s (%,.0f entries/s)%n", total, writeSecs,
                    total / writeSecs);
            c.awaitConverged(Duration.ofSeconds(60));
            long held = c.node(0).log().entries();
            long behind = held - heldWhenStopped;

            long t1 = System.nanoTime();
            c.start(2);
            c.awaitConverged(Duration.ofSeconds(total / 500 + 30));
            double catchUpSecs = (System.nanoTime() - t1) / 1e9;
            StoreNode late = c.node(2);
            System.out.printf("CatchUpTest: %s caught up %,d entries in %.1f s (%,.0f entries/s, start included); "
                            + "received %,.0f entries of which %,.0f duplicates, %,.0f gaps%n",
                    c.name(2), behind, catchUpSecs, behind / catchUpSecs,
                    late.meters().counter("storelog.replication.entries.received").count(),
                    late.meters().counter("storelog.replication.duplicates").count(),
                    late.meters().counter("storelog.replication.gaps").count());
            c.verify(() -> {
                assertThat(c.node(2).log().entries()).isEqualTo(held);
                assertThat(c.node(2).state().onHandMilli("SOAP")).isEqualTo(1000L * total);
            });
        }
    }

    /** {@code n} goods receipts, many in flight at once so the log commits them in groups. */
    private static CompletableFuture<Void> write(StoreNode node, int n) {
        return CompletableFuture.runAsync(() -> {
            Semaphore inFlight = new Semaphore(4096);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            CompletableFuture<?>[] all = new CompletableFuture<?>[n];
            for (int k = 0; k < n && failed.get() == null; k++) {
                inFlight.acquireUninterruptibly();
                all[k] = node.stock().receive("SOAP", 1000, "r", "test").whenComplete((ok, t) -> {
                    inFlight.release();
                    if (t != null) {
                        failed.compareAndSet(null, t);
                    }
                });
            }
            if (failed.get() != null) {
                throw new AssertionError("a receipt failed", failed.get());
            }
            CompletableFuture.allOf(all).join();
        });
    }
}
