package io.storelog.node.barcode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GS1 mod-10 check digits against published examples, and a single wrong digit caught in each. */
class GtinTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        // EAN-13 printed on a widely cited product (e.g. the Wikipedia EAN-13 article's example)
        "4006381333931, EAN-13",
        // GS1 General Specifications / GS1 check digit calculator examples
        "9501101531000, GTIN-13 of the GS1 General Specifications",
        "95012346, GTIN-8 of the GS1 General Specifications",
        // GS1 India's worked example: 890 4000 21003 check digit 7
        "8904000210037, GS1 India worked example",
        // UPC-A examples: 036000291452 and the tissue box 036000241457 (Wikipedia UPC article)
        "036000291452, UPC-A",
        "036000241457, UPC-A",
        // a UPC-A is an EAN-13 with a leading zero: the same check digit
        "0036000291452, UPC-A as EAN-13",
    })
    void publishedCodesHoldAndEveryOtherLastDigitFails(String code, String source) {
        assertThat(Gtin.checkDigitHolds(code)).as(source).isTrue();
        assertThat(Gtin.checkDigit(code.substring(0, code.length() - 1))).isEqualTo(code.charAt(code.length() - 1) - '0');
        for (char d = '0'; d <= '9'; d++) {
            if (d != code.charAt(code.length() - 1)) {
                assertThat(Gtin.checkDigitHolds(code.substring(0, code.length() - 1) + d)).as(code + " ending " + d).isFalse();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"4006381333931", "036000291452", "95012346"})
    void everySingleDigitSubstitutionIsCaught(String code) {
        for (int i = 0; i < code.length() - 1; i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d == code.charAt(i)) {
                    continue;
                }
                String wrong = code.substring(0, i) + d + code.substring(i + 1);
                assertThat(Gtin.checkDigitHolds(wrong)).as(wrong).isFalse();
            }
        }
    }
}
