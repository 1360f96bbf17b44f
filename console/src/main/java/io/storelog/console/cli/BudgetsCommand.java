package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.storelog.console.UsageException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code storelog budgets}: limited items and the offline card cap with each lane's share;
 * {@code storelog budgets SKU} one of them; {@code storelog budgets set SKU TOTAL} sets a total
 * ({@code card-offline} in place of a SKU for the card cap, in minor units).
 */
@Command(name = "budgets", description = "Show budgets and each lane's share (GET /api/budgets[/SKU]); "
        + "'budgets set SKU TOTAL' sets a total (PUT /api/budgets/SKU).", mixinStandardHelpOptions = true)
public final class BudgetsCommand extends NodeQuery {
    @Parameters(arity = "0..3", paramLabel = "ARGS", description = "nothing (all), SKU (one), or: set SKU TOTAL")
    List<String> args = new ArrayList<>();

    @Override
    void run(NodeClient node, PrintWriter out) {
        if (args.isEmpty()) {
            JsonNode all = node.get("/api/budgets");
            if (json()) {
                printJson(out, all);
            } else if (all.isEmpty()) {
                out.println("no budgets: every item sells without limit and card payments are not capped");
            } else {
                print(out, all);
            }
            return;
        }
        if (args.get(0).equals("set")) {
            if (args.size() != 3) {
                throw new UsageException("budgets set needs a SKU (or card-offline) and a TOTAL");
            }
            String name = args.get(1);
            String totalText = args.get(2);
            var body = NodeClient.JSON.createObjectNode();
            try {
                BigDecimal total = new BigDecimal(totalText);
                if (name.equals("card-offline")) {
                    body.put("total", total.longValueExact());
                } else {
                    body.put("total", total);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new UsageException("TOTAL '" + totalText + "' is not a number"
                        + (name.equals("card-offline") ? " of minor units" : ""));
            }
            JsonNode answer = node.put("/api/budgets/" + NodeClient.segment(name), body);
            show(out, answer);
            return;
        }
        if (args.size() != 1) {
            throw new UsageException("give one SKU, or: budgets set SKU TOTAL");
        }
        show(out, node.get("/api/budgets/" + NodeClient.segment(args.get(0))));
    }

    private void show(PrintWriter out, JsonNode budget) {
        if (json()) {
            printJson(out, budget);
            return;
        }
        ArrayNode one = NodeClient.JSON.createArrayNode();
        one.add(budget);
        print(out, one);
    }

    private static void print(PrintWriter out, JsonNode budgets) {
        Table t = Table.of("budget", "total", "spent", "remaining");
        budgets.forEach(b -> t.row(name(b), Fields.text(b, "total"), Fields.text(b, "spent"), Fields.text(b, "remaining")));
        t.print(out);
        out.println();
        Table lanes = Table.of("budget", "lane", "holder", "held", "spent", "linked");
        budgets.forEach(b -> b.path("lanes").forEach(l -> lanes.row(name(b), Fields.text(l, "lane"), Fields.text(l, "holder"),
                Fields.text(l, "held"), Fields.text(l, "spent"), l.path("linked").asBoolean() ? "yes" : "no")));
        lanes.print(out);
    }

    private static String name(JsonNode b) {
        return b.hasNonNull("sku") ? b.get("sku").asText() : Fields.text(b, "key");
    }
}
