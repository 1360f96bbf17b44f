package io.storelog.node.leader;

import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.util.HashMap;
import java.util.Map;

/** Version vectors between the value type and the wire message used by the HQ protocol and the HQ mark. */
final class ProtoVectors {
    private ProtoVectors() {
    }

    static io.storelog.protocol.VersionVector toProto(VersionVector vv) {
        io.storelog.protocol.VersionVector.Builder b = io.storelog.protocol.VersionVector.newBuilder();
        vv.asMap().forEach((o, s) -> b.addEntries(VersionVectorEntry.newBuilder().setOrigin(o).setSeq(s)));
        return b.build();
    }

    /** A repeated origin keeps its highest seq, so a sloppy sender cannot make a vector move backwards. */
    static VersionVector fromProto(io.storelog.protocol.VersionVector p) {
        Map<String, Long> m = new HashMap<>();
        for (VersionVectorEntry e : p.getEntriesList()) {
            if (!e.getOrigin().isEmpty() && e.getSeq() >= 0) {
                m.merge(e.getOrigin(), e.getSeq(), Math::max);
            }
        }
        return VersionVector.of(m);
    }
}
