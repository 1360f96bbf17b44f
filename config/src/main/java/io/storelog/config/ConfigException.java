package io.storelog.config;

/** A configuration problem, reported as one line that names the key (when there is one) and what is wrong. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /** Creates an exception; {@code key} may be null when no single key is to blame (e.g. a missing file). */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** Creates an exception that keeps the low-level cause for logs while the message stays one line. */
    public ConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** "config key http.port: 'abc' is not a port number (1-65535)". */
    public static ConfigException badValue(String key, Object value, String problem) {
        return new ConfigException(key, "config key " + key + ": '" + value + "' " + problem);
    }

    /** "config key hq.stores-file: only role hq reads a stores file". */
    public static ConfigException invalid(String key, String problem) {
        return new ConfigException(key, "config key " + key + ": " + problem);
    }

    /** The dotted key at fault, or null when the problem is not about one key. */
    public String key() {
        return key;
    }
}
