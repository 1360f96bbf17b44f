package io.storelog.node.leader;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.node.api.ApiRequest;
import io.storelog.node.api.ApiResponse;
import io.storelog.node.api.HttpApiServer;
import io.storelog.node.api.Router;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HqVector;
import io.storelog.protocol.Product;
import io.storelog.protocol.TaxRate;
import io.storelog.protocol.UploadBatch;
import io.storelog.protocol.UploadResult;
import io.storelog.protocol.VersionVectorEntry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Headquarters for tests, in memory, speaking hq.proto with the semantics the real one promises:
 * entries keyed by (origin, seq), a repeat compared by hash (same: a duplicate; different: quarantined,
 * never counted), a batch refused with 409 and the held vector when it does not continue what is
 * held, the vector advanced by compare-and-max. It can be taken down (connection refused), made slow
 * or made to fail (every call, or one upload), hold an upload back until a later one was answered (a batch
 * overtaken in flight), and it publishes catalog versions. One store, one bearer token.
 */
final class FakeHq implements AutoCloseable {
    private final String store;
    private final String token;
    private final int port;
    private HttpApiServer server;

    // Guarded by this.
    private final Map<String, Long> held = new TreeMap<>();
    private final Map<String, Map<Long, String>> hashes = new HashMap<>();
    /** How many times each (origin, seq) was stored as new: anything but 1 is a double. */
    private final Map<String, Integer> storeCounts = new HashMap<>();
    private final List<CatalogUpdate> catalog = new ArrayList<>();
    private long salesTotal;
    private long bills;

    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicInteger maxBatchEntries = new AtomicInteger();
    private final AtomicInteger maxBatchBytes = new AtomicInteger();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicInteger uploadsInProgress = new AtomicInteger();
    private final AtomicInteger maxUploadsInProgress = new AtomicInteger();
    private volatile long delayMillis;
    private volatile int failStatus;
    /** Answered with this status once, the next upload (0: none); see {@link #failNextUpload}. */
    private final AtomicInteger failNextUpload = new AtomicInteger();
    /** Armed by {@link #holdNextUploadUntilAnotherIsAnswered}: the held upload's request and its answer to come. */
    private volatile boolean holdNext;
    private volatile Runnable heldUpload;
    /** Runs once before the next upload is looked at (another leader's work, say); see {@link #beforeNextUpload}. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> beforeNextUpload = new java.util.concurrent.atomic.AtomicReference<>();

    private FakeHq(String store, String token, int port) {
        this.store = store;
        this.token = token;
        this.port = port;
    }

    /** A fake HQ for {@code store} on a free loopback port, answering at once. */
    static FakeHq start(String store, String token) {
        FakeHq hq = new FakeHq(store, token, io.storelog.node.testing.cluster.TestCluster.fixedPort());
        hq.up();
        return hq;
    }

    /** A fake HQ that is not listening yet (as headquarters behind a dead internet link). */
    static FakeHq down(String store, String token) {
        return new FakeHq(store, token, io.storelog.node.testing.cluster.TestCluster.fixedPort());
    }

