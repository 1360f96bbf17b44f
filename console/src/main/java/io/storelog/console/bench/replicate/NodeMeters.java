package io.storelog.console.bench.replicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.storelog.node.StoreNode;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The nodes' own meters summed over a set of nodes at one instant: log writer fsyncs and batches,
 * replication traffic and duplicates, and the save-before-print wait for a peer. The difference of two
 * snapshots of the same running nodes says what a stretch of the benchmark made them do.
 */
public record NodeMeters(long fsyncs, double fsyncNanos, double fsyncMaxMs, long batches, double batchRecords,
                         double entriesSent, double entriesReceived, double duplicates, long replicaWaits,
                         double replicaWaitNanos, double replicaWaitMaxMs) {

    public static NodeMeters of(List<StoreNode> nodes) {
        long fsyncs = 0;
        double fsyncNanos = 0;
        double fsyncMax = 0;
        long batches = 0;
        double records = 0;
        double sent = 0;
        double received = 0;
        double dups = 0;
        long waits = 0;
        double waitNanos = 0;
        double waitMax = 0;
        for (StoreNode n : nodes) {
            MeterRegistry m = n.meters();
            Timer fsync = m.find("storelog.log.fsync").timer();
            if (fsync != null) {
                fsyncs += fsync.count();
                fsyncNanos += fsync.totalTime(TimeUnit.NANOSECONDS);
                fsyncMax = Math.max(fsyncMax, fsync.max(TimeUnit.MILLISECONDS));
            }
            DistributionSummary batch = m.find("storelog.log.batch.records").summary();
            if (batch != null) {
                batches += batch.count();
                records += batch.totalAmount();
            }
            sent += count(m, "storelog.replication.entries.sent");
            received += count(m, "storelog.replication.entries.received");
            dups += count(m, "storelog.replication.duplicates");
            Timer wait = m.find("storelog.replication.replica.wait").timer();
            if (wait != null) {
                waits += wait.count();
                waitNanos += wait.totalTime(TimeUnit.NANOSECONDS);
                waitMax = Math.max(waitMax, wait.max(TimeUnit.MILLISECONDS));
            }
        }
        return new NodeMeters(fsyncs, fsyncNanos, fsyncMax, batches, records, sent, received, dups, waits, waitNanos, waitMax);
    }

    private static double count(MeterRegistry m, String name) {
        Counter c = m.find(name).counter();
        return c == null ? 0 : c.count();
    }

    /** What happened since {@code before} (maxima are the meters' recent maxima, not differences). */
    public NodeMeters since(NodeMeters before) {
        return new NodeMeters(fsyncs - before.fsyncs, fsyncNanos - before.fsyncNanos, fsyncMaxMs, batches - before.batches,
                batchRecords - before.batchRecords, entriesSent - before.entriesSent, entriesReceived - before.entriesReceived,
                duplicates - before.duplicates, replicaWaits - before.replicaWaits, replicaWaitNanos - before.replicaWaitNanos,
                replicaWaitMaxMs);
    }

    /** One line on the log writers of all nodes over {@code seconds}. */
    public String logText(double seconds, int nodes) {
        return String.format(Locale.ROOT, "%,d fsyncs on %d nodes (%,.0f/s in all), fsync mean %.3f ms, recent max %.1f ms; "
                        + "%.1f records per fsync", fsyncs, nodes, fsyncs / seconds, fsyncs == 0 ? 0 : fsyncNanos / fsyncs / 1e6,
                fsyncMaxMs, batches == 0 ? 0 : batchRecords / batches);
    }

    /** One line on replication traffic over all nodes. */
    public String replicationText() {
        return String.format(Locale.ROOT, "%,.0f entries sent, %,.0f received, %,.0f of them duplicates (%.0f%%: already held, "
                        + "compared and dropped); peer-ack wait (answered in time) mean %.2f ms, recent max %.1f ms over %,d waits",
                entriesSent, entriesReceived, duplicates, entriesReceived == 0 ? 0 : 100 * duplicates / entriesReceived,
                replicaWaits == 0 ? 0 : replicaWaitNanos / replicaWaits / 1e6, replicaWaitMaxMs, replicaWaits);
    }
}
