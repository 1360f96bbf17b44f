package io.storelog.node.state;

import io.storelog.protocol.CartRecalled;
import io.storelog.protocol.CartSuspended;
import io.storelog.protocol.Entry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Suspended carts and their recalls. Only the owning lane writes a recall, so one cart has at most
 * one; should two ever meet (a restored disk), the lowest recall id wins on every node alike.
 */
final class Carts {
    private final TreeMap<String, SuspendedCart> byId = new TreeMap<>();
    /** Recalls folded before their cart arrived (entries of different origins come in any order). */
    private final TreeMap<String, Recall> early = new TreeMap<>();
    private final Map<String, Long> maxNumberByTill = new HashMap<>();
    private final SetHash hash = new SetHash();

    private record Recall(String recalledOn, String recallId) {
    }

    void suspend(String id, Entry e) {
        CartSuspended c = e.getCartSuspended();
        Recall r = early.remove(id);
        byId.put(id, new SuspendedCart(id, e.getNode(), c, e.getHlc().getWallMs(),
                r == null ? null : r.recalledOn(), r == null ? null : r.recallId()));
        maxNumberByTill.merge(c.getTill(), c.getNumber(), Math::max);
        hash.add("s|" + id + "|" + c.getTill() + "|" + c.getNumber());
    }

    void recall(String recallId, CartRecalled r) {
        hash.add("r|" + recallId + "|" + r.getCartId() + "|" + r.getRecalledOn());
        SuspendedCart c = byId.get(r.getCartId());
        if (c == null) {
            early.merge(r.getCartId(), new Recall(r.getRecalledOn(), recallId),
                    (a, b) -> a.recallId().compareTo(b.recallId()) <= 0 ? a : b);
            return;
        }
        if (c.recallId() == null || recallId.compareTo(c.recallId()) < 0) {
            byId.put(c.id(), new SuspendedCart(c.id(), c.owner(), c.cart(), c.suspendedAtMs(), r.getRecalledOn(), recallId));
        }
    }

    SuspendedCart get(String id) {
        return byId.get(id);
    }

    List<SuspendedCart> waiting() {
        return byId.values().stream().filter(c -> !c.recalled()).toList();
    }

    long maxNumber(String till) {
        return maxNumberByTill.getOrDefault(till, 0L);
    }

    /** Order-independent hash of every suspend and recall folded, for the state digest. */
    SetHash hash() {
        return hash;
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(byId.size());
        for (SuspendedCart c : byId.values()) {
            out.writeUTF(c.id());
            out.writeUTF(c.owner());
            SnapshotIO.writeMessage(out, c.cart());
            out.writeLong(c.suspendedAtMs());
            out.writeUTF(c.recalledOn() == null ? "" : c.recalledOn());
            out.writeUTF(c.recallId() == null ? "" : c.recallId());
        }
        out.writeInt(early.size());
        for (Map.Entry<String, Recall> e : early.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue().recalledOn());
            out.writeUTF(e.getValue().recallId());
        }
        hash.writeTo(out);
    }

    void readFrom(DataInputStream in) throws IOException {
        for (int n = in.readInt(); n > 0; n--) {
            String id = in.readUTF();
            String owner = in.readUTF();
            CartSuspended c = SnapshotIO.readMessage(in, CartSuspended.parser());
            long at = in.readLong();
            String on = in.readUTF();
            String rid = in.readUTF();
            byId.put(id, new SuspendedCart(id, owner, c, at, on.isEmpty() ? null : on, rid.isEmpty() ? null : rid));
            maxNumberByTill.merge(c.getTill(), c.getNumber(), Math::max);
        }
        for (int n = in.readInt(); n > 0; n--) {
            early.put(in.readUTF(), new Recall(in.readUTF(), in.readUTF()));
        }
        hash.readFrom(in);
    }
}
