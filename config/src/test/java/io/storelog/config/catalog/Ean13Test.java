package io.storelog.config.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ean13Test {
    @ParameterizedTest
    // Published examples: 4006381333931 (the EAN-13 article on Wikipedia), 5901234123457 (GS1 sample),
    // 9780306406157 (ISBN-13 of a textbook example), 0000000000000.
    @ValueSource(strings = {"4006381333931", "5901234123457", "9780306406157", "0000000000000"})
    void publishedCodesVerify(String code) {
        assertThat(Ean13.isValid(code)).isTrue();
        assertThat(Ean13.withCheckDigit(code.substring(0, 12))).isEqualTo(code);
    }

    @Test
    void aWrongCheckDigitOrShapeFails() {
        assertThat(Ean13.checkDigit("400638133393")).isEqualTo(1);
        assertThat(Ean13.isValid("4006381333932")).isFalse();
        assertThat(Ean13.isValid("400638133393")).isFalse();
        assertThat(Ean13.isValid("400638133393X")).isFalse();
        assertThat(Ean13.isValid(null)).isFalse();
        assertThatThrownBy(() -> Ean13.checkDigit("12")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everySingleDigitErrorIsCaught() {
        String good = "4006381333931";
        for (int pos = 0; pos < 13; pos++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d != good.charAt(pos)) {
                    String bad = good.substring(0, pos) + d + good.substring(pos + 1);
                    assertThat(Ean13.isValid(bad)).as(bad).isFalse();
                }
            }
        }
    }
}
