package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Tender;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class CheckedEntryTest {
    private final MessageDigest md = CheckedEntry.digest();

    @Test
    void billsRefundsAndVoidsMoveTheSalesTotal() {
        CheckedEntry bill = CheckedEntry.check(TestEntries.bill("till1-a", 1, 1299), md);
        CheckedEntry refund = CheckedEntry.check(TestEntries.refund("till1-a", 2, "till1-a:1", 300), md);
        CheckedEntry voided = CheckedEntry.check(TestEntries.voided("till1-a", 3, "till1-a:1", 999), md);
        CheckedEntry goods = CheckedEntry.check(TestEntries.goods("till1-a", 4), md);

        assertThat(bill).extracting(CheckedEntry::problem, CheckedEntry::bills, CheckedEntry::salesDelta).containsExactly(null, 1, 1299L);
        assertThat(refund).extracting(CheckedEntry::problem, CheckedEntry::refunds, CheckedEntry::salesDelta).containsExactly(null, 1, -300L);
        assertThat(voided).extracting(CheckedEntry::problem, CheckedEntry::voids, CheckedEntry::salesDelta).containsExactly(null, 1, -999L);
        assertThat(goods).extracting(CheckedEntry::problem, CheckedEntry::salesDelta).containsExactly(null, 0L);
        assertThat(bill.origin()).isEqualTo("till1-a");
        assertThat(bill.seq()).isEqualTo(1);
        assertThat(bill.hashHex()).hasSize(64);
    }

    @Test
    void aDamagedEntryKeepsTheIdItsFirstFieldsStillTell() {
        ByteString damaged = TestEntries.envelope("till2-b", 42).build().toByteString()
                .concat(ByteString.copyFrom(new byte[] {(byte) 0x80, (byte) 0x80}));

        CheckedEntry c = CheckedEntry.check(damaged, md);

        assertThat(c.hasId()).isTrue();
        assertThat(c.origin()).isEqualTo("till2-b");
        assertThat(c.seq()).isEqualTo(42);
        assertThat(c.problem()).startsWith("not a readable entry");
    }

    @Test
    void bytesWithoutAnIdCannotBeHeld() {
        CheckedEntry garbage = CheckedEntry.check(ByteString.copyFromUtf8("{\"json\": true}"), md);
        CheckedEntry noSeq = CheckedEntry.check(Entry.newBuilder().setOrigin("till1-a").build().toByteString(), md);

        assertThat(garbage.hasId()).isFalse();
        assertThat(noSeq.hasId()).isFalse();
        assertThat(noSeq.problem()).contains("no id");
    }

    @Test
    void aBillThatDoesNotAddUpIsAProblem() {
        ByteString shortPaid = TestEntries.envelope("till1-a", 7).setBill(BillCommitted.newBuilder()
                .addLines(BillLine.newBuilder().setNet(500)).setTotal(500)
                .addTenders(Tender.newBuilder().setAmount(400))).build().toByteString();
        ByteString noLines = TestEntries.envelope("till1-a", 8).setBill(BillCommitted.newBuilder()).build().toByteString();

        assertThat(CheckedEntry.check(shortPaid, md).problem()).isEqualTo("bill tenders pay 400 of a total of 500");
        assertThat(CheckedEntry.check(noLines, md).problem()).isEqualTo("bill has no lines");
        assertThat(CheckedEntry.check(noLines, md).bills()).isZero();
    }

    @Test
    void tendersThatOverflowDoNotHideAnEarlierProblem() {
        Tender.Builder huge = Tender.newBuilder().setAmount(Long.MAX_VALUE);
        ByteString noLines = TestEntries.envelope("till1-a", 9).setBill(BillCommitted.newBuilder().setTotal(5)
                .addTenders(huge).addTenders(huge)).build().toByteString();
        ByteString linesOff = TestEntries.envelope("till1-a", 10).setBill(BillCommitted.newBuilder()
                .addLines(BillLine.newBuilder().setNet(4)).setTotal(5).addTenders(huge).addTenders(huge)).build().toByteString();

        assertThat(CheckedEntry.check(noLines, md).problem()).isEqualTo("bill has no lines");
        assertThat(CheckedEntry.check(linesOff, md).problem()).isEqualTo("bill total 5 is not the sum of its lines 4");
    }
}
