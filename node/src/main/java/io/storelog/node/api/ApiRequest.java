package io.storelog.node.api;

import java.util.List;
import java.util.Map;

/** What a route handler sees of a request: method, path segments, query and body. */
public record ApiRequest(String method, String path, List<String> segments, Map<String, List<String>> query,
        String contentType, byte[] body) {
    /** First value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
