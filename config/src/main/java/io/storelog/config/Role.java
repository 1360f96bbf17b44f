package io.storelog.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a node process does: a till lane, the store server, or headquarters ingest. */
public enum Role {
    TILL, SERVER, HQ;

    /** The lower-case name used in config files and flags. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "till", "SERVER", "Hq", ...; anything else is a {@link ConfigException} naming {@code key}. */
    public static Role parse(String key, String text) {
        String t = text == null ? "" : text.trim();
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(t)) {
                return r;
            }
        }
        throw ConfigException.badValue(key, text, "is not one of " + choices());
    }

    /** Parses a role for the {@code node.role} key. */
    public static Role parse(String text) {
        return parse(ConfigKeys.NODE_ROLE, text);
    }

    private static String choices() {
        return Arrays.stream(values()).map(Role::text).collect(Collectors.joining(", "));
    }
}