    /** The URL a store is configured with. */
    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts listening (again) on the same port. */
    synchronized void up() {
        if (server == null) {
            server = HttpApiServer.start("127.0.0.1", port, 1024 * 1024, router());
        }
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    synchronized void down() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Every answer waits this long first (a slow link or a busy HQ). */
    void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Every request is answered with this status (0: answer normally). */
    void failWith(int status) {
        this.failStatus = status;
    }

    /** The next upload is answered {@code status} with nothing stored; later ones normally. */
    void failNextUpload(int status) {
        failNextUpload.set(status);
    }

    /**
     * The next upload is not looked at until another upload has been answered (a batch overtaken on
     * the way to headquarters, so the one after it arrives first).
     */
    void holdNextUploadUntilAnotherIsAnswered() {
        holdNext = true;
    }

    /** Runs {@code work} once, before the next upload is looked at. */
    void beforeNextUpload(Runnable work) {
        beforeNextUpload.set(work);
    }

    /** Most uploads headquarters was handling at one moment (received, not yet answered). */
    int maxUploadsInProgress() {
        return maxUploadsInProgress.get();
    }

    /** Stores {@code entries} as another leader's batch would, through the same checks; returns the status answered. */
    int ingest(List<byte[]> entries) {
        UploadBatch.Builder b = UploadBatch.newBuilder();
        entries.forEach(e -> b.addEntries(ByteString.copyFrom(e)));
        return upload(b.build().toByteArray()).status();
    }

    /** Publishes a catalog change with the next version; returns it. */
    synchronized long publish(List<Product> products, List<TaxRate> taxRates) {
        long version = catalog.size() + 1;
        catalog.add(CatalogUpdate.newBuilder().setSource("hq").setVersion(version).addAllProducts(products)
                .addAllTaxRates(taxRates).build());
        return version;
    }

    synchronized VersionVector vector() {
        return VersionVector.of(held);
    }

    /** Entries held, each once. */
    synchronized long entries() {
        return storeCounts.size();
    }

    /** (origin:seq) stored more than once as new; must stay empty. */
    synchronized Map<String, Integer> doubles() {
        Map<String, Integer> out = new TreeMap<>();
        storeCounts.forEach((k, n) -> {
            if (n != 1) {
                out.put(k, n);
            }
        });
        return out;
    }

    /** The hash HQ keeps for (origin, seq), or null. */
    synchronized String hash(String origin, long seq) {
        Map<Long, String> m = hashes.get(origin);
        return m == null ? null : m.get(seq);
    }

    /** Sum of bill totals over the bills held. */
    synchronized long salesTotal() {
        return salesTotal;
    }

    synchronized long bills() {
        return bills;
    }

    long duplicates() {
        return duplicates.get();
    }

    long quarantined() {
        return quarantined.get();
    }

    long conflicts() {
        return conflicts.get();
    }

    long batches() {
        return batches.get();
    }

    int maxBatchEntries() {
        return maxBatchEntries.get();
    }

    int maxBatchBytes() {
        return maxBatchBytes.get();
    }

    long unauthorized() {
        return unauthorized.get();
    }

    static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP ----

    private Router router() {
        return (request, authorization) -> {
            boolean upload = request.method().equals("POST");
            if (upload) {
                maxUploadsInProgress.accumulateAndGet(uploadsInProgress.incrementAndGet(), Math::max);
            }
            CompletableFuture<ApiResponse> answer = route(request, authorization);
            if (upload) {
                answer = answer.whenComplete((a, t) -> uploadsInProgress.decrementAndGet());
            }
            return answer;
        };
    }

    private CompletableFuture<ApiResponse> route(ApiRequest request, String authorization) {
        if (request.method().equals("POST") && holdNext) {
            holdNext = false;
            CompletableFuture<ApiResponse> later = new CompletableFuture<>();
            heldUpload = () -> later.complete(answer(request, authorization));
            return later;
        }
        CompletableFuture<ApiResponse> answer = answerAfterDelay(request, authorization);
        Runnable held = heldUpload;
        if (request.method().equals("POST") && held != null) {
            // Another upload was answered: the held one is looked at now, after it.
            heldUpload = null;
            answer = answer.whenComplete((a, t) -> CompletableFuture.runAsync(held));
        }
        return answer;
    }

    private CompletableFuture<ApiResponse> answerAfterDelay(ApiRequest request, String authorization) {
        long d = delayMillis;
        if (d <= 0) {
            return CompletableFuture.completedFuture(answer(request, authorization));
        }
        return CompletableFuture.supplyAsync(() -> answer(request, authorization),
                CompletableFuture.delayedExecutor(d, TimeUnit.MILLISECONDS));
    }

    private ApiResponse answer(ApiRequest r, String authorization) {
        if (failStatus != 0) {
            return error(failStatus, "headquarters is failing on purpose");
        }
        if (!("Bearer " + token).equals(authorization)) {
            unauthorized.incrementAndGet();
            return error(401, "unknown store token");
        }
        List<String> s = r.segments();
        if (r.method().equals("GET") && s.equals(List.of("api", "hq", "catalog"))) {
            return proto(200, catalogSince(Long.parseLong(r.param("since") == null ? "0" : r.param("since"))).toByteArray());
        }
        if (s.size() == 5 && s.get(0).equals("api") && s.get(1).equals("hq") && s.get(2).equals("upload")) {
            if (!s.get(3).equals(store)) {
                return error(403, "this token is not for store " + s.get(3));
            }
            if (r.method().equals("GET") && s.get(4).equals("vector")) {
                synchronized (this) {
                    return proto(200, HqVector.newBuilder().setHeld(heldProto()).setCatalogVersion(catalog.size()).build().toByteArray());
                }
            }
            if (r.method().equals("POST") && s.get(4).equals("entries")) {
                if (!"application/x-protobuf".equals(r.contentType())) {
                    return error(415, "expected application/x-protobuf");
                }
                Runnable before = beforeNextUpload.getAndSet(null);
                if (before != null) {
                    before.run();
                }
                int fail = failNextUpload.getAndSet(0);
                if (fail != 0) {
                    return error(fail, "this upload fails on purpose");
                }
                return upload(r.body());
            }
        }
        return error(404, "no such route " + r.method() + " " + r.path());
    }

    private synchronized CatalogFeed catalogSince(long since) {
        CatalogFeed.Builder f = CatalogFeed.newBuilder().setVersion(catalog.size());
        for (CatalogUpdate u : catalog) {
            if (u.getVersion() > since) {
                f.addUpdates(u);
            }
        }
        return f.build();
    }

    private ApiResponse upload(byte[] body) {
        UploadBatch batch;
        List<Entry> parsed = new ArrayList<>();
        try {
            batch = UploadBatch.parseFrom(body);
            for (ByteString b : batch.getEntriesList()) {
                parsed.add(Entry.parseFrom(b));
            }
        } catch (InvalidProtocolBufferException e) {
            return error(400, "not an upload batch: " + e.getMessage());
        }
        batches.incrementAndGet();
        maxBatchEntries.accumulateAndGet(batch.getEntriesCount(), Math::max);
        maxBatchBytes.accumulateAndGet(body.length, Math::max);
        synchronized (this) {
            // The whole batch must continue what is held, origin by origin, before anything is stored.
            Map<String, Long> next = new HashMap<>();
            for (Entry e : parsed) {
                long h = next.getOrDefault(e.getOrigin(), held.getOrDefault(e.getOrigin(), 0L));
                if (e.getSeq() > h + 1) {
                    conflicts.incrementAndGet();
                    return proto(409, UploadResult.newBuilder().setHeld(heldProto())
                            .setError(e.getOrigin() + ":" + e.getSeq() + " does not continue seq " + h).build().toByteArray());
                }
                next.put(e.getOrigin(), Math.max(h, e.getSeq()));
            }
            int newOnes = 0;
            int dups = 0;
            int bad = 0;
            for (int i = 0; i < parsed.size(); i++) {
                Entry e = parsed.get(i);
                String hash = sha256(batch.getEntries(i).toByteArray());
                Map<Long, String> m = hashes.computeIfAbsent(e.getOrigin(), o -> new HashMap<>());
                String existing = m.get(e.getSeq());
                if (existing == null) {
                    m.put(e.getSeq(), hash);
                    storeCounts.merge(e.getOrigin() + ":" + e.getSeq(), 1, Integer::sum);
                    newOnes++;
                    if (e.hasBill()) {
                        bills++;
                        salesTotal += e.getBill().getTotal();
                    }
                } else if (existing.equals(hash)) {
                    dups++;
                } else {
                    bad++;
                }
                // Compare-and-max: never backwards, never past a gap (the check above ruled gaps out).
                held.merge(e.getOrigin(), e.getSeq(), Math::max);
            }
            stored.addAndGet(newOnes);
            duplicates.addAndGet(dups);
            quarantined.addAndGet(bad);
            return proto(200, UploadResult.newBuilder().setHeld(heldProto()).setStored(newOnes).setDuplicates(dups)
                    .setQuarantined(bad).build().toByteArray());
        }
    }

    private io.storelog.protocol.VersionVector heldProto() {
        io.storelog.protocol.VersionVector.Builder b = io.storelog.protocol.VersionVector.newBuilder();
        held.forEach((o, s) -> b.addEntries(VersionVectorEntry.newBuilder().setOrigin(o).setSeq(s)));
        return b.build();
    }

    private static ApiResponse proto(int status, byte[] body) {
        return new ApiResponse(status, "application/x-protobuf", body);
    }

    private static ApiResponse error(int status, String message) {
        return ApiResponse.json(status, ("{\"error\":\"" + message.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        down();
    }
}
