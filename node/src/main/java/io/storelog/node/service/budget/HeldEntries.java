package io.storelog.node.service.budget;

import io.storelog.node.merge.MergedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Futures that complete once this node holds a given entry (origin, seq), folded: how a lane waits for a grant it was given. */
final class HeldEntries {
    private final MergedLog log;
    /** Entries waited for, by origin then seq. Guarded by itself. */
    private final Map<String, TreeMap<Long, List<CompletableFuture<Void>>>> waiting = new TreeMap<>();

    HeldEntries(MergedLog log) {
        this.log = log;
        log.onDurable(this::durable);
    }

    /** Completes once this node holds (origin, seq), folded. */
    CompletableFuture<Void> await(String origin, long seq) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.computeIfAbsent(origin, o -> new TreeMap<>()).computeIfAbsent(seq, s -> new ArrayList<>()).add(f);
        }
        if (log.versionVector().get(origin) >= seq) {
            f.complete(null);
        }
        // A wait that timed out (the grant never came) leaves no entry behind.
        f.whenComplete((v, t) -> {
            if (t != null) {
                forget(origin, seq, f);
            }
        });
        return f;
    }

    private void forget(String origin, long seq, CompletableFuture<Void> f) {
        synchronized (waiting) {
            TreeMap<Long, List<CompletableFuture<Void>>> w = waiting.get(origin);
            List<CompletableFuture<Void>> at = w == null ? null : w.get(seq);
            if (at != null) {
                at.remove(f);
                if (at.isEmpty()) {
                    w.remove(seq);
                }
                if (w.isEmpty()) {
                    waiting.remove(origin);
                }
            }
        }
    }

    private void durable(List<MergedLog.Durable> batch) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                return;
            }
            for (MergedLog.Durable d : batch) {
                TreeMap<Long, List<CompletableFuture<Void>>> w = waiting.get(d.origin());
                if (w != null) {
                    Map<Long, List<CompletableFuture<Void>>> upTo = w.headMap(d.seq(), true);
                    upTo.values().forEach(done::addAll);
                    upTo.clear();
                    if (w.isEmpty()) {
                        waiting.remove(d.origin());
                    }
                }
            }
        }
        done.forEach(f -> f.complete(null));
    }
}
