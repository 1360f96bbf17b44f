package io.storelog.node.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small JSON client for a node's HTTP API, as a till screen would use it: {@link java.net.http.HttpClient},
 * numbers with a fraction read as exact {@link BigDecimal}s.
 */
public final class ApiClient {
    /** Reads JSON the way the tests compare it: exact decimals, never double. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final HttpClient http;
    private final String base;
    private final String token;
    private final Duration timeout;
    private final java.util.Map<String, String> headers;

    /** A client of the API on localhost at {@code port}. */
    public ApiClient(int port) {
        this("http://127.0.0.1:" + port, null, Duration.ofSeconds(20), java.util.Map.of());
    }

    /** A client of the API at {@code baseUrl}, e.g. {@code http://10.0.0.2:8080}. */
    public static ApiClient at(String baseUrl) {
        return new ApiClient(baseUrl, null, Duration.ofSeconds(20), java.util.Map.of());
    }

    private ApiClient(String base, String token, Duration timeout, java.util.Map<String, String> headers) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.headers = headers;
    }

    /** The same API, sending {@code Authorization: Bearer token} (null sends none). */
    public ApiClient withToken(String bearer) {
        return new ApiClient(base, bearer, timeout, headers);
    }

    /** The same API with a shorter per-request timeout (for calls to a node that may die). */
    public ApiClient withTimeout(Duration requestTimeout) {
        return new ApiClient(base, token, requestTimeout, headers);
    }

    /** The same API, sending one more header on every request (e.g. a cashier session). */
    public ApiClient withHeader(String name, String value) {
        java.util.Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new ApiClient(base, token, timeout, java.util.Map.copyOf(more));
    }

    /** DELETE {@code path}. */
    public Response delete(String path) {
        return unchecked(() -> send(request(path).DELETE().build()));
    }

    /** An answer: status, parsed JSON body (null if it is not JSON) and raw text. */
    public record Response(int status, JsonNode body, String raw) {
        /** The {@code error} text of an error answer. */
        public String error() {
            return body == null || !body.hasNonNull("error") ? null : body.get("error").asText();
        }

        /** The {@code code} of an error answer. */
        public String code() {
            return body == null || !body.hasNonNull("code") ? null : body.get("code").asText();
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    /** GET {@code path}; throws on connection trouble. */
    public Response get(String path) {
        return unchecked(() -> send(request(path).GET().build()));
    }

    /** POST a JSON body to {@code path}; throws on connection trouble. */
    public Response post(String path, Object jsonBody) {
        return unchecked(() -> tryPost(path, jsonBody));
    }

    /** POST a JSON body; connection trouble is an {@link IOException} the caller handles (a dying node). */
    public Response tryPost(String path, Object jsonBody) throws IOException, InterruptedException {
        String text = jsonBody instanceof String s ? s : JSON.writeValueAsString(jsonBody);
        return post(path, "application/json", text.getBytes(StandardCharsets.UTF_8));
    }

    /** POST raw bytes with any Content-Type. */
    public Response post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    /** PUT a JSON body. */
    public Response put(String path, Object jsonBody) {
        return unchecked(() -> send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(jsonBody))).build()));
    }

    /** {@code log.entries} of GET /api/status. */
    public long entries() {
        Response r = get("/api/status");
        if (r.status() != 200) {
            throw new AssertionError("GET /api/status answered " + r);
        }
        return r.body().get("log").get("entries").asLong();
    }

    /** {@code onHand} of a SKU, exact. */
    public BigDecimal onHand(String sku) {
        Response r = get("/api/stock/" + sku);
        if (r.status() != 200) {
            throw new AssertionError("GET /api/stock/" + sku + " answered " + r);
        }
        return r.body().get("onHand").decimalValue();
    }

    /** A new JSON object to build a request body. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return b;
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body = null;
        String ct = r.headers().firstValue("Content-Type").orElse("");
        if (ct.startsWith("application/json") && !r.body().isEmpty()) {
            body = JSON.readTree(r.body());
        }
        return new Response(r.statusCode(), body, r.body());
    }

    private interface Call {
        Response run() throws IOException, InterruptedException;
    }

    private static Response unchecked(Call call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
