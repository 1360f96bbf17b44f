package io.storelog.node.receipt;

import java.util.List;

/**
 * A rendered receipt: lines of at most {@link ReceiptText#WIDTH} characters, the first {@code headerLines}
 * of which a printer emphasises.
 */
public record Receipt(List<String> lines, int headerLines) {
    public Receipt {
        lines = List.copyOf(lines);
    }

    /** The receipt as plain text, one line per receipt line. */
    public String text() {
        return String.join("\n", lines) + "\n";
    }
}
