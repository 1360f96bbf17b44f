package io.storelog.node.leader;

import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.HqVector;
import io.storelog.protocol.UploadBatch;
import io.storelog.protocol.UploadResult;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * The store side of hq.proto over HTTP: protobuf bodies, the store's bearer token, asynchronous
 * calls on the given executor (never a Netty event loop: a slow headquarters must not stall peer
 * links or the API). Every failure surfaces as an {@link HqException}.
 */
final class HqClient {
    static final String PROTOBUF = "application/x-protobuf";

    private final HttpClient http;
    private final String base;
    private final String store;
    private final Optional<String> token;
    private final Duration requestTimeout;

    HqClient(URI url, String store, Optional<String> token, Executor executor, Duration connectTimeout, Duration requestTimeout) {
        this(url, store, token, executor, connectTimeout, requestTimeout, null);
    }

    /** As above; {@code tls} is whom to trust when {@code url} is https (null: the JVM's CAs). */
    HqClient(URI url, String store, Optional<String> token, Executor executor, Duration connectTimeout, Duration requestTimeout,
            SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().executor(executor).connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        String u = url.toString();
        this.base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        this.store = URLEncoder.encode(store, StandardCharsets.UTF_8).replace("+", "%20");
        this.token = token;
        this.requestTimeout = requestTimeout;
    }

    /** The answer to an upload: 200 (stored) or 409 (the batch does not continue what HQ holds; resume from held). */
    record Upload(int status, UploadResult result) {
    }

    /** GET /api/hq/upload/{store}/vector. */
    CompletableFuture<HqVector> vector() {
        return send(request("/api/hq/upload/" + store + "/vector").GET().build())
                .thenApply(r -> parse(r, 200, HqVector::parseFrom));
    }

    /** POST /api/hq/upload/{store}/entries. */
    CompletableFuture<Upload> upload(UploadBatch batch) {
        HttpRequest req = request("/api/hq/upload/" + store + "/entries").header("Content-Type", PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.toByteArray())).build();
        return send(req).thenApply(r -> {
            if (r.statusCode() == 409) {
                return new Upload(409, parseBody(r, UploadResult::parseFrom));
            }
            return new Upload(200, parse(r, 200, UploadResult::parseFrom));
        });
    }

    /** GET /api/hq/catalog?since=N. */
    CompletableFuture<CatalogFeed> catalog(long since) {
        return send(request("/api/hq/catalog?since=" + since).GET().build())
                .thenApply(r -> parse(r, 200, CatalogFeed::parseFrom));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout).header("Accept", PROTOBUF);
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest req) {
        CompletableFuture<HttpResponse<byte[]>> f;
        try {
            f = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new HqException(0, "cannot send " + req.method() + " " + req.uri() + ": " + e, e));
        }
        return f.exceptionallyCompose(t -> {
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            return CompletableFuture.failedFuture(new HqException(0, req.method() + " " + req.uri().getPath() + " failed: " + c, c));
        });
    }

    private interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private static <T> T parse(HttpResponse<byte[]> r, int expected, Parser<T> parser) {
        if (r.statusCode() != expected) {
            throw new HqException(r.statusCode(), r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode()
                    + ": " + snippet(r.body()), null);
        }
        return parseBody(r, parser);
    }

    private static <T> T parseBody(HttpResponse<byte[]> r, Parser<T> parser) {
        try {
            return parser.parse(r.body());
        } catch (InvalidProtocolBufferException e) {
            throw new HqException(r.statusCode(), r.request().method() + " " + r.uri().getPath() + " answered "
                    + r.statusCode() + " with a body that is not the expected message: " + snippet(r.body()), e);
        }
    }

    /** The start of an error body (headquarters answers errors in JSON), for logs and status. */
    private static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return "(no body)";
        }
        String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return s.chars().allMatch(ch -> ch >= 0x20 && ch != 0xFFFD) ? s : "(" + body.length + " bytes)";
    }
}
