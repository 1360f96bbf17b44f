package io.storelog.node.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Discount;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The receipt layout of a fixed bill, line by line, and the 42-column limit under long names and amounts. */
class ReceiptTextTest {
    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

    @Test
    void layoutOfAWeighedALabelledAndADiscountedLine() {
        Receipt r = ReceiptText.render(entry(bill("Kalamata olives by weight", 1029)),
                new ReceiptContext("store-7", ZURICH, 2, 3, 0));

        assertThat(r.text()).isEqualTo("""
                                 store-7
                Till till-2             Bill till-2-000042
                2026-03-01 11:30:00          Europe/Zurich
                Cashier                               anna
                ------------------------------------------
                Kalamata olives by weight
                  0.755 kg x 10.29/kg                 7.77
                Antipasti tray
                  1 x 4.99 (label)                    4.99
                Red wine
                  2 x 8.99                           17.98
                  Discount (damaged label)           -1.80
                ------------------------------------------
                Bill discount (staff)                -0.47
                TOTAL CHF                            28.47
                  Tax reduced 2.6% of 12.76           0.32
                  Tax standard 8.1% of 15.71          1.18
                  Tax included                        1.50
                Cash rounding                        +0.03
                Due in cash                          18.50
                Card AUTH-7                          10.00
                Cash                                 20.00
                Change                                1.50
                ------------------------------------------
                Held by 3 lanes
                """);
        assertThat(r.headerLines()).isEqualTo(1);
    }

    @Test
    void promotionsTheBillRecordsArePrintedByNameAndAmount() {
        BillCommitted promoted = bill("Olives", 1029).toBuilder().addPromotions(io.storelog.protocol.AppliedPromotion.newBuilder()
                .setPromotionId("P-7").setName("3 for 2 olives").setAmount(350)).build();
        Receipt r = ReceiptText.render(entry(promoted), new ReceiptContext("store-7", ZURICH, 2, 1, 0));

        assertThat(r.lines()).contains("Promotions");
        assertThat(r.lines()).anySatisfy(l -> assertThat(l).contains("3 for 2 olives").contains("3.50"));
        Receipt plain = ReceiptText.render(entry(bill("Olives", 1029)), new ReceiptContext("store-7", ZURICH, 2, 1, 0));
        assertThat(plain.lines()).doesNotContain("Promotions");
    }

    @Test
    void aCopySaysSoAtTopAndBottom() {
        Receipt r = ReceiptText.render(entry(bill("Olives", 1029)), new ReceiptContext("store-7", ZURICH, 2, 1, 2));

        assertThat(r.lines().get(1)).isEqualTo("              *** COPY 2 ***");
        assertThat(r.lines().get(r.lines().size() - 1)).isEqualTo(r.lines().get(1));
        assertThat(r.headerLines()).isEqualTo(2);
        assertThat(r.lines()).contains("Held by this lane only");
    }

    @Test
    void longNamesWrapAndHugeAmountsStillFitFortyTwoColumns() {
        String name = "Extraordinarily long product name of a speciality cheese from a very small alpine dairy"
                + " with a Supercalifragilisticexpialidociousandthensomemoretomakeitlong word";
        Receipt r = ReceiptText.render(entry(bill(name, 99_999_999_999L)), new ReceiptContext(
                "a-store-with-a-name-far-longer-than-any-receipt-printer-prints", ZURICH, 2, 1, 1));

        assertThat(r.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(ReceiptText.WIDTH));
        assertThat(String.join(" ", r.lines())).contains("Extraordinarily long product name");
    }

    private static Entry entry(BillCommitted bill) {
        // 2026-03-01 10:30:00 UTC is 11:30 in Zurich
        return Entry.newBuilder().setOrigin("till-2-abc").setSeq(9).setActor("anna")
                .setHlc(HlcStamp.newBuilder().setWallMs(1_772_361_000_000L)).setBill(bill).build();
    }

    private static BillCommitted bill(String firstName, long firstPrice) {
        long olives = Math.multiplyExact(firstPrice, 755L) / 1000 + (Math.multiplyExact(firstPrice, 755L) % 1000 >= 500 ? 1 : 0);
        return BillCommitted.newBuilder().setTill("till-2").setNumber(42).setCurrency("CHF")
                .addLines(BillLine.newBuilder().setLineNo(1).setSku("OLIVES").setName(firstName).setQtyMilli(755)
                        .setUnitPrice(firstPrice).setUnit(Unit.KG).setGross(olives).setBarcode("2100001307554"))
                .addLines(BillLine.newBuilder().setLineNo(2).setSku("TRAY").setName("Antipasti tray").setQtyMilli(1000)
                        .setUnitPrice(499).setUnit(Unit.EACH).setGross(499).setBarcode("2290001804990").setPriceEmbedded(true))
                .addLines(BillLine.newBuilder().setLineNo(3).setSku("WINE").setName("Red wine").setQtyMilli(2000)
                        .setUnitPrice(899).setUnit(Unit.EACH).setGross(1798).setLineDiscount(180)
                        .setDiscount(Discount.newBuilder().setPercentBp(1000).setReason("damaged label")))
                .setBillDiscount(Discount.newBuilder().setAmount(47).setReason("staff")).setBillDiscountAmount(47)
                .addTaxes(TaxLine.newBuilder().setTaxClass("reduced").setRateBp(260).setNet(1276).setTax(32))
                .addTaxes(TaxLine.newBuilder().setTaxClass("standard").setRateBp(810).setNet(1571).setTax(118))
                .setTotal(2847).setTax(150).setCashRounding(3)
                .addTenders(Tender.newBuilder().setType(TenderType.CARD).setAmount(1000).setTendered(1000).setReference("AUTH-7"))
                .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(1847).setTendered(2000))
                .setChange(150).build();
    }
}
