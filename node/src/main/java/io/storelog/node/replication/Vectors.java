package io.storelog.node.replication;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.util.HashMap;
import java.util.Map;

/** Version vectors between their value type and the wire message (entries sorted by origin). */
final class Vectors {
    private Vectors() {
    }

    static io.storelog.protocol.VersionVector toProto(VersionVector vv) {
        io.storelog.protocol.VersionVector.Builder b = io.storelog.protocol.VersionVector.newBuilder();
        vv.asMap().forEach((o, s) -> b.addEntries(VersionVectorEntry.newBuilder().setOrigin(o).setSeq(s)));
        return b.build();
    }

    static VersionVector fromProto(io.storelog.protocol.VersionVector p) {
        Map<String, Long> m = new HashMap<>();
        for (VersionVectorEntry e : p.getEntriesList()) {
            m.merge(e.getOrigin(), e.getSeq(), Math::max);
        }
        return VersionVector.of(m);
    }
}
