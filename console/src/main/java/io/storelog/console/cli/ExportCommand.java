package io.storelog.console.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.storelog.console.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code storelog export bills|sales}: one business day as RFC 4180 CSV, to a file or standard output.
 * Money stays in integer minor units, as in the API, so a spreadsheet sum is exact.
 */
@Command(name = "export", description = "Export one day's bills or sales totals as CSV.", mixinStandardHelpOptions = true)
public final class ExportCommand extends NodeQuery {
    /** Columns of the bills export, one row per bill. */
    static final List<String> BILL_COLUMNS = List.of("id", "receipt", "till", "number", "business_day", "created_at",
            "cashier", "customer", "currency", "total", "tax", "bill_discount", "change", "cash", "card", "wallet", "custom",
            "voided", "refunded");
    /** Columns of the sales export: one row per till, then one per tender (whose amount is in {@code net}). */
    static final List<String> SALES_COLUMNS = List.of("day", "kind", "name", "bills", "total", "tax", "refunds",
            "refund_total", "voids", "void_total", "net");
    private static final List<String> TENDER_TYPES = List.of("cash", "card", "wallet", "custom");

    @Parameters(index = "0", paramLabel = "bills|sales", description = "what to export")
    String what;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "business day (default: today in the store's time zone)")
    String day;

    @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of standard output")
    Path outFile;

    @Override
    void run(NodeClient node, PrintWriter out) {
        if (!what.equals("bills") && !what.equals("sales")) {
            throw new UsageException("export takes bills or sales, not '" + what + "'");
        }
        // The sales report names the node's business day, so "today" is the store's today, not this machine's.
        JsonNode report = SalesCommand.report(node, day);
        String theDay = Fields.text(report, "day");
        int rows;
        if (what.equals("sales")) {
            rows = write(out, report, w -> writeSales(report, w));
        } else {
            JsonNode bills = bills(node, theDay);
            rows = write(out, bills, w -> writeBills(bills, w));
        }
        if (outFile != null) {
            out.println("wrote " + rows + " " + what + " rows of " + theDay + " to " + outFile);
        }
    }

    /** Every bill of the day in full (lines, tenders, refunds), ordered by till and number. */
    private static JsonNode bills(NodeClient node, String day) {
        List<JsonNode> full = new ArrayList<>();
        for (JsonNode summary : node.get("/api/bills?day=" + day)) {
            // The list holds no tenders; each bill's own answer does.
            full.add(node.get("/api/bills/" + NodeClient.segment(summary.path("id").asText())));
        }
        full.sort(Comparator.comparing((JsonNode b) -> b.path("till").asText()).thenComparingLong(b -> b.path("number").asLong()));
        ArrayNode arr = NodeClient.JSON.createArrayNode();
        full.forEach(arr::add);
        return arr;
    }

    private interface Rows {
        int writeTo(CSVPrinter csv) throws IOException;
    }

    /** Writes CSV rows (or, with --json, the JSON they come from) to the file or standard output; the row count. */
    private int write(PrintWriter stdout, JsonNode source, Rows rows) {
        try (Writer w = outFile == null ? null : Files.newBufferedWriter(outFile, StandardCharsets.UTF_8)) {
            Writer target = w == null ? stdout : w;
            if (json()) {
                target.write(NodeClient.pretty(source));
                target.write(System.lineSeparator());
                target.flush();
                return source.isArray() ? source.size() : 1;
            }
            CSVPrinter csv = new CSVPrinter(target, CSVFormat.RFC4180);
            int n = rows.writeTo(csv);
            csv.flush();
            return n;
        } catch (IOException e) {
            throw new CommandFailure("cannot write " + (outFile == null ? "standard output" : outFile) + ": " + e.getMessage());
        }
    }

    private static int writeBills(JsonNode bills, CSVPrinter csv) throws IOException {
        csv.printRecord(BILL_COLUMNS);
        for (JsonNode b : bills) {
            long[] byType = new long[TENDER_TYPES.size()];
            for (JsonNode t : b.path("tenders")) {
                int i = TENDER_TYPES.indexOf(t.path("type").asText());
                if (i >= 0) {
                    byType[i] += t.path("amount").asLong();
                }
            }
            long refunded = 0;
            for (JsonNode r : b.path("refunds")) {
                refunded += r.path("total").asLong();
            }
            List<Object> row = new ArrayList<>(List.of(text(b, "id"), text(b, "receiptNumber"), text(b, "till"),
                    text(b, "number"), text(b, "businessDay"), text(b, "createdAt"), text(b, "cashier"), text(b, "customer"),
                    text(b, "currency"), text(b, "total"), text(b, "tax"), text(b, "billDiscount"), text(b, "change")));
            for (long amount : byType) {
                row.add(amount);
            }
            row.add(b.path("voided").asBoolean());
            row.add(refunded);
            csv.printRecord(row);
        }
        return bills.size();
    }

    private static int writeSales(JsonNode report, CSVPrinter csv) throws IOException {
        csv.printRecord(SALES_COLUMNS);
        String day = text(report, "day");
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = report.path("byTill").fields(); it.hasNext(); n++) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            csv.printRecord(day, "till", e.getKey(), text(t, "bills"), text(t, "total"), text(t, "tax"), text(t, "refunds"),
                    text(t, "refundTotal"), text(t, "voids"), text(t, "voidTotal"), text(t, "net"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = report.path("byTender").fields(); it.hasNext(); n++) {
            Map.Entry<String, JsonNode> e = it.next();
            csv.printRecord(day, "tender", e.getKey(), "", "", "", "", "", "", "", e.getValue().asText());
        }
        return n;
    }

    private static String text(JsonNode obj, String field) {
        String s = Fields.text(obj, field);
        return s == null ? "" : s;
    }
}
