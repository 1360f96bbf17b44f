package io.storelog.node.state;

import io.storelog.node.promotion.HeldPromotion;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.Promotion;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Promotions folded from catalog entries: per id the value with the highest (version, stamp, origin, seq)
 * wins, as for products, so the order entries arrive in does not matter. A withdrawn promotion stays
 * (withdrawn), so an older copy arriving later cannot bring it back.
 */
final class PromotionBook {
    private final TreeMap<String, Catalog.Versioned<Promotion>> byId = new TreeMap<>();

    void apply(Promotion p, long version, HlcStamp stamp, String origin, long seq) {
        Catalog.Versioned<Promotion> candidate = new Catalog.Versioned<>(p, version, stamp, origin, seq);
        if (candidate.beats(byId.get(p.getId()))) {
            byId.put(p.getId(), candidate);
        }
    }

    /** Every promotion held, by id, withdrawn ones included. */
    List<HeldPromotion> all() {
        List<HeldPromotion> out = new ArrayList<>(byId.size());
        for (Catalog.Versioned<Promotion> v : byId.values()) {
            out.add(new HeldPromotion(v.value(), v.version()));
        }
        return out;
    }

    /** The winning values with their keys, by id (for the digest). */
    TreeMap<String, Catalog.Versioned<Promotion>> versioned() {
        return byId;
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(byId.size());
        for (Map.Entry<String, Catalog.Versioned<Promotion>> e : byId.entrySet()) {
            Catalog.Versioned<Promotion> v = e.getValue();
            SnapshotIO.writeMessage(out, v.value());
            out.writeLong(v.version());
            out.writeLong(v.stamp().getWallMs());
            out.writeInt(v.stamp().getCounter());
            out.writeUTF(v.origin());
            out.writeLong(v.seq());
        }
    }

    void readFrom(DataInputStream in) throws IOException {
        byId.clear();
        for (int n = in.readInt(); n > 0; n--) {
            Promotion p = SnapshotIO.readMessage(in, Promotion.parser());
            long version = in.readLong();
            HlcStamp stamp = HlcStamp.newBuilder().setWallMs(in.readLong()).setCounter(in.readInt()).build();
            byId.put(p.getId(), new Catalog.Versioned<>(p, version, stamp, in.readUTF(), in.readLong()));
        }
    }
}
