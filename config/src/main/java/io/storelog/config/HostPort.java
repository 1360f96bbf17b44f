package io.storelog.config;

import java.util.Objects;

/** A peer address, {@code host:port} or {@code [ipv6]:port}; the host is not resolved here (DNS may be down at start). */
public record HostPort(String host, int port) {
    /** Validates the parts; an IPv6 host is given without brackets. */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (!Checks.isHost(host)) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a port number (1-65535)");
        }
    }

    /** Parses one list item of {@code key}; a bad item is a {@link ConfigException} naming the key. */
    public static HostPort parse(String key, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw ConfigException.badValue(key, text, "is not host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            // Without brackets "::1:9080" is ambiguous: which colon starts the port?
            throw ConfigException.badValue(key, text, "is not host:port (write an IPv6 address as [addr]:port)");
        }
        int port = Checks.parsePort(key, t.substring(colon + 1), text);
        try {
            return new HostPort(host, port);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(key, text, "is not host:port: " + e.getMessage());
        }
    }

    /** Parses {@code host:port} for a peer list entry. */
    public static HostPort parse(String text) {
        return parse(ConfigKeys.PEER_PEERS, text);
    }

    /** The form {@link #parse} reads back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
