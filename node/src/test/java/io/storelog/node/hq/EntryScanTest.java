package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Discount;
import io.storelog.protocol.Entry;
import io.storelog.protocol.GoodsReceived;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * HQ's quick read of an entry must agree with protobuf's full parse on every entry it answers for: the
 * same id, kind and bill sums; and it must leave to the full parse whatever protobuf would refuse.
 */
class EntryScanTest {
    @Test
    void wellFormedEntriesAreReadWithoutTheFullParseAndAgreeWithIt() {
        for (ByteString e : samples()) {
            EntryScan.Scanned s = EntryScan.scan(e);
            assertThat(s).as("an ordinary entry takes the quick read").isNotNull();
            assertAgrees(e, s);
        }
    }

    @Test
    void aBillSentTwiceInOneEntryIsMergedEvenWithAnotherBodyBetween() {
        Entry.Builder head = TestEntries.envelope("till1-a", 5);
        ByteString first = Entry.newBuilder().setBill(bill(3, 700)).build().toByteString();
        ByteString second = Entry.newBuilder().setBill(BillCommitted.newBuilder()
                .addLines(BillLine.newBuilder().setNet(50)).setTotal(2_150)).build().toByteString();
        ByteString goods = Entry.newBuilder().setGoodsReceived(GoodsReceived.newBuilder().setSku("x").setQtyMilli(1)).build().toByteString();

        ByteString merged = head.build().toByteString().concat(first).concat(second);
        ByteString switched = head.build().toByteString().concat(first).concat(goods).concat(second);

        EntryScan.Scanned m = assertAgrees(merged, EntryScan.scan(merged));
        assertThat(m.lines()).isEqualTo(4);
        assertThat(m.total()).isEqualTo(2_150);
        EntryScan.Scanned s = assertAgrees(switched, EntryScan.scan(switched));
        assertThat(s.isBill()).isTrue();
        assertThat(s.lines()).as("protobuf's builder keeps the first bill while the body is goods for a moment").isEqualTo(4);
    }

    @Test
    void whatProtobufRefusesIsLeftToTheFullParse() {
        byte[] bytes = TestEntries.envelope("till1-a", 9).setBill(BillCommitted.newBuilder()
                .addLines(BillLine.newBuilder().setName("Ä").setNet(10)).setTotal(10)).build().toByteArray();
        // Ä is C3 84 in UTF-8; a lone C3 followed by a byte that is not a continuation is not UTF-8.
        for (int i = 0; i < bytes.length - 1; i++) {
            if (bytes[i] == (byte) 0xC3 && bytes[i + 1] == (byte) 0x84) {
                bytes[i + 1] = 0x41;
            }
        }
        ByteString badUtf8 = ByteString.copyFrom(bytes);
        ByteString truncated = TestEntries.bill("till1-a", 10, 500).substring(0, 40);

        for (ByteString e : List.of(badUtf8, truncated)) {
            assertThat(EntryScan.scan(e)).isNull();
            assertThat(parses(e)).as("protobuf refuses it too").isFalse();
        }
    }

    @Test
    void whatTheQuickReadDeclinesButProtobufAcceptsIsCheckedInFullAlike() {
        ByteString plain = TestEntries.bill("till1-a", 11, 1299);
        // The same entry with its first tag (origin, field 1, length-delimited: 0x0A) padded to six bytes: valid
        // protobuf, longer than the quick read takes.
        assertThat(plain.byteAt(0)).isEqualTo((byte) 0x0A);
        ByteString padded = ByteString.copyFrom(new byte[] {(byte) 0x8A, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00})
                .concat(plain.substring(1));
        assertThat(parses(padded)).as("protobuf reads a padded tag").isTrue();
        assertThat(EntryScan.scan(padded)).isNull();

        CheckedEntry quick = CheckedEntry.check(plain, CheckedEntry.digest());
        CheckedEntry full = CheckedEntry.check(padded, CheckedEntry.digest());
        assertThat(full.problem()).isNull();
        assertThat(List.of(full.origin(), full.seq(), full.bills(), full.salesDelta()))
                .isEqualTo(List.of(quick.origin(), quick.seq(), quick.bills(), quick.salesDelta()));
    }

