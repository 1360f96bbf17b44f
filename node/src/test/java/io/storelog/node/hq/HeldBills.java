package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.storelog.protocol.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.util.ArrayList;
import java.util.List;

/** What an HQ store holds of one origin's bills ({@link TestEntries#bills}), as the ingest tests check it. */
final class HeldBills {
    private HeldBills() {
    }

    /** Every entry {@code hq} holds (its vector covers) for {@code store}. */
    static List<ByteString> held(HqStore hq, String store) {
        List<ByteString> out = new ArrayList<>();
        hq.forEachEntry(store, bytes -> out.add(ByteString.copyFrom(bytes)));
        return out;
    }

    /** A vector of one origin. */
    static VersionVector vector(String origin, long seq) {
        return VersionVector.newBuilder().addEntries(VersionVectorEntry.newBuilder().setOrigin(origin).setSeq(seq)).build();
    }

    /** {@code hq} holds bills from..to of {@code origin} exactly once, as first sent, and counted {@code quarantined} other copies. */
    static void assertHolds(HqStore hq, String store, String origin, long from, long to, long quarantined) {
        StoreSummary s = hq.summary(store).orElseThrow();
        assertThat(s.vector()).isEqualTo(vector(origin, to));
        assertThat(s.entries()).isEqualTo(to - from + 1);
        assertThat(s.bills()).isEqualTo(to - from + 1);
        assertThat(s.salesTotal()).isEqualTo(TestEntries.billTotals(from, to));
        assertThat(s.quarantined()).isEqualTo(quarantined);
        assertThat(held(hq, store)).containsExactlyInAnyOrderElementsOf(TestEntries.bills(origin, from, to));
    }
}
