package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.storelog.console.UsageException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code storelog bills [ID]}: the latest bills (or those of one day), or one bill with its lines, tenders and refunds. */
@Command(name = "bills", description = "List recent bills, or show one bill (GET /api/bills[/ID]).", mixinStandardHelpOptions = true)
public final class BillsCommand extends NodeQuery {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "a bill id (origin:seq); the list when omitted")
    String id;

    @Option(names = "--limit", paramLabel = "N", description = "at most N bills (the node's default: 50 latest, or all of --day)")
    Integer limit;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "only bills of this business day")
    String day;

    @Override
    void run(NodeClient node, PrintWriter out) {
        if (id != null) {
            if (limit != null || day != null) {
                throw new UsageException("--limit and --day filter the list; give them without a bill id");
            }
            showOne(node.get("/api/bills/" + NodeClient.segment(id)), out);
            return;
        }
        if (limit != null && (limit < 1 || limit > 10_000)) {
            throw new UsageException("--limit must be from 1 to 10000");
        }
        StringBuilder query = new StringBuilder();
        if (day != null) {
            query.append("day=").append(Days.parse(day));
        }
        if (limit != null) {
            query.append(query.length() == 0 ? "" : "&").append("limit=").append(limit);
        }
        JsonNode bills = node.get("/api/bills" + (query.length() == 0 ? "" : "?" + query));
        if (json()) {
            printJson(out, bills);
            return;
        }
        if (bills.isEmpty()) {
            out.println(day == null ? "no bills" : "no bills on " + day);
            return;
        }
        Fields.Money money = Fields.Money.ofNode(node);
        Table t = Table.of("number", "till", "businessDay", "total", "tax", "id");
        for (JsonNode b : bills) {
            t.row(Fields.text(b, "number"), Fields.text(b, "till"), Fields.text(b, "businessDay"),
                    money.field(b, "total"), money.field(b, "tax"), Fields.text(b, "id"));
        }
        t.print(out);
    }

    private void showOne(JsonNode b, PrintWriter out) {
        if (json()) {
            printJson(out, b);
            return;
        }
        Fields.Money money = Fields.Money.of(Fields.text(b, "currency"));
        Table.keyValues()
                .row("bill", Fields.text(b, "id"))
                .row("receipt", Fields.text(b, "receiptNumber"))
                .row("till", Fields.text(b, "till"))
                .row("business day", Fields.text(b, "businessDay"))
                .row("created", Fields.text(b, "createdAt"))
                .row("cashier", emptyAsDash(Fields.text(b, "cashier")))
                .row("customer", emptyAsDash(Fields.text(b, "customer")))
                .row("total", money.field(b, "total") + " " + Fields.text(b, "currency"))
                .row("tax", money.field(b, "tax"))
                .row("bill discount", money.field(b, "billDiscount"))
                .row("change", money.field(b, "change"))
                .row("voided", Fields.yesNo(b, "voided"))
                .print(out);
        out.println();
        Table lines = Table.of("line", "sku", "name", "qty", "unitPrice", "gross", "discount", "net", "tax");
        for (JsonNode l : b.path("lines")) {
            long discount = Fields.number(l, "lineDiscount") + Fields.number(l, "billDiscountShare");
            lines.row(Fields.text(l, "lineNo"), Fields.text(l, "sku"), Fields.text(l, "name"), Fields.text(l, "qty"),
                    money.field(l, "unitPrice"), money.field(l, "gross"), money.format(discount), money.field(l, "net"),
                    money.field(l, "tax"));
        }
        lines.print(out);
        out.println();
        Table tenders = Table.of("tender", "amount", "tendered", "reference");
        for (JsonNode t : b.path("tenders")) {
            String type = Fields.text(t, "type");
            String name = Fields.text(t, "name");
            tenders.row(name == null ? type : type + ":" + name, money.field(t, "amount"), money.field(t, "tendered"),
                    Fields.text(t, "reference"));
        }
        tenders.print(out);
        if (!b.path("refunds").isEmpty()) {
            out.println();
            Table refunds = Table.of("refund", "businessDay");
            b.path("refunds").forEach(r -> refunds.row(money.field(r, "total"), Fields.text(r, "businessDay")));
            refunds.print(out);
        }
    }

    private static String emptyAsDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
