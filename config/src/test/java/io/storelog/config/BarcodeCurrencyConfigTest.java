package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The barcodes and currency sections: defaults, a YAML layout, and every bad combination naming its key. */
class BarcodeCurrencyConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheCommonLayoutAndNoCashRounding() {
        NodeConfig c = ConfigLoader.load(Optional.empty(), Map.of());

        assertThat(c.barcodes().weightPrefixes()).containsExactly("21");
        assertThat(c.barcodes().pricePrefixes()).containsExactly("22");
        assertThat(c.barcodes().itemDigits()).isEqualTo(5);
        assertThat(c.barcodes().valueDigits()).isEqualTo(4);
        assertThat(c.barcodes().valueCheckDigit()).isTrue();
        assertThat(c.barcodes().valueOffset()).isEqualTo(8);
        assertThat(c.barcodes().weightDecimals()).isEqualTo(3);
        assertThat(c.barcodes().priceDecimals()).isEqualTo(2);
        assertThat(c.currency().cashIncrement()).isEqualTo(1);
        assertThat(c.currency().roundsCash()).isFalse();
    }

    @Test
    void yamlLayoutWithoutValueCheckDigitAndSwissCash() throws Exception {
        Path file = dir.resolve("till.yaml");
        Files.writeString(file, """
                store:
                  currency: CHF
                barcodes:
                  price-prefixes: [23, 24]
                  weight-prefixes: [28, 29]
                  item-digits: 5
                  value-digits: 5
                  value-check-digit: false
                currency:
                  cash-increment: 5
                """);
        NodeConfig c = ConfigLoader.load(Optional.of(file), Map.of());

        assertThat(c.barcodes().pricePrefixes()).containsExactlyInAnyOrder("23", "24");
        assertThat(c.barcodes().weightPrefixes()).containsExactlyInAnyOrder("28", "29");
        assertThat(c.barcodes().valueOffset()).isEqualTo(7);
        assertThat(c.barcodes().valueCheckOffset()).isEqualTo(-1);
        assertThat(c.currency().cashIncrement()).isEqualTo(5);
    }

    @Test
    void anEmptyPrefixListTurnsThatKindOff() {
        NodeConfig c = ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.BARCODES_PRICE_PREFIXES, ""));

        assertThat(c.barcodes().pricePrefixes()).isEmpty();
        assertThat(c.barcodes().weightPrefixes()).containsExactly("21");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "barcodes.item-digits=6                        | barcodes.value-digits      | must be 10",
        "barcodes.value-digits=3                       | barcodes.value-check-digit | needs barcodes.value-digits 4 or 5",
        "barcodes.value-check-digit=maybe              | barcodes.value-check-digit | is not true or false",
        "barcodes.price-prefixes=19                    | barcodes.price-prefixes    | 20 to 29",
        "barcodes.weight-prefixes=22                   | barcodes.weight-prefixes   | not both",
        "barcodes.weight-decimals=4                    | barcodes.weight-decimals   | maximum",
        "currency.cash-increment=0                     | currency.cash-increment    | minimum",
    })
    void badValuesNameTheirKey(String override, String key, String problem) {
        String[] kv = override.split("=", 2);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(kv[0], kv[1])))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(problem);
    }
}
