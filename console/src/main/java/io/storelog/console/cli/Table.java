package io.storelog.console.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain-text table with aligned columns: a column whose cells are all numbers is right-aligned, any other
 * left-aligned. A table built without headers prints key/value lines. Control characters in cells print escaped.
 */
final class Table {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final String GAP = "  ";

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
    }

    /** A table with these column headers. */
    static Table of(String... headers) {
        return new Table(List.of(headers));
    }

    /** Key/value lines: two columns, no header. */
    static Table keyValues() {
        return new Table(List.of());
    }

    /** Adds a row; null cells print as "-". */
    Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "-" : oneLine(c.toString()));
        }
        rows.add(r);
        return this;
    }

    /** Free text (a customer name) may hold line breaks; shown escaped, they cannot break the table's rows. */
    private static String oneLine(String text) {
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    /** Rows added so far. */
    int size() {
        return rows.size();
    }

    /** Prints the table, one line per row, trailing blanks trimmed. */
    void print(PrintWriter out) {
        int columns = headers.size();
        for (List<String> r : rows) {
            columns = Math.max(columns, r.size());
        }
        int[] width = new int[columns];
        boolean[] numeric = new boolean[columns];
        Arrays.fill(numeric, true);
        boolean[] seen = new boolean[columns];
        for (int c = 0; c < headers.size(); c++) {
            width[c] = headers.get(c).length();
        }
        for (List<String> r : rows) {
            for (int c = 0; c < r.size(); c++) {
                String cell = r.get(c);
                width[c] = Math.max(width[c], cell.length());
                if (!cell.isEmpty() && !cell.equals("-")) {
                    seen[c] = true;
                    numeric[c] &= NUMBER.matcher(cell).matches();
                }
            }
        }
        // Key/value lines keep values left-aligned: a mix of numbers and words reads better that way.
        boolean rightAlign = !headers.isEmpty();
        if (!headers.isEmpty()) {
            out.println(line(headers, width, numeric, seen, rightAlign));
        }
        for (List<String> r : rows) {
            out.println(line(r, width, numeric, seen, rightAlign));
        }
    }

    private static String line(List<String> cells, int[] width, boolean[] numeric, boolean[] seen, boolean rightAlign) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                sb.append(GAP);
            }
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            if (rightAlign && numeric[c] && seen[c]) {
                sb.append(pad).append(cell);
            } else {
                sb.append(cell).append(pad);
            }
        }
        return sb.toString().stripTrailing();
    }
}
