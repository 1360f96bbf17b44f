package io.storelog.node.barcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The GS1 price/weight check digit (General Specifications 7.9.3) against its worked examples. */
class PriceCheckDigitTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // the specification's worked examples
        "2875, 9",
        "14685, 6",
        // by hand: 0755 -> 2-(0)=0, 2-(7)=3, 3(5)=5, 5-(5)=3; 11 x 3 = 33 -> 3
        "0755, 3",
        // by hand: 0499 -> 0, 8, 7, 1; 16 x 3 = 48 -> 8
        "0499, 8",
        "0000, 0",
        "00000, 0",
    })
    void workedExamples(String value, int check) {
        assertThat(PriceCheckDigit.of(value)).isEqualTo(check);
    }

    @Test
    void everySingleDigitChangeOfAFourOrFiveDigitValueChangesTheCheckDigit() {
        // Holds because each weighting table is a permutation of 0-9: what the check digit is for.
        for (int width = 4; width <= 5; width++) {
            int limit = width == 4 ? 10_000 : 100_000;
            for (int v = 0; v < limit; v += width == 4 ? 3 : 37) {
                String value = String.format(Locale.ROOT, "%0" + width + "d", v);
                int check = PriceCheckDigit.of(value);
                for (int i = 0; i < width; i++) {
                    for (char d = '0'; d <= '9'; d++) {
                        if (d != value.charAt(i)) {
                            String other = value.substring(0, i) + d + value.substring(i + 1);
                            assertThat(PriceCheckDigit.of(other)).as(value + " vs " + other).isNotEqualTo(check);
                        }
                    }
                }
            }
        }
    }

    @Test
    void onlyFourOrFiveDigits() {
        assertThatThrownBy(() -> PriceCheckDigit.of("123")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PriceCheckDigit.of("12a4")).isInstanceOf(IllegalArgumentException.class);
    }
}