    @Test
    void damagedAndRecombinedEntriesAreEitherReadAsProtobufReadsThemOrLeftToIt() {
        List<ByteString> samples = samples();
        SplittableRandom random = new SplittableRandom(20261128);
        int quick = 0;
        int leftToFullParse = 0;
        for (int i = 0; i < 30_000; i++) {
            ByteString base = samples.get(random.nextInt(samples.size()));
            ByteString e = mutate(base, samples.get(random.nextInt(samples.size())), random);
            EntryScan.Scanned s = EntryScan.scan(e);
            if (s == null) {
                leftToFullParse++;
            } else {
                quick++;
                assertAgrees(e, s);
            }
        }
        // A run in which every mutation fell to one side would not have compared anything worth comparing.
        assertThat(quick).as("mutations read quickly").isGreaterThan(3_000);
        assertThat(leftToFullParse).as("mutations left to the full parse").isGreaterThan(3_000);
    }

    private static EntryScan.Scanned assertAgrees(ByteString bytes, EntryScan.Scanned s) {
        assertThat(s).isNotNull();
        Entry e;
        try {
            e = Entry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException refused) {
            return fail("the quick read accepted bytes protobuf refuses: " + refused.getMessage());
        }
        assertThat(s.origin()).isEqualTo(e.getOrigin());
        assertThat(s.seq()).isEqualTo(e.getSeq());
        assertThat(s.body()).isEqualTo(e.getBodyCase().getNumber());
        if (e.hasBill()) {
            BillCommitted b = e.getBill();
            assertThat(s.lines()).isEqualTo(b.getLinesCount());
            assertThat(s.linesNet()).isEqualTo(b.getLinesList().stream().mapToLong(BillLine::getNet).sum());
            assertThat(s.total()).isEqualTo(b.getTotal());
            assertThat(s.paid()).isEqualTo(b.getTendersList().stream().mapToLong(Tender::getAmount).sum());
        }
        return s;
    }

    private static boolean parses(ByteString bytes) {
        try {
            Entry.parseFrom(bytes);
            return true;
        } catch (InvalidProtocolBufferException refused) {
            return false;
        }
    }

    /** Bills of several shapes, and other kinds. */
    private static List<ByteString> samples() {
        List<ByteString> out = new ArrayList<>();
        for (int lines = 1; lines <= 12; lines += 3) {
            out.add(TestEntries.envelope("till3-c", lines).setActor("cashier-7").setBill(bill(lines, 199 * lines)).build().toByteString());
        }
        out.add(TestEntries.bill("till1-a", 1, 1299));
        out.add(TestEntries.goods("till1-a", 2));
        out.add(TestEntries.envelope("till2-b", 3).setGoodsReceived(GoodsReceived.newBuilder().setSku("ÄÖ-1").setQtyMilli(-5)
                .setReason("count").setReference("ref")).build().toByteString());
        return out;
    }

    private static BillCommitted.Builder bill(int lines, long each) {
        BillCommitted.Builder b = BillCommitted.newBuilder().setClientBillId("c-" + lines).setTill("till3").setNumber(lines)
                .setBusinessDay("2026-11-28").setCurrency("EUR").setCatalogVersion(4).setTax(lines);
        for (int i = 1; i <= lines; i++) {
            b.addLines(BillLine.newBuilder().setLineNo(i).setSku("sku-" + i).setName("Käse " + i).setQtyMilli(1_500)
                    .setUnitPrice(each).setTaxClass("reduced").setTaxRateBp(700).setGross(each + 10).setLineDiscount(10)
                    .setDiscount(Discount.newBuilder().setAmount(10).setReason("dented")).setNet(each).setTax(3)
                    .setProductVersion(4).setBarcode("4000000000" + i));
        }
        long total = each * lines;
        return b.setTotal(total)
                .addTenders(Tender.newBuilder().setType(TenderType.CARD).setAmount(total - 100).setReference("auth-1"))
                .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(100).setTendered(200));
    }

    /** One damage or recombination of {@code e}: flipped, inserted or removed bytes, a cut, or another entry appended. */
    private static ByteString mutate(ByteString e, ByteString other, SplittableRandom r) {
        byte[] b = e.toByteArray();
        switch (r.nextInt(6)) {
            case 0 -> {
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return ByteString.copyFrom(b);
            }
            case 1 -> {
                int at = r.nextInt(b.length);
                b[at] = (byte) r.nextInt(256);
                return ByteString.copyFrom(b);
            }
            case 2 -> {
                int at = r.nextInt(b.length + 1);
                byte[] inserted = new byte[1 + r.nextInt(4)];
                r.nextBytes(inserted);
                return e.substring(0, at).concat(ByteString.copyFrom(inserted)).concat(e.substring(at));
            }
            case 3 -> {
                int at = r.nextInt(b.length);
                return e.substring(0, at).concat(e.substring(Math.min(b.length, at + 1 + r.nextInt(3))));
            }
            case 4 -> {
                return e.substring(0, r.nextInt(b.length + 1));
            }
            default -> {
                return e.concat(other);
            }
        }
    }
}
