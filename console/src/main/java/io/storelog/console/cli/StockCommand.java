package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.storelog.console.UsageException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code storelog stock [SKU]}: stock on hand of one item, or of every item the node has seen (optionally only those below zero). */
@Command(name = "stock", description = "Show stock on hand (GET /api/stock[/SKU]).", mixinStandardHelpOptions = true)
public final class StockCommand extends NodeQuery {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SKU", description = "one item; all items when omitted")
    String sku;

    @Option(names = "--negative", description = "only items whose stock is below zero (sold more than was booked in)")
    boolean negative;

    @Override
    void run(NodeClient node, PrintWriter out) {
        if (sku != null) {
            if (negative) {
                throw new UsageException("--negative filters the list of all items; give it without a SKU");
            }
            JsonNode item = node.get("/api/stock/" + NodeClient.segment(sku));
            if (json()) {
                printJson(out, item);
            } else {
                Table.of("sku", "onHand").row(Fields.text(item, "sku"), Fields.text(item, "onHand")).print(out);
            }
            return;
        }
        JsonNode all = node.get("/api/stock");
        ArrayNode shown = NodeClient.JSON.createArrayNode();
        for (JsonNode item : all) {
            // onHand is an exact decimal; its sign decides, never a double comparison.
            if (!negative || item.path("onHand").decimalValue().signum() < 0) {
                shown.add(item);
            }
        }
        if (json()) {
            printJson(out, shown);
            return;
        }
        if (shown.isEmpty()) {
            out.println(negative ? "no item is below zero" : "no stock recorded");
            return;
        }
        Table t = Table.of("sku", "onHand");
        shown.forEach(item -> t.row(Fields.text(item, "sku"), Fields.text(item, "onHand")));
        t.print(out);
    }
}
