package io.storelog.config.catalog;

import io.storelog.config.ConfigException;
import io.storelog.config.ConfigKeys;
import java.nio.file.Path;

/** A bad catalog file, with the file, line and column at fault ("catalog.csv line 17: price '12.999' ..."). */
public class CatalogException extends ConfigException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String column;

    /** {@code line} is 0 and {@code column} null when the problem is the whole file. */
    public CatalogException(Path file, long line, String column, String problem) {
        super(ConfigKeys.CATALOG_FILE, file + (line > 0 ? " line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /** The catalog file. */
    public Path file() {
        return file;
    }

    /** 1-based line of the problem, 0 when not about one line. */
    public long line() {
        return line;
    }

    /** Column name (e.g. "price"), or null. */
    public String column() {
        return column;
    }
}
