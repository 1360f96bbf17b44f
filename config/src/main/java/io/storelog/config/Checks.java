package io.storelog.config;

import java.util.regex.Pattern;

/** Value checks shared by the config sections, each failing with a message that names the key. */
final class Checks {
    private static final String PORT_PROBLEM = "is not a port number (1-65535)";
    private static final String LISTEN_PORT_PROBLEM = "is not a port number (1-65535, or 0 for any free port)";
    // Names end up in file names (data/<node.id>) and incarnation ids, so keep them to a safe alphabet.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final Pattern HOST_NAME_OR_IPV4 = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    private Checks() {
    }

    /** Parses decimal port text; {@code shown} is what the message quotes (the whole entry for a peer). */
    static int parsePort(String key, String text, String shown) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9]{1,5}")) {
            throw ConfigException.badValue(key, shown, PORT_PROBLEM);
        }
        int port = Integer.parseInt(t);
        if (port < 1 || port > 65535) {
            throw ConfigException.badValue(key, shown, PORT_PROBLEM);
        }
        return port;
    }

    /** A port this node listens on: 0 asks the system for any free port (tests, several nodes on one host). */
    static int listenPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw ConfigException.badValue(key, port, LISTEN_PORT_PROBLEM);
        }
        return port;
    }

    /** Parses a listening port, where 0 means any free port. */
    static int parseListenPort(String key, String text) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9]{1,5}") || Integer.parseInt(t) > 65535) {
            throw ConfigException.badValue(key, text, LISTEN_PORT_PROBLEM);
        }
        return Integer.parseInt(t);
    }

    static int port(String key, int port) {
        if (port < 1 || port > 65535) {
            throw ConfigException.badValue(key, port, PORT_PROBLEM);
        }
        return port;
    }

    static long range(String key, long value, long min, long max) {
        if (value < min) {
            throw ConfigException.badValue(key, value, "is below the minimum " + min);
        }
        if (value > max) {
            throw ConfigException.badValue(key, value, "is above the maximum " + max);
        }
        return value;
    }

    static String name(String key, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ConfigException.badValue(key, value,
                    "is not a valid name (1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        return value;
    }

    /** A host name or an IP literal (IPv6 without brackets); syntax only, nothing is resolved. */
    static boolean isHost(String host) {
        return host != null && (HOST_NAME_OR_IPV4.matcher(host).matches() || IPV6.matcher(host).matches());
    }

    static <T> T notNull(String key, T value) {
        if (value == null) {
            throw ConfigException.invalid(key, "is missing");
        }
        return value;
    }
}
