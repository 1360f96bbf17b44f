package io.storelog.node.api;

import java.nio.charset.StandardCharsets;

/** A response ready to write: status, content type and body bytes. */
public record ApiResponse(int status, String contentType, byte[] body) {
    /** A JSON response. */
    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, "application/json; charset=utf-8", body);
    }

    /** A plain or HTML text response. */
    public static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
