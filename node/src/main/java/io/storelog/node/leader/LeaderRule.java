package io.storelog.node.leader;

import java.util.Collection;
import java.util.Comparator;

/**
 * Who talks to headquarters, as one node sees its store: among itself and the peers it is linked
 * with, role {@code server} first, then the smallest node id. Every node applies the same rule to
 * what it sees, so nodes that see the same set agree without a vote; nodes that see different sets (a
 * split store) may each pick one, which costs bandwidth only, since headquarters deduplicates.
 */
public final class LeaderRule {
    /** A node that may lead: its id and its role ({@code till} or {@code server}). */
    public record Candidate(String id, String role) {
    }

    private static final Comparator<Candidate> ORDER = Comparator
            .comparing((Candidate c) -> !"server".equals(c.role()))
            .thenComparing(Candidate::id);

    private LeaderRule() {
    }

    /** The leader among {@code self} and {@code reachable} (the peers linked now). */
    public static String choose(Candidate self, Collection<Candidate> reachable) {
        Candidate best = self;
        for (Candidate c : reachable) {
            if (ORDER.compare(c, best) < 0) {
                best = c;
            }
        }
        return best.id();
    }
}
