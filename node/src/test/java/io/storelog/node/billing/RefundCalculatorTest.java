package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.RefundLine;

import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefundCalculatorTest {
    private final RefundCalculator calculator = new RefundCalculator();

    static BillLine line(int no, String sku, long qtyMilli, long net, long tax) {
        return BillLine.newBuilder().setLineNo(no).setSku(sku).setQtyMilli(qtyMilli).setGross(net).setNet(net)
                .setTax(tax).build();
    }

    static BillCommitted bill(BillLine... lines) {
        BillCommitted.Builder b = BillCommitted.newBuilder().setClientBillId("b-1");
        long total = 0;
        long tax = 0;
        for (BillLine l : lines) {
            b.addLines(l);
            total += l.getNet();
            tax += l.getTax();
        }
        return b.setTotal(total).setTax(tax).build();
    }

    AbstractThrowableAssert<?, ? extends Throwable> assertFails(BillCommitted bill, List<BillRefunded> earlier,
                                                                   List<RefundLineRequest> lines, ErrorCode code) {
        return assertThatThrownBy(() -> calculator.refund(bill, earlier, lines))
                .isInstanceOf(StoreLogException.class)
                .satisfies(e -> assertThat(((StoreLogException) e).code()).isEqualTo(code));
    }

    @Test
    void partialRefundsOfALineSumExactlyToItsNetAndTax() {
        BillCommitted bill = bill(line(1, "SKU-1", 3000, 100, 7));
        List<BillRefunded> done = new ArrayList<>();
        long[][] expected = {{33, 2}, {33, 2}, {34, 3}}; // the last takes the remainder
        for (long[] e : expected) {
            BillRefunded r = calculator.refund(bill, done, List.of(new RefundLineRequest(1, 1000))).build();
            assertThat(r.getLines(0).getAmount()).isEqualTo(e[0]);
            assertThat(r.getLines(0).getTax()).isEqualTo(e[1]);
            assertThat(r.getTotal()).isEqualTo(e[0]);
            assertThat(r.getTax()).isEqualTo(e[1]);
            done.add(r);
        }
        assertThat(done.stream().mapToLong(BillRefunded::getTotal).sum()).isEqualTo(100);
        assertThat(done.stream().mapToLong(BillRefunded::getTax).sum()).isEqualTo(7);
        assertFails(bill, done, List.of(), ErrorCode.OVER_REFUND).hasMessage("nothing is left to refund on this bill");
    }

    @ParameterizedTest(name = "{0} g of 755 g (net 301, tax 21) -> {1}, tax {2}")
    @CsvSource({
            "300, 120, 8",    // 301 * 300 / 755 = 119.60 -> 120; 21 * 300 / 755 = 8.34 -> 8
            "1, 0, 0",        // 0.40 -> 0
            "755, 301, 21",   // all of it
            "378, 151, 11",   // 150.70 -> 151; 10.51 -> 11
    })
    void partialQuantityIsProportionalAndRoundedHalfUp(long qty, long amount, long tax) {
        BillCommitted bill = bill(line(1, "APPLE", 755, 301, 21));
        BillRefunded r = calculator.refund(bill, List.of(), List.of(new RefundLineRequest(1, qty))).build();

        assertThat(r.getLines(0).getQtyMilli()).isEqualTo(qty);
        assertThat(r.getLines(0).getAmount()).isEqualTo(amount);
        assertThat(r.getLines(0).getTax()).isEqualTo(tax);
        // and the rest takes exactly what is left
        if (qty < 755) {
            BillRefunded rest = calculator.refund(bill, List.of(r), List.of()).build();
            assertThat(rest.getLines(0).getQtyMilli()).isEqualTo(755 - qty);
            assertThat(rest.getTotal()).isEqualTo(301 - amount);
            assertThat(rest.getTax()).isEqualTo(21 - tax);
        }
    }

    @Test
    void emptyRequestRefundsEverythingStillRefundable() {
        BillCommitted bill = bill(line(1, "A", 2000, 500, 35), line(2, "B", 1000, 250, 0), line(3, "C", 1500, 90, 6));
        BillRefunded first = calculator.refund(bill, List.of(), List.of(new RefundLineRequest(1, 1000),
                new RefundLineRequest(2, 1000))).build();
        BillRefunded rest = calculator.refund(bill, List.of(first), List.of()).build();

        assertThat(rest.getLinesList()).extracting(RefundLine::getLineNo, RefundLine::getQtyMilli,
                RefundLine::getAmount, RefundLine::getTax).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 1000L, 250L, 17L),
                        org.assertj.core.groups.Tuple.tuple(3, 1500L, 90L, 6L));
        assertThat(first.getTotal() + rest.getTotal()).isEqualTo(bill.getTotal());
        assertThat(first.getTax() + rest.getTax()).isEqualTo(bill.getTax());
    }

    @Test
    void overRefundNamesLineSkuRequestedAndLeft() {
        BillCommitted bill = bill(line(1, "SKU-1", 1000, 100, 0), line(2, "SKU-7", 3000, 300, 0));
        BillRefunded earlier = calculator.refund(bill, List.of(), List.of(new RefundLineRequest(2, 2000))).build();

        assertFails(bill, List.of(earlier), List.of(new RefundLineRequest(2, 3000)), ErrorCode.OVER_REFUND)
                .hasMessage("line 2 (SKU-7): 3 requested, 1 left to refund");
        assertFails(bill, List.of(), List.of(new RefundLineRequest(1, 1500)), ErrorCode.OVER_REFUND)
                .hasMessage("line 1 (SKU-1): 1.5 requested, 1 left to refund");
    }

    @Test
    void unknownLineOrNonPositiveQuantityIsABadRequest() {
        BillCommitted bill = bill(line(1, "SKU-1", 1000, 100, 0));
        assertFails(bill, List.of(), List.of(new RefundLineRequest(9, 1000)), ErrorCode.BAD_REQUEST)
                .hasMessage("line 9: the bill has no such line");
        assertFails(bill, List.of(), List.of(new RefundLineRequest(1, 0)), ErrorCode.BAD_REQUEST)
                .hasMessage("line 1: quantity to refund must be positive");
        assertFails(bill, List.of(), List.of(new RefundLineRequest(1, -1000)), ErrorCode.BAD_REQUEST);
        assertFails(bill, List.of(), List.of(new RefundLineRequest(1, 500), new RefundLineRequest(1, 500)),
                ErrorCode.BAD_REQUEST).hasMessage("line 1: listed more than once");
    }

    @Test
    void linesComeOutSortedByLineNo() {
        BillCommitted bill = bill(line(1, "A", 1000, 100, 0), line(2, "B", 1000, 100, 0), line(3, "C", 1000, 1, 0));
        BillRefunded r = calculator.refund(bill, List.of(), List.of(new RefundLineRequest(3, 1000),
                new RefundLineRequest(1, 1000))).build();
        assertThat(r.getLinesList()).extracting(RefundLine::getLineNo, RefundLine::getSku)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "A"), org.assertj.core.groups.Tuple.tuple(3, "C"));
        assertThat(r.getTotal()).isEqualTo(101);
    }

    @Test
    void tinyRefundsNeverPayBackMoreThanTheLineCost() {
        // 10 g sold for 5 cents: each 1 g refund rounds 0.5 up to 1 cent, so after five of them the
        // money is used up; the other five return goods but no more money.
        BillCommitted bill = bill(line(1, "NUTS", 10, 5, 1));
        List<BillRefunded> done = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            BillRefunded r = calculator.refund(bill, done, List.of(new RefundLineRequest(1, 1))).build();
            assertThat(r.getTotal()).isBetween(0L, 1L);
            assertThat(r.getTax()).isBetween(0L, 1L);
            done.add(r);
        }
        assertThat(done.stream().mapToLong(BillRefunded::getTotal).sum()).isEqualTo(5);
        assertThat(done.stream().mapToLong(BillRefunded::getTax).sum()).isEqualTo(1);
    }

    @Test
    void aFullyDiscountedLineRefundsGoodsForNothing() {
        BillCommitted bill = bill(line(1, "GIFT", 1000, 0, 0));
        BillRefunded r = calculator.refund(bill, List.of(), List.of()).build();
        assertThat(r.getLines(0).getQtyMilli()).isEqualTo(1000);
        assertThat(r.getTotal()).isZero();
    }

    @Test
    void hugeAmountsStayExact() {
        long net = 4_000_000_000_000_000_000L;
        BillCommitted bill = bill(line(1, "GOLD", 3000, net, 0));
        BillRefunded r = calculator.refund(bill, List.of(), List.of(new RefundLineRequest(1, 1000))).build();
        assertThat(r.getTotal()).isEqualTo(1_333_333_333_333_333_333L);
    }
}
