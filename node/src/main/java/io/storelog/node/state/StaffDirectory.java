package io.storelog.node.state;

import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.StaffUpdate;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Staff folded from StaffUpdate entries: per staff id the update with the highest (version, stamp,
 * origin, seq) wins, a maximum, so arrival order does not matter. Bootstrap-file imports are
 * remembered by (content hash, staff id) so re-importing a file adds nothing.
 */
public final class StaffDirectory {
    private final TreeMap<String, StaffMember> members = new TreeMap<>();
    private final TreeSet<String> imported = new TreeSet<>();

    void apply(Entry e) {
        apply(e.getStaffUpdate(), e);
    }

    /** Staff headquarters published in a catalog update: each takes the update's version. */
    void applyCatalog(Entry e) {
        long version = e.getCatalogUpdate().getVersion();
        for (StaffUpdate u : e.getCatalogUpdate().getStaffList()) {
            apply(u.toBuilder().setVersion(version).setSource("hq").build(), e);
        }
    }

    private void apply(StaffUpdate u, Entry e) {
        StaffMember candidate = new StaffMember(u, e.getHlc(), e.getOrigin(), e.getSeq());
        if (candidate.beats(members.get(u.getStaffId()))) {
            members.put(u.getStaffId(), candidate);
        }
        if (!u.getContentHash().isEmpty()) {
            imported.add(u.getContentHash() + "|" + u.getStaffId());
        }
    }

    /** The current record of a member of staff. */
    public Optional<StaffMember> member(String id) {
        return Optional.ofNullable(members.get(id));
    }

    /** Every member of staff, by id. */
    public List<StaffMember> all() {
        return List.copyOf(members.values());
    }

    /** Whether no member of staff is known at all (a store that does not use staff). */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** Whether the file with this content hash already brought this member into the log. */
    public boolean imported(String contentHash, String staffId) {
        return imported.contains(contentHash + "|" + staffId);
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(members.size());
        for (StaffMember m : members.values()) {
            SnapshotIO.writeMessage(out, m.update());
            SnapshotIO.writeMessage(out, m.stamp());
            out.writeUTF(m.origin());
            out.writeLong(m.seq());
        }
        out.writeInt(imported.size());
        for (String key : imported) {
            out.writeUTF(key);
        }
    }

    void readFrom(DataInputStream in) throws IOException {
        for (int n = in.readInt(); n > 0; n--) {
            StaffUpdate u = SnapshotIO.readMessage(in, StaffUpdate.parser());
            HlcStamp stamp = SnapshotIO.readMessage(in, HlcStamp.parser());
            members.put(u.getStaffId(), new StaffMember(u, stamp, in.readUTF(), in.readLong()));
        }
        for (int n = in.readInt(); n > 0; n--) {
            imported.add(in.readUTF());
        }
    }

    /** Canonical lines for the state digest: each winner and each import key. */
    void feed(StateDigest.Lines lines) {
        // (origin, seq) names the winning entry, whose bytes every node holds identically.
        members.forEach((id, m) -> lines.put("staff", id, m.update().getVersion(), m.origin(), m.seq()));
        imported.forEach(key -> lines.put("staff-import", key));
    }
}
