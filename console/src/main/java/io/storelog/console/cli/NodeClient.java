package io.storelog.console.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Read-only client of a store node's HTTP API for the console commands. Numbers with a fraction are read as
 * exact decimals and written back in plain digits, so {@code --json} repeats the node's figures unchanged.
 */
public final class NodeClient {
    /** Reads and writes the API's JSON without ever passing a quantity through {@code double}. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;
    private final String apiToken;

    /** A client of the node at {@code base} (an {@code http://host:port} URL); a null token sends none. */
    public NodeClient(URI base, String apiToken) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.apiToken = apiToken;
    }

    /** GET a path such as {@code /api/status}: the parsed JSON answer, or a {@link CommandFailure} saying why not. */
    public JsonNode get(String path) {
        return send(path, HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** PUT a JSON body to a path (an operator's change): the parsed JSON answer, or a {@link CommandFailure} saying why not. */
    public JsonNode put(String path, JsonNode body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return send(path, HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)));
    }

    private JsonNode send(String path, HttpRequest.Builder request) {
        request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        if (apiToken != null && !apiToken.isEmpty()) {
            request.header("Authorization", "Bearer " + apiToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CommandFailure("cannot reach node at " + base + ": " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted while calling " + base);
        }
        int status = response.statusCode();
        if (status == 401) {
            throw new CommandFailure(apiToken == null || apiToken.isEmpty()
                    ? "the node needs --api-token" : "the node refused the --api-token given");
        }
        JsonNode body = parse(response.body());
        if (status != 200) {
            String error = body != null && body.hasNonNull("error") ? body.get("error").asText() : response.body().strip();
            throw new CommandFailure(error + " (HTTP " + status + " from " + base + path + ")");
        }
        if (body == null) {
            throw new CommandFailure(base + path + " did not answer JSON; is " + base + " a StoreLog node?");
        }
        return body;
    }

    /** The base URL, as given. */
    public URI base() {
        return base;
    }

    /** One path segment, percent-encoded (SKUs and bill ids are free text). */
    public static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The JSON as the {@code --json} output prints it: indented, numbers in the node's own digits. */
    public static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The most telling message in a chain: the JDK's connect failures often carry it only on a cause, or not at all. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getClass().getSimpleName();
    }
}
