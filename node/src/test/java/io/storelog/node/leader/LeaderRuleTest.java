package io.storelog.node.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.leader.LeaderRule.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader rule: role server first, then the smallest node id, whatever order peers are listed in. */
class LeaderRuleTest {
    @Test
    void aLoneNodeLeadsItself() {
        assertThat(LeaderRule.choose(new Candidate("till-3", "till"), List.of())).isEqualTo("till-3");
    }

    @Test
    void smallestIdAmongTills() {
        Candidate self = new Candidate("till-2", "till");
        assertThat(LeaderRule.choose(self, List.of(new Candidate("till-3", "till"), new Candidate("till-1", "till"))))
                .isEqualTo("till-1");
        assertThat(LeaderRule.choose(new Candidate("till-1", "till"), List.of(new Candidate("till-3", "till"),
                new Candidate("till-2", "till")))).isEqualTo("till-1");
    }

    @Test
    void aServerBeatsEveryTill() {
        assertThat(LeaderRule.choose(new Candidate("a-till", "till"), List.of(new Candidate("z-server", "server"),
                new Candidate("b-till", "till")))).isEqualTo("z-server");
        assertThat(LeaderRule.choose(new Candidate("srv-2", "server"), List.of(new Candidate("srv-1", "server"),
                new Candidate("a", "till")))).isEqualTo("srv-1");
    }

    @Test
    void everyNodeSeeingTheSameSetAgrees() {
        List<Candidate> all = List.of(new Candidate("t2", "till"), new Candidate("t1", "till"), new Candidate("s9", "server"),
                new Candidate("t0", "till"));
        for (Candidate self : all) {
            List<Candidate> others = all.stream().filter(c -> c != self).toList();
            assertThat(LeaderRule.choose(self, others)).isEqualTo("s9");
        }
    }
}
