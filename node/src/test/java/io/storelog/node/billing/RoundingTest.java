package io.storelog.node.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoundingTest {

    @ParameterizedTest(name = "{0}/{1} = {2}")
    @CsvSource({
            "5, 10, 1",        // exactly half rounds up
            "4, 10, 0",
            "6, 10, 1",
            "15, 10, 2",
            "25, 10, 3",       // half-up, not banker's rounding
            "-5, 10, -1",      // half away from zero
            "-4, 10, 0",
            "-15, 10, -2",
            "-14, 10, -1",
            "0, 7, 0",
            "7, 7, 1",
            "1, 3, 0",
            "2, 3, 1",
            "5, -10, -1",
            "-5, -10, 1",
            "9223372036854775807, 1, 9223372036854775807",
            "9223372036854775807, 2, 4611686018427387904",
            "-9223372036854775808, 2, -4611686018427387904",
            "9223372036854775807, 9223372036854775807, 1",
            "4611686018427387904, 9223372036854775807, 1", // just over half, with a huge denominator
            "4611686018427387903, 9223372036854775807, 0",
    })
    void halfUpRoundsHalvesAwayFromZero(long numerator, long denominator, long expected) {
        assertThat(Rounding.halfUp(numerator, denominator)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}*{1}/{2} = {3}")
    @CsvSource({
            "755, 399, 1000, 301",
            "250, 1998, 1000, 500",
            // the product overflows a long but the quotient fits: exact via BigInteger
            "9223372036854775807, 3, 3, 9223372036854775807",
            "4000000000000000000, 5, 10, 2000000000000000000",
            "4000000000000000001, 5, 10, 2000000000000000001", // ...0.5 rounds up
            "-4000000000000000001, 5, 10, -2000000000000000001",
    })
    void mulDivHalfUpIsExactBeyondLongProducts(long a, long b, long d, long expected) {
        assertThat(Rounding.mulDivHalfUp(a, b, d)).isEqualTo(expected);
    }

    @Test
    void resultsThatDoNotFitALongThrow() {
        assertThatThrownBy(() -> Rounding.mulDivHalfUp(Long.MAX_VALUE, 2, 1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Rounding.halfUp(1, 0)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void mulDivFloorGivesQuotientAndRemainder() {
        assertThat(Rounding.mulDivFloor(100, 100, 300)).containsExactly(33, 100);
        assertThat(Rounding.mulDivFloor(Long.MAX_VALUE, 4, 8)).containsExactly(Long.MAX_VALUE / 2, 4);
    }
}
