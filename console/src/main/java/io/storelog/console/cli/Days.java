package io.storelog.console.cli;

import io.storelog.console.UsageException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** The {@code --day} flag: a business day YYYY-MM-DD, checked before anything is asked of the node. */
final class Days {
    private Days() {
    }

    /** The day as the API takes it, or a usage error naming the flag. */
    static String parse(String text) {
        try {
            return LocalDate.parse(text).toString();
        } catch (DateTimeParseException e) {
            throw new UsageException("--day '" + text + "' is not a date YYYY-MM-DD");
        }
    }
}
