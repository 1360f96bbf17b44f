package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cash rounding to the nearest coin, a half going up, applied only to the cash that settles a bill.
 * Tenders always sum to the bill total; tendered - change = cash amount + cash_rounding.
 */
class CashRoundingTest {
    private static final CashRounding CHF = new CashRounding(5);
    private final BillPricer pricer = new BillPricer(CHF);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // every last digit with the Swiss 0.05 increment: 1, 2 down; 3, 4 up; 6, 7 down; 8, 9 up
        "1000, 1000", "1001, 1000", "1002, 1000", "1003, 1005", "1004, 1005",
        "1005, 1005", "1006, 1005", "1007, 1005", "1008, 1010", "1009, 1010",
        "0, 0", "2, 0", "3, 5",
    })
    void swissFrancsToTheNearestFiveCents(long amount, long rounded) {
        assertThat(CHF.round(amount)).isEqualTo(rounded);
    }

    @ParameterizedTest(name = "{1} by {0} -> {2}")
    @CsvSource({
        // an even increment has true halves, and they go up (Danish 0.50, Swedish whole kronor)
        "50, 1024, 1000", "50, 1025, 1050", "50, 1074, 1050", "50, 1075, 1100",
        "100, 1049, 1000", "100, 1050, 1100",
        "10, 1004, 1000", "10, 1005, 1010",
        "1, 1003, 1003",
    })
    void otherIncrementsAndHalvesUp(long increment, long amount, long rounded) {
        assertThat(new CashRounding(increment).round(amount)).isEqualTo(rounded);
    }

    @ParameterizedTest(name = "total {0}")
    @CsvSource({
        "1000, 0", "1001, -1", "1002, -2", "1003, 2", "1004, 1",
        "1005, 0", "1006, -1", "1007, -2", "1008, 2", "1009, 1",
    })
    void cashPayingExactlyWhatIsDueIsRounded(long price, long rounding) {
        BillCommitted b = price(price, tender(TenderType.CASH, null));

        assertThat(b.getTotal()).isEqualTo(price);
        assertThat(b.getCashRounding()).isEqualTo(rounding);
        Tender cash = b.getTenders(0);
        assertThat(cash.getAmount()).isEqualTo(price);
        assertThat(cash.getTendered()).isEqualTo(price + rounding);
        assertThat(b.getChange()).isZero();
    }

    @Test
    void cashHandedOverGetsChangeFromTheRoundedAmount() {
        BillCommitted b = price(1003, tender(TenderType.CASH, 2000L));

        assertThat(b.getCashRounding()).isEqualTo(2);
        assertThat(b.getTenders(0).getAmount()).isEqualTo(1003);
        assertThat(b.getTenders(0).getTendered()).isEqualTo(2000);
        assertThat(b.getChange()).isEqualTo(995);
        assertThat(b.getTenders(0).getTendered() - b.getChange()).isEqualTo(b.getTotal() + b.getCashRounding());
    }

    @Test
    void roundedDownCashMaySettleWithLessThanTheExactTotal() {
        BillCommitted b = price(1002, tender(TenderType.CASH, 1000L));

        assertThat(b.getCashRounding()).isEqualTo(-2);
        assertThat(b.getChange()).isZero();
    }

    @Test
    void cardPaysExactlyAndIsNeverRounded() {
        BillCommitted b = price(1003, tender(TenderType.CARD, null));

        assertThat(b.getCashRounding()).isZero();
        assertThat(b.getTenders(0).getAmount()).isEqualTo(1003);
    }

    @Test
    void splitCardThenCashRoundsOnlyTheCashPart() {
        BillCommitted b = price(1003, tender(TenderType.CARD, 500L), tender(TenderType.CASH, null));

        // the card pays 500 exactly; the cash part 503 is 505 in coins
        assertThat(b.getTenders(0).getAmount()).isEqualTo(500);
        assertThat(b.getTenders(1).getAmount()).isEqualTo(503);
        assertThat(b.getTenders(1).getTendered()).isEqualTo(505);
        assertThat(b.getCashRounding()).isEqualTo(2);
        assertThat(b.getTendersList().stream().mapToLong(Tender::getAmount).sum()).isEqualTo(b.getTotal());
    }

    @Test
    void cashThatPaysOnlyPartIsTakenAsHandedOverAndTheCardPaysTheRestExactly() {
        BillCommitted b = price(1003, tender(TenderType.CASH, 500L), tender(TenderType.CARD, null));

        assertThat(b.getTenders(0).getAmount()).isEqualTo(500);
        assertThat(b.getTenders(1).getAmount()).isEqualTo(503);
        assertThat(b.getCashRounding()).isZero();
    }

    @Test
    void cashCoveringTheExactAmountButNotTheRoundedOneIsRefused() {
        assertThatThrownBy(() -> pricer.price(request(1003, tender(TenderType.CASH, 1004L)), catalog(1003)))
                .isInstanceOfSatisfying(StoreLogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("tender 1: cash 1004 covers 1003 due but not the 1005");
    }

    @Test
    void withoutAnIncrementCashIsExactAsBefore() {
        BillCommitted b = new BillPricer().price(request(1003, tender(TenderType.CASH, 2000L)), catalog(1003)).build();

        assertThat(b.getCashRounding()).isZero();
        assertThat(b.getChange()).isEqualTo(997);
    }

    private BillCommitted price(long price, TenderRequest... tenders) {
        return pricer.price(request(price, tenders), catalog(price)).build();
    }

    private static TestCatalog catalog(long price) {
        return new TestCatalog().each("ITEM", price, "standard", 810);
    }

    private static BillRequest request(long price, TenderRequest... tenders) {
        return new BillRequest("cart-" + price, List.of(new LineRequest("ITEM", 1000, null)), null, List.of(tenders), null, null);
    }

    private static TenderRequest tender(TenderType type, Long amount) {
        return new TenderRequest(type, amount, type == TenderType.CARD ? "AUTH-1" : null, null);
    }
}
