package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.TaxLine;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.Unit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BillPricerTest {
    private final BillPricer pricer = new BillPricer();

    // ---- helpers -------------------------------------------------------------------------------

    static LineRequest line(String sku, long qtyMilli) {
        return new LineRequest(sku, qtyMilli, null);
    }

    static LineRequest line(String sku, long qtyMilli, DiscountSpec discount) {
        return new LineRequest(sku, qtyMilli, discount);
    }

    static TenderRequest cash(Long amount) {
        return new TenderRequest(TenderType.CASH, amount, null, null);
    }

    static TenderRequest card(Long amount, String reference) {
        return new TenderRequest(TenderType.CARD, amount, reference, null);
    }

    static BillRequest bill(List<LineRequest> lines, DiscountSpec discount, TenderRequest... tenders) {
        return new BillRequest("b-1", lines, discount, Arrays.asList(tenders), "cust-9", "alice");
    }

    static BillRequest bill(List<LineRequest> lines, TenderRequest... tenders) {
        return bill(lines, null, tenders);
    }

    BillCommitted price(TestCatalog catalog, BillRequest request) {
        return pricer.price(request, catalog).build();
    }

    AbstractThrowableAssert<?, ? extends Throwable> assertFails(TestCatalog catalog, BillRequest request,
                                                                   ErrorCode code) {
        return assertThatThrownBy(() -> pricer.price(request, catalog))
                .isInstanceOf(StoreLogException.class)
                .satisfies(e -> assertThat(((StoreLogException) e).code()).isEqualTo(code));
    }

    // ---- tax ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "price {0} at {1} bp contains tax {2}")
    @CsvSource({
            "1075, 750, 75",    // 7.5%: exactly 75
            "1299, 750, 91",    // 90.63 -> 91
            "1000, 0, 0",       // zero-rated
            "1000, 2000, 167",  // 166.67 -> 167
            "100, 2000, 17",    // 16.67 -> 17
            "500, 500, 24",     // 23.81 -> 24
            "1190, 1900, 190",  // exact
            "1, 10000, 1",      // 0.5 -> 1 (half-up boundary)
            "3, 10000, 2",      // 1.5 -> 2
            "2, 10000, 1",
            "0, 2000, 0",
    })
    void taxIsContainedInTheTaxInclusivePrice(long price, int rateBp, long expectedTax) {
        TestCatalog catalog = new TestCatalog().each("A", price, "T", rateBp);
        BillCommitted b = price(catalog, bill(List.of(line("A", 1000)), price == 0 ? new TenderRequest[0]
                : new TenderRequest[] {cash(null)}));

        assertThat(b.getLines(0).getTax()).isEqualTo(expectedTax);
        assertThat(b.getTax()).isEqualTo(expectedTax);
        assertThat(b.getTotal()).isEqualTo(price);
        assertThat(b.getTaxesList()).singleElement().satisfies(t -> {
            assertThat(t.getTaxClass()).isEqualTo("T");
            assertThat(t.getRateBp()).isEqualTo(rateBp);
            assertThat(t.getNet()).isEqualTo(price);
            assertThat(t.getTax()).isEqualTo(expectedTax);
        });
    }

    // ---- gross and quantities -----------------------------------------------------------------

    @ParameterizedTest(name = "{0} g at {1}/kg = {2}")
    @CsvSource({
            "755, 399, 301",     // 0.755 kg * 3.99 = 3.01245 -> 3.01
            "250, 1998, 500",    // 4.995 -> 5.00 (half-up boundary)
            "125, 4, 1",         // 0.005 -> 0.01
            "1, 499, 0",         // 0.00499 -> 0
            "1, 500, 1",         // 0.005 -> 0.01
            "1500, 3, 5",        // 0.045 -> 0.05
            "999, 1001, 1000",
            "2000, 1299, 2598",
    })
    void weighedGrossIsRoundedHalfUp(long qtyMilli, long pricePerKg, long expectedGross) {
        TestCatalog catalog = new TestCatalog().kg("KG", pricePerKg, "T", 0);
        BillCommitted b = price(catalog, bill(List.of(line("KG", qtyMilli)), expectedGross == 0
                ? new TenderRequest[0] : new TenderRequest[] {cash(null)}));

        assertThat(b.getLines(0).getGross()).isEqualTo(expectedGross);
        assertThat(b.getLines(0).getQtyMilli()).isEqualTo(qtyMilli);
        assertThat(b.getTotal()).isEqualTo(expectedGross);
    }

    @Test
    void weighedApplesWorkedByHand() {
        // 0.755 kg at 3.99/kg: 399 * 0.755 = 299.25 + 1.995 = 301.245 -> 301 cents.
        // Tax at 7.5% contained in 301: 301 * 750 / 10750 = 21.0 -> 21.
        TestCatalog catalog = new TestCatalog().kg("APPLE", 399, "reduced", 750);
        BillCommitted b = price(catalog, bill(List.of(line("APPLE", 755)), cash(null)));

        BillLine l = b.getLines(0);
        assertThat(l.getGross()).isEqualTo(301);
        assertThat(l.getNet()).isEqualTo(301);
        assertThat(l.getTax()).isEqualTo(21);
        assertThat(l.getUnitPrice()).isEqualTo(399);
    }

    @Test
    void fillsEveryLineAndBillField() {
        TestCatalog catalog = new TestCatalog().each("A", 250, "std", 2000);
        BillCommitted b = price(catalog, new BillRequest("client-42",
                List.of(line("A", 2000, DiscountSpec.percent(1000, "damaged box")), line("A", 1000)),
                DiscountSpec.amount(10, "loyalty"), List.of(new TenderRequest(TenderType.CASH, 1000L, null, null)),
                "cust-1", "bob"));

        assertThat(b.getClientBillId()).isEqualTo("client-42");
        assertThat(b.getCustomer()).isEqualTo("cust-1");
        assertThat(b.getLinesList()).extracting(BillLine::getLineNo).containsExactly(1, 2);
        BillLine first = b.getLines(0);
        assertThat(first.getSku()).isEqualTo("A");
        assertThat(first.getName()).isEqualTo("Name of A");
        assertThat(first.getQtyMilli()).isEqualTo(2000);
        assertThat(first.getUnitPrice()).isEqualTo(250);
        assertThat(first.getTaxClass()).isEqualTo("std");
        assertThat(first.getTaxRateBp()).isEqualTo(2000);
        assertThat(first.getGross()).isEqualTo(500);
        assertThat(first.getDiscount().getPercentBp()).isEqualTo(1000);
        assertThat(first.getDiscount().getReason()).isEqualTo("damaged box");
        assertThat(first.getLineDiscount()).isEqualTo(50);
        assertThat(first.getProductVersion()).isEqualTo(7);
        assertThat(b.getBillDiscount().getAmount()).isEqualTo(10);
        assertThat(b.getBillDiscount().getReason()).isEqualTo("loyalty");
        assertThat(b.getBillDiscountAmount()).isEqualTo(10);
        // subtotal 450 + 250 = 700; 10 split 6.43 / 3.57 -> 6 / 3 + 1 to the larger remainder (line 2: .57)
        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(6L, 4L);
        assertThat(b.getTotal()).isEqualTo(690);
        assertThat(b.getTenders(0).getAmount()).isEqualTo(690);
        assertThat(b.getTenders(0).getTendered()).isEqualTo(1000);
        assertThat(b.getChange()).isEqualTo(310);
        // Left to the caller:
        assertThat(b.getTill()).isEmpty();
        assertThat(b.getNumber()).isZero();
        assertThat(b.getCurrency()).isEmpty();
    }

    @Nested
    class Quantities {
        final TestCatalog catalog = new TestCatalog().each("SKU-1", 100, "T", 0).kg("KG-1", 100, "T", 0);

        @Test
        void negativeOrZeroQuantityIsRefused() {
            assertFails(catalog, bill(List.of(line("SKU-1", 1000), line("SKU-1", -1000)), cash(null)),
                    ErrorCode.BAD_REQUEST).hasMessage("line 2: quantity must be positive");
            assertFails(catalog, bill(List.of(line("SKU-1", 0)), cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessage("line 1: quantity must be positive");
        }

        @Test
        void pieceGoodsNeedAWholeQuantity() {
            assertFails(catalog, bill(List.of(line("SKU-1", 1500)), cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessage("line 1: SKU-1 is sold by the piece; quantity 1.5 is not whole");
        }

        @Test
        void weighedGoodsTakeThreeDecimals() {
            assertThat(price(catalog, bill(List.of(line("KG-1", 1234)), cash(null))).getTotal()).isEqualTo(123);
        }

        @Test
        void unknownSkuIsNamed() {
            assertFails(catalog, bill(List.of(line("SKU-1", 1000), line("NOPE-9", 1000)), cash(null)),
                    ErrorCode.UNKNOWN_SKU).hasMessageContaining("NOPE-9").hasMessageContaining("line 2");
        }

        @Test
        void productWithoutUnitIsRefused() {
            TestCatalog odd = new TestCatalog().add("X", 100, "T", 0, Unit.UNIT_UNSPECIFIED);
            assertFails(odd, bill(List.of(line("X", 1000)), cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("X has no unit");
        }

        @Test
        void aBillNeedsLines() {
            assertFails(catalog, bill(List.of(), cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessage("a bill needs at least one line");
            assertFails(catalog, bill(null, cash(null)), ErrorCode.BAD_REQUEST);
        }

        @Test
        void atMostFiveHundredLines() {
            List<LineRequest> lines = new ArrayList<>();
            for (int i = 0; i < BillPricer.MAX_LINES; i++) {
                lines.add(line("SKU-1", 1000));
            }
            assertThat(price(catalog, bill(lines, cash(null))).getLinesCount()).isEqualTo(500);
            lines.add(line("SKU-1", 1000));
            assertFails(catalog, bill(lines, cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessage("a bill holds at most 500 lines; this one has 501");
        }

        @Test
        void clientBillIdIsRequired() {
            for (String id : Arrays.asList(null, "", "   ")) {
                assertFails(catalog, new BillRequest(id, List.of(line("SKU-1", 1000)), null, List.of(cash(null)),
                        null, null), ErrorCode.BAD_REQUEST).hasMessage("clientBillId is missing");
            }
        }

        @Test
        void overflowIsABadRequestNotAWrappedTotal() {
            TestCatalog huge = new TestCatalog().each("BIG", Long.MAX_VALUE / 2, "T", 0);
            assertFails(huge, bill(List.of(line("BIG", 3000)), cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("too large");
            assertFails(huge, bill(List.of(line("BIG", 1000), line("BIG", 1000), line("BIG", 1000)), cash(null)),
                    ErrorCode.BAD_REQUEST).hasMessageContaining("too large");
        }
    }

    // ---- discounts ----------------------------------------------------------------------------

    @ParameterizedTest(name = "price {0}, percent {1}, amount {2} -> discount {3}, net {4}")
    @CsvSource({
            "250, 1000, , 25, 225",
            "5, 1000, , 1, 4",          // 0.5 -> 1 (half-up)
            "15, 1000, , 2, 13",        // 1.5 -> 2
            "14, 1000, , 1, 13",        // 1.4 -> 1
            "1299, 1500, , 195, 1104",  // 194.85 -> 195
            "1299, 10000, , 1299, 0",   // 100%
            "1299, 0, , 0, 1299",
            "1299, , 100, 100, 1199",
            "1299, , 1299, 1299, 0",
            "1299, , 5000, 1299, 0",    // larger than gross: clamps, net stays at zero
            "1299, , 0, 0, 1299",
    })
    void lineDiscounts(long price, Integer percentBp, Long amount, long expectedDiscount, long expectedNet) {
        TestCatalog catalog = new TestCatalog().each("A", price, "T", 750);
        BillCommitted b = price(catalog, bill(List.of(line("A", 1000, new DiscountSpec(percentBp, amount, "r"))),
                expectedNet == 0 ? new TenderRequest[0] : new TenderRequest[] {cash(null)}));

        BillLine l = b.getLines(0);
        assertThat(l.getLineDiscount()).isEqualTo(expectedDiscount);
        assertThat(l.getNet()).isEqualTo(expectedNet);
        assertThat(b.getTotal()).isEqualTo(expectedNet);
        assertThat(l.getTax()).isEqualTo(Rounding.halfUp(expectedNet * 750, 10750));
    }

    @ParameterizedTest(name = "percent {0}, amount {1}: {2}")
    @CsvSource({
            "10001, , over 100%",
            "-1, , negative",
            ", -1, negative",
            ", , exactly one of percent or amount",
            "500, 5, exactly one of percent or amount",
    })
    void badDiscountsAreRefusedOnLinesAndBills(Integer percentBp, Long amount, String message) {
        TestCatalog catalog = new TestCatalog().each("A", 1000, "T", 0);
        DiscountSpec spec = new DiscountSpec(percentBp, amount, null);
        assertFails(catalog, bill(List.of(line("A", 1000), line("A", 1000, spec)), cash(null)),
                ErrorCode.BAD_REQUEST).hasMessageStartingWith("line 2: discount").hasMessageContaining(message);
        assertFails(catalog, bill(List.of(line("A", 1000)), spec, cash(null)), ErrorCode.BAD_REQUEST)
                .hasMessageStartingWith("bill discount").hasMessageContaining(message);
    }

    @Test
    void billDiscountSplitsByLargestRemainderTiesToTheEarlierLine() {
        TestCatalog catalog = new TestCatalog().each("A", 100, "T", 0);
        // 100 over three equal lines: 33.33 each; the one cent left over goes to line 1.
        BillCommitted b = price(catalog, bill(List.of(line("A", 1000), line("A", 1000), line("A", 1000)),
                DiscountSpec.amount(100, null), cash(null)));

        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(34L, 33L, 33L);
        assertThat(b.getBillDiscountAmount()).isEqualTo(100);
        assertThat(b.getTotal()).isEqualTo(200);
    }

    @Test
    void billDiscountTwoCentsLeftOverGoToTheTwoLargestRemainders() {
        TestCatalog catalog = new TestCatalog().each("A", 100, "T", 0).each("B", 200, "T", 0)
                .each("C", 300, "T", 0);
        // 5 over 100/200/300 (of 600): 0.833, 1.667, 2.5 -> floors 0,1,2 (3); 2 left: to .833 and .667.
        BillCommitted b = price(catalog, bill(List.of(line("A", 1000), line("B", 1000), line("C", 1000)),
                DiscountSpec.amount(5, null), cash(null)));

        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(1L, 2L, 2L);
    }

    @Test
    void billDiscountIsSplitAcrossTaxClassesInProportion() {
        TestCatalog catalog = new TestCatalog().each("STD", 1000, "A", 2000).each("RED", 2000, "B", 750);
        // 100 over 1000 / 2000: 33.33 / 66.67 -> 33 / 67 (line 2 has the larger remainder).
        BillCommitted b = price(catalog, bill(List.of(line("RED", 1000), line("STD", 1000)),
                DiscountSpec.amount(100, null), cash(null)));

        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(67L, 33L);
        assertThat(b.getLinesList()).extracting(BillLine::getNet).containsExactly(1933L, 967L);
        // 967 * 2000 / 12000 = 161.17 -> 161; 1933 * 750 / 10750 = 134.86 -> 135
        assertThat(b.getLinesList()).extracting(BillLine::getTax).containsExactly(135L, 161L);
        assertThat(b.getTaxesList()).extracting(TaxLine::getTaxClass, TaxLine::getRateBp, TaxLine::getNet,
                TaxLine::getTax).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("A", 2000, 967L, 161L),
                        org.assertj.core.groups.Tuple.tuple("B", 750, 1933L, 135L));
        assertThat(b.getTotal()).isEqualTo(2900);
        assertThat(b.getTax()).isEqualTo(296);
    }

    @Test
    void billPercentDiscountAppliesToTheSubtotalAfterLineDiscounts() {
        TestCatalog catalog = new TestCatalog().each("A", 1000, "T", 0);
        // subtotal = (1000 - 500) + 1000 = 1500; 10% = 150, split 50 / 100.
        BillCommitted b = price(catalog, bill(List.of(line("A", 1000, DiscountSpec.percent(5000, null)),
                line("A", 1000)), DiscountSpec.percent(1000, null), cash(null)));

        assertThat(b.getBillDiscountAmount()).isEqualTo(150);
        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(50L, 100L);
        assertThat(b.getTotal()).isEqualTo(1350);
    }

    @Test
    void billDiscountLargerThanTheSubtotalClampsToZeroAndNeedsNoTender() {
        TestCatalog catalog = new TestCatalog().each("A", 999, "T", 750).each("B", 1, "U", 0);
        BillCommitted b = price(catalog, bill(List.of(line("A", 2000), line("B", 1000)),
                DiscountSpec.amount(1_000_000, null)));

        assertThat(b.getBillDiscountAmount()).isEqualTo(1999);
        assertThat(b.getLinesList()).extracting(BillLine::getNet).containsExactly(0L, 0L);
        assertThat(b.getTotal()).isZero();
        assertThat(b.getTax()).isZero();
        assertThat(b.getTendersList()).isEmpty();
        assertThat(b.getChange()).isZero();
    }

    @Test
    void aLineFreeAfterItsOwnDiscountGetsNoShareOfTheBillDiscount() {
        TestCatalog catalog = new TestCatalog().each("A", 100, "T", 0);
        BillCommitted b = price(catalog, bill(List.of(line("A", 1000, DiscountSpec.percent(10000, null)),
                line("A", 1000), line("A", 1000)), DiscountSpec.amount(1, null), cash(null)));

        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(0L, 1L, 0L);
        assertThat(b.getLinesList()).extracting(BillLine::getNet).containsExactly(0L, 99L, 100L);
    }

    @Test
    void theWorkedExampleOfDocsPricingMd() {
        TestCatalog catalog = new TestCatalog()
                .each("MILK", 129, "reduced", 750)
                .kg("APPLE", 399, "reduced", 750)
                .each("WINE", 999, "standard", 2000);
        BillCommitted b = price(catalog, bill(List.of(
                        line("MILK", 2000),
                        line("APPLE", 755, DiscountSpec.percent(1000, "bruised")),
                        line("WINE", 1000, DiscountSpec.amount(100, "promo"))),
                DiscountSpec.percent(500, "staff"),
                card(1000L, "A1B2"), cash(500L)));

        assertThat(b.getLinesList()).extracting(BillLine::getGross).containsExactly(258L, 301L, 999L);
        assertThat(b.getLinesList()).extracting(BillLine::getLineDiscount).containsExactly(0L, 30L, 100L);
        assertThat(b.getBillDiscountAmount()).isEqualTo(71);
        assertThat(b.getLinesList()).extracting(BillLine::getBillDiscountShare).containsExactly(13L, 13L, 45L);
        assertThat(b.getLinesList()).extracting(BillLine::getNet).containsExactly(245L, 258L, 854L);
        assertThat(b.getLinesList()).extracting(BillLine::getTax).containsExactly(17L, 18L, 142L);
        assertThat(b.getTotal()).isEqualTo(1357);
        assertThat(b.getTax()).isEqualTo(177);
        assertThat(b.getTaxesList()).extracting(TaxLine::getTaxClass, TaxLine::getNet, TaxLine::getTax)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reduced", 503L, 35L),
                        org.assertj.core.groups.Tuple.tuple("standard", 854L, 142L));
        assertThat(b.getTendersList()).extracting(Tender::getType, Tender::getAmount, Tender::getTendered)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TenderType.CARD, 1000L, 1000L),
                        org.assertj.core.groups.Tuple.tuple(TenderType.CASH, 357L, 500L));
        assertThat(b.getChange()).isEqualTo(143);
    }

    @Test
    void taxesAreSortedByClass() {
        TestCatalog catalog = new TestCatalog().each("Z", 100, "zeta", 0).each("A", 100, "alpha", 1000)
                .each("M", 100, "mid", 500);
        BillCommitted b = price(catalog, bill(List.of(line("Z", 1000), line("M", 1000), line("A", 1000),
                line("Z", 2000)), cash(null)));

        assertThat(b.getTaxesList()).extracting(TaxLine::getTaxClass).containsExactly("alpha", "mid", "zeta");
        assertThat(b.getTaxes(2).getNet()).isEqualTo(300);
    }

    // ---- tenders ------------------------------------------------------------------------------

    @Nested
    class Tenders {
        final TestCatalog catalog = new TestCatalog().each("A", 1299, "T", 750).each("FREE", 0, "T", 0);
        final List<LineRequest> oneLine = List.of(line("A", 1000));

        @Test
        void cashGivesChange() {
            BillCommitted b = price(catalog, bill(oneLine, cash(2000L)));
            assertThat(b.getTenders(0).getAmount()).isEqualTo(1299);
            assertThat(b.getTenders(0).getTendered()).isEqualTo(2000);
            assertThat(b.getChange()).isEqualTo(701);
        }

        @Test
        void cashExactlyGivesNoChange() {
            BillCommitted b = price(catalog, bill(oneLine, cash(1299L)));
            assertThat(b.getChange()).isZero();
            assertThat(b.getTenders(0).getTendered()).isEqualTo(1299);
        }

        @Test
        void tenderWithoutAmountPaysWhatIsDue() {
            BillCommitted b = price(catalog, bill(oneLine, card(null, "AUTH1")));
            assertThat(b.getTendersList()).extracting(Tender::getAmount, Tender::getTendered, Tender::getReference)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1299L, 1299L, "AUTH1"));
        }

        @Test
        void splitCashAndCard() {
            BillCommitted b = price(catalog, bill(oneLine, cash(500L), card(null, "AUTH1")));
            assertThat(b.getTendersList()).extracting(Tender::getType, Tender::getAmount)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(TenderType.CASH, 500L),
                            org.assertj.core.groups.Tuple.tuple(TenderType.CARD, 799L));
            assertThat(b.getChange()).isZero();
        }

        @Test
        void cardThenCashWithChange() {
            BillCommitted b = price(catalog, bill(oneLine, card(1000L, "AUTH1"), cash(500L)));
            assertThat(b.getTendersList()).extracting(Tender::getAmount).containsExactly(1000L, 299L);
            assertThat(b.getChange()).isEqualTo(201);
        }

        @Test
        void walletReferenceIsOptionalAndCustomNeedsAName() {
            BillCommitted b = price(catalog, bill(oneLine, new TenderRequest(TenderType.WALLET, 299L, null, null),
                    new TenderRequest(TenderType.CUSTOM, null, null, "voucher")));
            assertThat(b.getTendersList()).extracting(Tender::getType, Tender::getAmount, Tender::getName)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(TenderType.WALLET, 299L, ""),
                            org.assertj.core.groups.Tuple.tuple(TenderType.CUSTOM, 1000L, "voucher"));

            assertFails(catalog, bill(oneLine, new TenderRequest(TenderType.CUSTOM, null, null, " ")),
                    ErrorCode.BAD_REQUEST).hasMessage("tender 1: a custom tender needs a name");
        }

        @Test
        void cardNeedsAReference() {
            assertFails(catalog, bill(oneLine, card(null, null)), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("tender 1: a card tender needs a reference");
            assertFails(catalog, bill(oneLine, cash(100L), card(null, "  ")), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("tender 2: a card tender needs a reference");
        }

        @Test
        void onlyCashGivesChange() {
            assertFails(catalog, bill(oneLine, card(2000L, "AUTH1")), ErrorCode.BAD_REQUEST)
                    .hasMessage("card tender 2000 exceeds 1299 still due; only cash gives change");
            assertFails(catalog, bill(oneLine, new TenderRequest(TenderType.WALLET, 1300L, null, null)),
                    ErrorCode.BAD_REQUEST).hasMessage("wallet tender 1300 exceeds 1299 still due; only cash gives change");
        }

        @Test
        void shortTender() {
            assertFails(catalog, bill(oneLine, cash(1000L)), ErrorCode.SHORT_TENDER)
                    .hasMessage("tenders cover 1000 of 1299; 299 still due");
            assertFails(catalog, bill(oneLine), ErrorCode.SHORT_TENDER)
                    .hasMessage("tenders cover 0 of 1299; 1299 still due");
            assertFails(catalog, new BillRequest("b", oneLine, null, null, null, null), ErrorCode.SHORT_TENDER);
        }

        @Test
        void tenderAfterTheBillIsFullyPaid() {
            assertFails(catalog, bill(oneLine, cash(2000L), card(null, "AUTH1")), ErrorCode.BAD_REQUEST)
                    .hasMessage("tender 2: the bill is already fully paid; nothing is left to pay");
            assertFails(catalog, bill(oneLine, card(1299L, "AUTH1"), cash(5L)), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("already fully paid");
        }

        @Test
        void aFreeBillNeedsNoTenderAndTakesNone() {
            BillCommitted b = price(catalog, bill(List.of(line("FREE", 1000))));
            assertThat(b.getTotal()).isZero();
            assertThat(b.getTendersList()).isEmpty();
            assertFails(catalog, bill(List.of(line("FREE", 1000)), cash(null)), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("nothing is left to pay");
        }

        @ParameterizedTest
        @CsvSource({"0", "-5"})
        void amountMustBePositive(long amount) {
            assertFails(catalog, bill(oneLine, cash(amount)), ErrorCode.BAD_REQUEST)
                    .hasMessage("tender 1: amount must be positive");
        }

        @Test
        void tenderTypeIsRequired() {
            assertFails(catalog, bill(oneLine, new TenderRequest(TenderType.TENDER_UNSPECIFIED, null, null, null)),
                    ErrorCode.BAD_REQUEST).hasMessageContaining("tender 1: type");
            assertFails(catalog, bill(oneLine, new TenderRequest(null, null, null, null)), ErrorCode.BAD_REQUEST)
                    .hasMessageContaining("tender 1: type");
        }
    }
}
