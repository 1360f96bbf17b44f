package io.storelog.node.barcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.billing.LineRequest;
import io.storelog.protocol.Product;
import io.storelog.protocol.Unit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scans to catalog products and barcode lines to SKU lines: quantities, multipliers, units, unknown items. */
class BarcodeResolverTest {
    private static final Map<String, Product> BY_BARCODE = Stream.of(
            product("MILK", "4006381333931", Unit.EACH, true),
            // the catalog holds this UPC-A in its 13-digit form
            product("SODA", "0036000291452", Unit.EACH, true),
            product("OLIVES", "2100001000004", Unit.KG, true),
            product("TRAY", "2290001000002", Unit.EACH, true),
            // a weighed item wrongly listed by the piece, and a label item wrongly listed by the kg
            product("ODD-W", "2100002000003", Unit.EACH, true),
            product("ODD-P", "2290002000001", Unit.KG, true),
            product("GONE", "95012346", Unit.EACH, false))
            .collect(Collectors.toMap(Product::getBarcode, Function.identity()));

    private final BarcodeResolver resolver = new BarcodeResolver(new BarcodeDecoder(BarcodeDecoderTest.COMMON, 2),
            code -> Optional.ofNullable(BY_BARCODE.get(code)));

    @ParameterizedTest(name = "{0} x qty {1}")
    @CsvSource(delimiter = '|', value = {
        // scan                | qty given | sku    | line qty | embedded price
        "4006381333931         | 0         | MILK   | 1000     | ",
        "3*4006381333931       | 0         | MILK   | 3000     | ",
        " 12 * 4006381333931   | 0         | MILK   | 12000    | ",
        "4006381333931         | 2000      | MILK   | 2000     | ",
        "3*4006381333931       | 1000      | MILK   | 3000     | ",
        "036000291452          | 0         | SODA   | 1000     | ",
        "2100001307554         | 0         | OLIVES | 755      | ",
        "2100001307554         | 1000      | OLIVES | 755      | ",
        "2290001804990         | 0         | TRAY   | 1000     | 499",
        "2*2290001804990       | 0         | TRAY   | 2000     | 499",
    })
    void linesByBarcodeBecomeLinesBySku(String scan, long qty, String sku, long lineQty, Long embedded) {
        LineRequest line = resolver.resolveLines(List.of(LineRequest.scanned(scan, qty, null))).get(0);

        assertThat(line.sku()).isEqualTo(sku);
        assertThat(line.qtyMilli()).isEqualTo(lineQty);
        assertThat(line.embeddedPrice()).isEqualTo(embedded);
        assertThat(line.barcode()).isEqualTo(scan.substring(scan.indexOf('*') + 1).trim());
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "4006381333932   | 0    | BAD_REQUEST | line 1: barcode 4006381333932 has check digit 2",
        "2290001704993   | 0    | BAD_REQUEST | line 1: barcode 2290001704993 has price check digit 7",
        "4000000000013   | 0    | UNKNOWN_SKU | line 1: barcode 4000000000013 names no product",
        "2100009307556   | 0    | UNKNOWN_SKU | the catalog lists its item under 2100009000006",
        "95012346        | 0    | UNKNOWN_SKU | barcode 95012346 names no product",
        "2*2100001307554 | 0    | BAD_REQUEST | scan each pack instead of a multiplier",
        "2100001307554   | 2000 | BAD_REQUEST | scan each pack instead of giving a qty",
        "3*4006381333931 | 2000 | BAD_REQUEST | has a multiplier and the line a qty",
        "0*4006381333931 | 0    | BAD_REQUEST | multiplier 0",
        "x*4006381333931 | 0    | BAD_REQUEST | multiplier that is not a whole number",
        "2100002307553   | 0    | BAD_REQUEST | carries a weight, but ODD-W is sold by the piece",
        "2290002804999   | 0    | BAD_REQUEST | carries a price, but ODD-P is sold by the kg",
    })
    void everyFailureNamesLineBarcodeAndProblem(String scan, long qty, ErrorCode code, String message) {
        assertThatThrownBy(() -> resolver.resolveLines(List.of(LineRequest.scanned(scan, qty, null))))
                .isInstanceOfSatisfying(StoreLogException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    @Test
    void skuAndBarcodeTogetherAreRefusedAndSkuLinesPassUnchanged() {
        LineRequest bySku = new LineRequest("MILK", 2000, null);
        assertThat(resolver.resolveLines(List.of(bySku))).containsExactly(bySku);
        assertThatThrownBy(() -> resolver.resolveLines(List.of(new LineRequest("MILK", 0, null, "4006381333931", null))))
                .hasMessageContaining("give sku or barcode, not both");
    }

    @Test
    void searchResolutionCarriesTheDecodedWeight() {
        ResolvedBarcode r = resolver.resolve("2100001307554");

        assertThat(r.product().getSku()).isEqualTo("OLIVES");
        assertThat(r.barcode().kind()).isEqualTo(BarcodeKind.EMBEDDED_WEIGHT);
        assertThat(r.qtyMilli()).isEqualTo(755);
        assertThat(r.embeddedPrice()).isNull();
    }

    private static Product product(String sku, String barcode, Unit unit, boolean active) {
        return Product.newBuilder().setSku(sku).setBarcode(barcode).setName(sku).setPrice(1000).setTaxClass("reduced")
                .setUnit(unit).setActive(active).build();
    }
}
