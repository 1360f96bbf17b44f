package io.storelog.node.hq;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.node.api.Json;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.HqVector;
import io.storelog.protocol.UploadBatch;
import io.storelog.protocol.UploadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/** A client of headquarters' HTTP API as a leader and an operator use it. */
final class HqHttp {
    private final HttpClient http;
    private final IntSupplier port;
    private final String scheme;

    /** @param port read on every call, so a restarted HQ on another port is followed */
    HqHttp(IntSupplier port) {
        this(port, null);
    }

    /** Over HTTPS trusting {@code tls} when it is not null. */
    HqHttp(IntSupplier port, javax.net.ssl.SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.port = port;
        this.scheme = tls == null ? "http" : "https";
    }

    /** An answer: status, content type and body. */
    record Answer(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        UploadResult uploadResult() {
            try {
                return UploadResult.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("not an UploadResult (" + status + "): " + text(), e);
            }
        }
    }

    Answer get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    Answer put(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Answer post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Answer upload(String store, String token, List<ByteString> entries) {
        return send(request("/api/hq/upload/" + store + "/entries", token).header("Content-Type", HqRoutes.PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(UploadBatch.newBuilder().addAllEntries(entries).build().toByteArray()))
                .build());
    }

    HqVector vector(String store, String token) {
        Answer a = get("/api/hq/upload/" + store + "/vector", token);
        if (a.status() != 200) {
            throw new AssertionError("vector of " + store + " answered " + a.status() + ": " + a.text());
        }
        try {
            return HqVector.parseFrom(a.body());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    CatalogFeed catalog(long since, String token) {
        Answer a = get("/api/hq/catalog?since=" + since, token);
        if (a.status() != 200) {
            throw new AssertionError("catalog feed answered " + a.status() + ": " + a.text());
        }
        try {
            return CatalogFeed.parseFrom(a.body());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private HttpRequest.Builder request(String path, String token) {
        // Short enough that a request caught by an HQ shutting down (accepted, never answered) is retried
        // soon, as a leader's timeout would; long enough for a batch on a loaded machine.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port.getAsInt() + path))
                .timeout(Duration.ofSeconds(15));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Answer send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
