package io.storelog.node.barcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.config.BarcodeSection;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding with the common layout {@code 2F IIIII P VVVV C} (21 weight, 22 price, price check digit) and
 * with a layout without value check digit ({@code 2F IIIII VVVVV C}). Codes below were built by hand:
 * 2100001307554 = 21, item 00001, check 3 over 0755 (see PriceCheckDigitTest), 0.755 kg, EAN check 4;
 * 2290001804990 = 22, item 90001, check 8 over 0499, 4.99, EAN check 0.
 */
class BarcodeDecoderTest {
    static final BarcodeSection COMMON = new BarcodeSection(Set.of("22"), Set.of("21"), 5, 4, true, 3, 2);
    static final BarcodeSection NO_VALUE_CHECK = new BarcodeSection(Set.of("23"), Set.of("28"), 5, 5, false, 3, 2);

    private final BarcodeDecoder common = new BarcodeDecoder(COMMON, 2);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "4006381333931 | TRADE_ITEM      | 4006381333931                 | 0",
        "036000291452  | TRADE_ITEM      | 036000291452 0036000291452    | 0",
        "0036000291452 | TRADE_ITEM      | 0036000291452 036000291452    | 0",
        "95012346      | TRADE_ITEM      | 95012346                      | 0",
        "2100001307554 | EMBEDDED_WEIGHT | 2100001000004                 | 755",
        "2290001804990 | EMBEDDED_PRICE  | 2290001000002                 | 499",
        // an in-store prefix the layout gives no value: the store's own item code, looked up as it is
        "2012345678903 | TRADE_ITEM      | 2012345678903                 | 0",
    })
    void decodes(String code, BarcodeKind kind, String keys, long value) {
        ScannedBarcode s = common.decode(code);

        assertThat(s.kind()).isEqualTo(kind);
        assertThat(s.catalogKeys()).containsExactlyElementsOf(List.of(keys.trim().split(" +")));
        assertThat(s.value()).isEqualTo(value);
    }

    @Test
    void layoutWithoutValueCheckDigitReadsFiveValueDigits() {
        BarcodeDecoder d = new BarcodeDecoder(NO_VALUE_CHECK, 2);
        // 28 | 00042 | 01250 (1.250 kg) | check
        ScannedBarcode weight = d.decode(Gtin.withCheckDigit("280004201250"));
        // 23 | 00007 | 12345 (123.45) | check
        ScannedBarcode price = d.decode(Gtin.withCheckDigit("230000712345"));

        assertThat(weight.kind()).isEqualTo(BarcodeKind.EMBEDDED_WEIGHT);
        assertThat(weight.value()).isEqualTo(1250);
        assertThat(weight.catalogKeys()).containsExactly(Gtin.withCheckDigit("280004200000"));
        assertThat(price.kind()).isEqualTo(BarcodeKind.EMBEDDED_PRICE);
        assertThat(price.value()).isEqualTo(12345);
        // the common layout reads 23 and 28 as plain in-store item codes
        assertThat(common.decode(Gtin.withCheckDigit("280004201250")).kind()).isEqualTo(BarcodeKind.TRADE_ITEM);
    }

    @Test
    void fewerDecimalsThanTheTillKeepsAreScaledExactly() {
        // weights in 10 g steps (2 decimals) and prices in whole units for a 2-decimal currency
        BarcodeDecoder d = new BarcodeDecoder(new BarcodeSection(Set.of("23"), Set.of("28"), 5, 5, false, 2, 0), 2);

        assertThat(d.decode(Gtin.withCheckDigit("280004200125")).value()).isEqualTo(1250);
        assertThat(d.decode(Gtin.withCheckDigit("230000700012")).value()).isEqualTo(1200);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "4006381333932 | check digit 2 but EAN-13 400638133393 needs 1",
        "036000291453  | check digit 3 but UPC-A 03600029145 needs 2",
        "95012347      | check digit 7 but EAN-8 9501234 needs 6",
        // price check digit 7 instead of 8, EAN check digit recomputed so only the price check fails
        "2290001704993 | price check digit 7 but the price digits 0499 need 8",
        "2100001207557 | weight check digit 2 but the weight digits 0755 need 3",
        "40063813339   | has 11 digits",
        "4006381333931X | is not all digits",
    })
    void failuresNameTheBarcodeAndTheProblem(String code, String problem) {
        assertThatThrownBy(() -> common.decode(code))
                .isInstanceOfSatisfying(StoreLogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessageContaining("barcode " + code)
                .hasMessageContaining(problem);
    }

    @Test
    void theForgedPriceCodesAboveHaveValidEanCheckDigits() {
        // so the failure cases really test the price/weight check digit, not the EAN-13 one
        assertThat(Gtin.checkDigitHolds("2290001704993")).isTrue();
        assertThat(Gtin.checkDigitHolds("2100001207557")).isTrue();
    }

    @Test
    void emptyBarcode() {
        assertThatThrownBy(() -> common.decode(" ")).hasMessage("barcode is empty");
    }
}
