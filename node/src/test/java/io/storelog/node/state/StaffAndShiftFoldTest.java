package io.storelog.node.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.SeqRange;
import io.storelog.protocol.ShiftClosed;
import io.storelog.protocol.ShiftOpened;
import io.storelog.protocol.StaffRole;
import io.storelog.protocol.StaffUpdate;
import io.storelog.protocol.ZReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Staff, shifts and Z reports fold to the same state and digest in any delivery order, survive a
 * snapshot, and per staff id the highest version wins whatever the clock stamps say.
 */
class StaffAndShiftFoldTest {
    private static Entry entry(String origin, long seq, long wallMs, Entry.Builder body) {
        return body.setOrigin(origin).setSeq(seq).setNode(origin.substring(0, origin.lastIndexOf('-')))
                .setHlc(HlcStamp.newBuilder().setWallMs(wallMs)).build();
    }

    private static Entry.Builder staff(String id, long version, String name) {
        return Entry.newBuilder().setStaffUpdate(StaffUpdate.newBuilder().setStaffId(id).setName(name).setVersion(version)
                .setRole(StaffRole.CASHIER).setActive(true).setSalt(ByteString.copyFromUtf8("salt")).setKdfIterations(1000));
    }

    private static List<Entry> log() {
        List<Entry> out = new ArrayList<>();
        String a = "till-1-aaaaaaaaaaaa";
        String b = "till-2-bbbbbbbbbbbb";
        String hq = "server-cccccccccccc";
        // Version 1 from HQ carries an older clock stamp than the local version-0 rows: version decides.
        out.add(entry(hq, 1, 1_000, staff("ann", 1, "Ann v1")));
        out.add(entry(a, 1, 5_000, staff("ann", 0, "Ann file a")));
        out.add(entry(b, 1, 6_000, staff("ann", 0, "Ann file b")));
        out.add(entry(b, 2, 6_001, staff("bob", 0, "Bob b")));
        out.add(entry(a, 2, 5_001, staff("bob", 0, "Bob a")));
        out.add(entry(a, 3, 7_000, Entry.newBuilder().setActor("ann").setShiftOpened(ShiftOpened.newBuilder()
                .setShiftId(a + ":3").setTill("till-1").setOpeningFloat(500))));
        out.add(entry(a, 4, 8_000, Entry.newBuilder().setShiftClosed(ShiftClosed.newBuilder().setShiftId(a + ":3").setTill("till-1"))));
        out.add(entry(a, 5, 9_000, Entry.newBuilder().setZReport(ZReport.newBuilder().setTill("till-1").setNumber(1)
                .addCoverage(SeqRange.newBuilder().setOrigin(a).setAfterSeq(0).setToSeq(4)))));
        out.add(entry(b, 3, 9_500, Entry.newBuilder().setShiftOpened(ShiftOpened.newBuilder()
                .setShiftId(b + ":3").setTill("till-2").setOpeningFloat(100))));
        return out;
    }

    private static StoreState fold(List<Entry> entries) {
        StoreState s = new StoreState();
        for (int i = 0; i < entries.size(); i++) {
            s.apply(entries.get(i), i);
        }
        return s;
    }

    private static VersionVector vv(List<Entry> entries) {
        Map<String, Long> m = new TreeMap<>();
        entries.forEach(e -> m.merge(e.getOrigin(), e.getSeq(), Math::max));
        return VersionVector.of(m);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void anyOrderGivesTheSameStateAndDigest(long seed) throws Exception {
        List<Entry> entries = log();
        StoreState inOrder = fold(entries);
        List<Entry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(seed));
        StoreState anyOrder = fold(shuffled);
        VersionVector vv = vv(entries);
        assertThat(anyOrder.digest(() -> vv).digest()).isEqualTo(inOrder.digest(() -> vv).digest());
        assertThat(anyOrder.staff(d -> d.member("ann")).orElseThrow().update().getName()).isEqualTo("Ann v1");
        assertThat(anyOrder.staff(d -> d.member("bob")).orElseThrow().update().getName()).isEqualTo("Bob b");
        ShiftRecord shift = anyOrder.shifts(book -> book.shift("till-1-aaaaaaaaaaaa:3")).orElseThrow();
        assertThat(shift.isClosed()).isTrue();
        assertThat(shift.closeSeq()).isEqualTo(4);
        java.util.Optional<ShiftRecord> open = anyOrder.shifts(book -> book.openShiftOf("till-2-bbbbbbbbbbbb"));
        assertThat(open).isPresent();
        Map<String, Long> covered = anyOrder.shifts(book -> book.zCoveredTo("till-1"));
        assertThat(covered).isEqualTo(Map.of("till-1-aaaaaaaaaaaa", 4L));

        // A snapshot carries all of it.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        anyOrder.writeTo(new DataOutputStream(bytes));
        StoreState restored = new StoreState();
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(restored.digest(() -> vv).digest()).isEqualTo(inOrder.digest(() -> vv).digest());
    }

    @Test
    void theDigestSeesStaffChanges() {
        List<Entry> entries = log();
        List<Entry> fewer = new ArrayList<>(entries);
        fewer.remove(0);
        VersionVector vv = vv(entries);
        assertThat(fold(fewer).digest(() -> vv).digest()).isNotEqualTo(fold(entries).digest(() -> vv).digest());
    }
}
