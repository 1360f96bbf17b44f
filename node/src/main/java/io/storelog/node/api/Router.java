package io.storelog.node.api;

import java.util.concurrent.CompletableFuture;

/** Answers decoded HTTP requests; runs on a worker thread, never on the event loop. */
public interface Router {
    /** The answer to {@code request}; {@code authorization} is the raw Authorization header or null. */
    CompletableFuture<ApiResponse> handle(ApiRequest request, String authorization);
}
