package io.storelog.node.api;

import java.util.List;
import java.util.Map;

/** What a route handler sees of a request: method, path segments, query, body and headers (names lower-case). */
public record ApiRequest(String method, String path, List<String> segments, Map<String, List<String>> query,
        String contentType, byte[] body, Map<String, String> headers) {
    /** A request without headers beyond Content-Type. */
    public ApiRequest(String method, String path, List<String> segments, Map<String, List<String>> query,
            String contentType, byte[] body) {
        this(method, path, segments, query, contentType, body, Map.of());
    }

    /** A header's value (first one), by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** First value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
