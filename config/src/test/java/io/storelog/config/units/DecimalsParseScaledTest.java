package io.storelog.config.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DecimalsParseScaledTest {
    @Test
    void parsesExactly() {
        assertThat(Decimals.parseScaled("12.99", 2, "price")).isEqualTo(1299);
        assertThat(Decimals.parseScaled("7.5", 2, "rate")).isEqualTo(750);
        assertThat(Decimals.parseScaled("7.50", 2, "rate")).isEqualTo(750);
        assertThat(Decimals.parseScaled("0.10", 2, "price")).isEqualTo(10);
        assertThat(Decimals.parseScaled("3", 0, "price")).isEqualTo(3);
        assertThat(Decimals.parseScaled("-1.2", 1, "x")).isEqualTo(-12);
        // 0.1 + 0.2 style drift is impossible: the text never becomes a double.
        assertThat(Decimals.parseScaled("92233720368547758.07", 2, "price")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void quotesTheTextInErrors() {
        assertThatThrownBy(() -> Decimals.parseScaled("12.999", 2, "price"))
                .hasMessage("price '12.999' has more than 2 decimal places");
        assertThatThrownBy(() -> Decimals.parseScaled("1e3", 2, "price")).hasMessage("price '1e3' is not a decimal number");
        assertThatThrownBy(() -> Decimals.parseScaled("12,99", 2, "price")).hasMessage("price '12,99' is not a decimal number");
        assertThatThrownBy(() -> Decimals.parseScaled(" ", 2, "price")).hasMessage("price is empty");
        assertThatThrownBy(() -> Decimals.parseScaled("92233720368547758.08", 2, "price"))
                .hasMessage("price '92233720368547758.08' is out of range");
    }
}
