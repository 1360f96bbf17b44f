package io.storelog.node.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionVectorTest {
    @Test
    void mergeIsCommutativeAssociativeAndIdempotent() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            VersionVector a = random(rnd);
            VersionVector b = random(rnd);
            VersionVector c = random(rnd);
            assertThat(a.merge(b)).isEqualTo(b.merge(a));
            assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
            assertThat(a.merge(a)).isEqualTo(a);
            assertThat(a.merge(b).dominates(a)).isTrue();
            assertThat(a.lagBehind(a.merge(b))).isEqualTo(a.merge(b).total() - a.total());
        }
    }

    @Test
    void indexTracksContiguousPrefixesOnly() {
        EntryIndex index = new EntryIndex();
        index.add("a", 1, 10);
        index.add("a", 2, 20);
        index.add("b", 1, 30);
        assertThat(index.versionVector().asMap()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("a", 2L, "b", 1L)));
        assertThat(index.position("a", 2)).isEqualTo(20);
        assertThat(index.position("a", 3)).isEqualTo(-1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.add("a", 4, 40)).isInstanceOf(IllegalStateException.class);
    }

    private static VersionVector random(Random rnd) {
        Map<String, Long> m = new HashMap<>();
        for (String o : new String[] {"a", "b", "c", "d"}) {
            if (rnd.nextBoolean()) {
                m.put(o, (long) rnd.nextInt(10));
            }
        }
        return VersionVector.of(m);
    }
}
