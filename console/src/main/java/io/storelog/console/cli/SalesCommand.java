package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code storelog sales [--day D]}: one business day's totals by till and by tender. */
@Command(name = "sales", description = "Sales of one business day by till and tender (GET /api/reports/sales).",
        mixinStandardHelpOptions = true)
public final class SalesCommand extends NodeQuery {
    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "business day (default: today in the store's time zone)")
    String day;

    @Override
    void run(NodeClient node, PrintWriter out) {
        JsonNode report = report(node, day);
        if (json()) {
            printJson(out, report);
            return;
        }
        if (report.path("byTill").isEmpty()) {
            out.println("no sales on " + Fields.text(report, "day"));
            return;
        }
        Fields.Money money = Fields.Money.ofNode(node);
        out.println("sales of " + Fields.text(report, "day") + ": " + Fields.text(report, "bills") + " bills, net "
                + money.field(report, "total"));
        out.println();
        Table tills = Table.of("till", "bills", "total", "tax", "refunds", "refundTotal", "voids", "voidTotal", "net");
        for (Iterator<Map.Entry<String, JsonNode>> it = report.path("byTill").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            tills.row(e.getKey(), Fields.text(t, "bills"), money.field(t, "total"), money.field(t, "tax"),
                    Fields.text(t, "refunds"), money.field(t, "refundTotal"), Fields.text(t, "voids"),
                    money.field(t, "voidTotal"), money.field(t, "net"));
        }
        tills.print(out);
        out.println();
        Table tenders = Table.of("tender", "net");
        long sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = report.path("byTender").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            tenders.row(e.getKey(), money.format(e.getValue().asLong()));
            sum += e.getValue().asLong();
        }
        tenders.row("all", money.format(sum));
        tenders.print(out);
    }

    /** The sales report of a day, or of the node's today when {@code day} is null. */
    static JsonNode report(NodeClient node, String day) {
        return node.get("/api/reports/sales" + (day == null ? "" : "?day=" + Days.parse(day)));
    }
}
