package io.storelog.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.StoreLogException;
import io.storelog.node.StoreNode;
import io.storelog.node.testing.ApiClient;
import io.storelog.node.testing.TestNodes;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the JSON bodies a till sends: bills shaped almost right, with any value in any field. Parsing
 * either yields a request or refuses it with a StoreLogException naming the problem (never a crash of
 * another kind), and a node answering such a body over HTTP either stores a bill or answers 4xx with
 * nothing written.
 */
class JsonBodyFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> SKUS = List.of("MILK-1L", "BREAD", "SOAP", "WINE", "APPLES", "NOPE", "");
    private static Path dir;
    private static StoreNode node;
    private static ApiClient api;

    @BeforeContainer
    static void startNode() throws Exception {
        dir = Files.createTempDirectory("json-fuzz");
        node = StoreNode.start(TestNodes.till(dir, "till-fz", Map.of()));
        api = new ApiClient(node.httpPort());
    }

    @AfterContainer
    static void stopNode() {
        node.close();
        io.storelog.node.testing.cluster.TestCluster.deleteTree(dir);
    }

    @Property(tries = 1000)
    void parsingRefusesWithANamedProblemOrYieldsARequest(@ForAll("bills") ObjectNode body) {
        try {
            BillJson.parseBill(body);
        } catch (StoreLogException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 150)
    void aNodeStoresTheBillOrAnswers4xxWithNothingWritten(@ForAll("bills") ObjectNode body) {
        long before = api.entries();
        ApiClient.Response r = api.post("/api/bills", body);
        if (r.status() == 201 || r.status() == 200) {
            assertThat(r.body().get("id").asText()).isNotEmpty();
        } else {
            assertThat(r.status()).as("%s", r).isBetween(400, 499);
            assertThat(r.error()).as("%s", r).isNotBlank();
            assertThat(api.entries()).as("nothing written for %s", body).isEqualTo(before);
        }
    }

    @Provide
    Arbitrary<ObjectNode> bills() {
        Arbitrary<ObjectNode> line = Arbitraries.maps(Arbitraries.of("sku", "qty", "discount", "barcode", "priceOverride", "void",
                "reason", "name"), anyValue()).ofMaxSize(5).map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        Arbitrary<ObjectNode> sane = Arbitraries.of(SKUS).flatMap(sku -> Arbitraries.integers().between(-2, 5)
                .map(q -> F.objectNode().put("sku", sku).put("qty", q)));
        Arbitrary<ArrayNode> lines = Arbitraries.oneOf(line, sane).list().ofMaxSize(4).map(l -> {
            ArrayNode a = F.arrayNode();
            l.forEach(a::add);
            return a;
        });
        Arbitrary<ObjectNode> tender = Arbitraries.maps(Arbitraries.of("type", "amount", "reference", "name"),
                Arbitraries.oneOf(anyValue(), Arbitraries.of("cash", "card", "wallet", "custom").map(F::textNode)))
                .ofMaxSize(4).map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        Arbitrary<JsonNode> tenders = Arbitraries.oneOf(tender.list().ofMaxSize(3).map(l -> {
            ArrayNode a = F.arrayNode();
            l.forEach(a::add);
            return (JsonNode) a;
        }), anyValue());
        return net.jqwik.api.Combinators.combine(Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40).map(F::textNode), anyValue()),
                Arbitraries.oneOf(lines.map(a -> (JsonNode) a), anyValue()), tenders, anyValue(), anyValue())
                .as((id, ls, ts, discount, customer) -> {
                    ObjectNode o = F.objectNode();
                    o.set("clientBillId", id);
                    o.set("lines", ls);
                    o.set("tenders", ts);
                    o.set("discount", discount);
                    o.set("customer", customer);
                    return o;
                });
    }

    private static Arbitrary<JsonNode> anyValue() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(F::textNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(6).map(F::numberNode),
                Arbitraries.of(true, false).map(F::booleanNode),
                Arbitraries.just(F.nullNode()),
                Arbitraries.just(F.objectNode().put("percent", 150)),
                Arbitraries.just(F.objectNode().put("amount", -5)),
                Arbitraries.just(F.arrayNode().add(1).add("x")),
                Arbitraries.just(F.objectNode()));
    }
}
