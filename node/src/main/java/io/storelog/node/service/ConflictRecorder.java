package io.storelog.node.service;

import com.google.protobuf.ByteString;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.ConflictEvidence;
import io.storelog.protocol.Entry;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns two different entries seen under one id into replicated evidence: an own entry every node
 * folds, freezing that origin below the disputed seq. "Keep the first" would not converge (which copy
 * is first depends on delivery order); evidence does, and the links stay up.
 */
public final class ConflictRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictRecorder.class);

    private final MergedLog log;
    private final StoreState state;

    /** A recorder appending evidence to {@code log}. */
    public ConflictRecorder(MergedLog log, StoreState state) {
        this.log = log;
        this.state = state;
    }

    /** Records evidence for each conflict not already covered by a freeze at or below its seq. */
    public void record(List<MergedLog.Conflict> conflicts) {
        for (MergedLog.Conflict c : conflicts) {
            if (state.frozenOrigins().getOrDefault(c.origin(), Long.MAX_VALUE) <= c.seq()) {
                continue;
            }
            byte[] a = c.heldSha256();
            byte[] b = c.otherSha256();
            boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
            LOG.error("ALERT: two different entries under {}:{}; recording evidence", c.origin(), c.seq());
            log.appendOwn((seq, stamp) -> Entry.newBuilder().setActor("replication").setConflict(ConflictEvidence.newBuilder()
                    .setOrigin(c.origin()).setSeq(c.seq())
                    .setHashLow(ByteString.copyFrom(aFirst ? a : b)).setHashHigh(ByteString.copyFrom(aFirst ? b : a))))
                    .exceptionally(t -> {
                        LOG.error("could not record conflict evidence for {}:{}", c.origin(), c.seq(), t);
                        return null;
                    });
        }
    }
}
