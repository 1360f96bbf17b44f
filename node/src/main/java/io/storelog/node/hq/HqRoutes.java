package io.storelog.node.hq;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import io.storelog.config.Secret;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.api.ApiRequest;
import io.storelog.node.api.ApiResponse;
import io.storelog.node.api.ApiRoutes;
import io.storelog.node.api.Json;
import io.storelog.node.api.PromotionJson;
import io.storelog.node.api.Router;
import io.storelog.node.api.StaticAssets;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.HqVector;
import io.storelog.protocol.Product;
import io.storelog.protocol.UploadBatch;
import io.storelog.protocol.UploadResult;
import io.storelog.protocol.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headquarters' HTTP API (docs/hq.md). The upload and catalog-feed routes speak hq.proto and take a
 * store's bearer token; the report and catalog-editing routes speak JSON and take the API token when one
 * is configured. Errors are JSON {@code {"error", "code"}}, except a refused batch: 409 with an UploadResult.
 */
public final class HqRoutes implements Router {
    /** Media type of hq.proto bodies. */
    public static final String PROTOBUF = "application/x-protobuf";
    /** Catalog updates per feed answer (whole versions, so one large import may exceed it). */
    static final int FEED_UPDATES = 64;
    private static final int QUARANTINE_SHOWN = 100;
    private static final Logger LOG = LoggerFactory.getLogger(HqRoutes.class);
    private static final StaticAssets PAGES = new StaticAssets(Map.of("", "hq.html", "dashboard", "hq.html"));

    private final HqStore store;
    private final StoresFile stores;
    private final HqCatalog catalog;
    private final HqPricing pricing;
    private final HqStaff staff;
    /** Most lines an out-of-date-price report lists. */
    private static final int REPORT_LIMIT = 10_000;
    private final HqMetrics metrics;
    private final Optional<Secret> apiToken;
    private final Executor storageCalls;
    private volatile boolean closing;

    /**
     * @param storageCalls runs every request: the HTTP server interrupts its own workers when it closes, and
     *                     an interrupt inside an Ignite write can fail the node; these threads are drained instead
     */
    HqRoutes(HqStore store, StoresFile stores, HqCatalog catalog, HqMetrics metrics, Optional<Secret> apiToken,
            Executor storageCalls) {
        this.store = store;
        this.stores = stores;
        this.catalog = catalog;
        this.pricing = new HqPricing(store);
        this.staff = new HqStaff(store, io.storelog.config.ConfigKeys.DEFAULT_PIN_ITERATIONS);
        this.metrics = metrics;
        this.apiToken = apiToken;
        this.storageCalls = storageCalls;
    }

    /** From now on every request answers 503 at once; those already running finish and are answered. */
    void stopTaking() {
        closing = true;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest r, String authorization) {
        if (closing) {
            return CompletableFuture.completedFuture(ApiRoutes.error(503, "NOT_READY", "headquarters is shutting down"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> answer(r, authorization), storageCalls);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(ApiRoutes.error(503, "NOT_READY", "headquarters is shutting down"));
        }
    }

    private ApiResponse answer(ApiRequest r, String authorization) {
        ApiResponse answer;
        try {
            answer = route(r, authorization);
        } catch (StoreLogException e) {
            answer = ApiRoutes.error(e.code().httpStatus(), e.code().name(), e.getMessage());
        } catch (Refused e) {
            answer = ApiRoutes.error(e.status, e.code, e.getMessage());
        } catch (HqStorageException e) {
            LOG.warn("{} {}: storage unavailable: {}", r.method(), r.path(), e.getMessage());
            answer = ApiRoutes.error(503, "STORAGE_UNAVAILABLE", "headquarters' storage is unavailable; retry later");
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", r.method(), r.path(), e);
            answer = ApiRoutes.error(500, "INTERNAL", "internal error: " + e);
        }
        if (answer.status() >= 400 && answer.status() != 409) {
            metrics.refused(answer.status());
        }
        return answer;
    }

    private ApiResponse route(ApiRequest r, String authorization) {
        List<String> s = r.segments();
        String m = r.method();
        if (s.size() == 1 && s.get(0).equals("metrics") && m.equals("GET")) {
            return ApiResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        }
        if (m.equals("GET") && (s.isEmpty() || !s.get(0).equals("api"))) {
            // The dashboard page itself is public; the stores API it reads asks for the token.
            Optional<ApiResponse> page = PAGES.serve(s);
            if (page.isPresent()) {
                return page.get();
            }
        }
        if (s.size() < 3 || !s.get(0).equals("api") || !s.get(1).equals("hq")) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "no such API: " + m + " " + r.path());
        }
        String area = s.get(2);
        if (area.equals("upload") && s.size() == 5) {
            String pathStore = s.get(3);
            if (s.get(4).equals("vector") && m.equals("GET")) {
                authorizeStore(authorization, pathStore);
                return protobuf(200, HqVector.newBuilder().setHeld(store.vector(pathStore))
                        .setCatalogVersion(store.catalogVersion()).build().toByteArray());
            }
            if (s.get(4).equals("entries") && m.equals("POST")) {
                authorizeStore(authorization, pathStore);
                return upload(pathStore, r);
            }
        }
        if (area.equals("catalog") && s.size() == 3 && m.equals("GET")) {
            if (storeOf(authorization).isEmpty()) {
                throw unauthorized();
            }
            return protobuf(200, feed(r.param("since")).toByteArray());
        }
        if (area.equals("catalog") && s.size() == 5 && s.get(3).equals("products")) {
            authorizeAdmin(authorization);
            if (m.equals("PUT")) {
                HqCatalog.Published p = catalog.putProduct(s.get(4), Json.parseObject(r.body()));
                LOG.info("catalog: {} published as version {}", p.product().getSku(), p.version());
                return json(200, product(p.product()).put("version", p.version()));
            }
            if (m.equals("GET")) {
                Product p = store.product(s.get(4))
                        .orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "product " + s.get(4) + " is not in the catalog"));
                return json(200, product(p));
            }
        }
        if (area.equals("staff") && s.size() == 4 && m.equals("PUT")) {
            authorizeAdmin(authorization);
            HqStaff.Published p = staff.put(s.get(3), Json.parseObject(r.body()));
            LOG.info("staff: {} published as catalog version {}", p.member().getStaffId(), p.version());
            return json(200, Json.object().put("id", p.member().getStaffId()).put("name", p.member().getName())
                    .put("role", p.member().getRole().name().toLowerCase(Locale.ROOT)).put("active", p.member().getActive())
                    .put("version", p.version()));
        }
        if (area.equals("catalog") && s.size() == 5 && s.get(3).equals("promotions")) {
            authorizeAdmin(authorization);
            if (m.equals("PUT")) {
                HqPricing.PublishedPromotion p = pricing.putPromotion(s.get(4), Json.parseObject(r.body()));
                LOG.info("catalog: promotion {} published as version {}", p.promotion().getId(), p.version());
                return json(200, PromotionJson.render(p.promotion(), p.version()));
            }
            if (m.equals("DELETE")) {
                HqPricing.PublishedPromotion p = pricing.withdrawPromotion(s.get(4));
                LOG.info("catalog: promotion {} withdrawn as version {}", p.promotion().getId(), p.version());
                return json(200, Json.object().put("id", p.promotion().getId()).put("withdrawn", true)
                        .put("version", p.version()));
            }
        }
        if (area.equals("catalog") && s.size() == 4 && s.get(3).equals("prices") && m.equals("POST")) {
            authorizeAdmin(authorization);
            HqPricing.PublishedPrice p = pricing.schedulePrice(Json.parseObject(r.body()));
            LOG.info("catalog: price of {} from {} published as version {}", p.change().getSku(),
                    Instant.ofEpochMilli(p.change().getEffectiveAtMs()), p.version());
            return json(200, Json.object().put("sku", p.change().getSku()).put("price", p.change().getPrice())
                    .put("effectiveAt", Instant.ofEpochMilli(p.change().getEffectiveAtMs()).toString())
                    .put("version", p.version()));
        }
        if (area.equals("stores") && m.equals("GET") && s.size() == 5 && s.get(4).equals("out-of-date-prices")) {
            authorizeAdmin(authorization);
            String storeId = s.get(3);
            if (store.summary(storeId).isEmpty()) {
                throw new StoreLogException(ErrorCode.NOT_FOUND, "store " + storeId + " has uploaded nothing");
            }
            ArrayNode lines = Json.MAPPER.createArrayNode();
            for (OutOfDatePrices.Line l : new OutOfDatePrices(store).of(store, storeId, REPORT_LIMIT)) {
                lines.addObject().put("billId", l.billId()).put("till", l.till()).put("number", l.number()).put("sku", l.sku())
                        .put("soldAt", Instant.ofEpochMilli(l.soldAtMs()).toString()).put("chargedUnitPrice", l.chargedUnitPrice())
                        .put("publishedUnitPrice", l.publishedUnitPrice()).put("publishedVersion", l.publishedVersion())
                        .put("laneVersion", l.laneVersion());
            }
            return json(200, Json.object().put("store", storeId).set("lines", lines));
        }
        if (area.equals("stores") && m.equals("GET") && s.size() <= 4) {
            authorizeAdmin(authorization);
            return s.size() == 3 ? json(200, allStores()) : json(200, oneStore(s.get(3)));
        }
        throw new StoreLogException(ErrorCode.NOT_FOUND, "no such API: " + m + " " + r.path());
    }

    private ApiResponse upload(String pathStore, ApiRequest r) {
        String type = r.contentType() == null ? "" : r.contentType().toLowerCase(Locale.ROOT);
        if (!type.startsWith(PROTOBUF)) {
            return ApiRoutes.error(415, "UNSUPPORTED_MEDIA_TYPE", "an upload is an UploadBatch with Content-Type " + PROTOBUF);
        }
        UploadBatch batch;
        try {
            // The entries alias the body (a fresh array per request) instead of each being copied out of it.
            CodedInputStream in = CodedInputStream.newInstance(r.body());
            in.enableAliasing(true);
            batch = UploadBatch.parseFrom(in);
        } catch (java.io.IOException e) {
            // Only InvalidProtocolBufferException: the stream reads an array, not a device.
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "body is not an UploadBatch: " + e.getMessage());
        }
        long start = System.nanoTime();
        IngestResult result = store.ingest(pathStore, batch.getEntriesList(), System.currentTimeMillis());
        metrics.batch(pathStore, result, System.nanoTime() - start);
        UploadResult.Builder answer = UploadResult.newBuilder().setHeld(result.held()).setStored(result.stored())
                .setDuplicates(result.duplicates()).setQuarantined(result.quarantined());
        if (result.refused()) {
            return protobuf(409, answer.setError(result.refusal()).build().toByteArray());
        }
        if (result.quarantined() > 0) {
            LOG.warn("store {}: {} entries of a batch quarantined (GET /api/hq/stores/{} lists them)",
                    pathStore, result.quarantined(), pathStore);
        }
        return protobuf(200, answer.build().toByteArray());
    }

    private CatalogFeed feed(String sinceText) {
        long since = 0;
        if (sinceText != null) {
            try {
                since = Long.parseLong(sinceText.trim());
            } catch (NumberFormatException e) {
                since = -1;
            }
            if (since < 0) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "since '" + sinceText + "' is not a catalog version (0 or more)");
            }
        }
        return store.catalogSince(since, FEED_UPDATES);
    }

    /** 401 without a known token; 403 when the token is another store's, so nothing is read or written. */
    private void authorizeStore(String authorization, String pathStore) {
        String tokenStore = storeOf(authorization).orElseThrow(HqRoutes::unauthorized);
        if (!tokenStore.equals(pathStore)) {
            LOG.warn("store {} presented its token for store {}: refused", tokenStore, pathStore);
            throw new Refused(403, "FORBIDDEN", "this token belongs to another store; a store uploads only its own entries");
        }
    }

    private Optional<String> storeOf(String authorization) {
        return stores.storeOf(bearer(authorization));
    }

    private void authorizeAdmin(String authorization) {
        if (apiToken.isPresent() && !apiToken.get().matches(bearer(authorization))) {
            throw new StoreLogException(ErrorCode.UNAUTHORIZED, "this API needs Authorization: Bearer <api token>");
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    private static StoreLogException unauthorized() {
        return new StoreLogException(ErrorCode.UNAUTHORIZED, "this API needs Authorization: Bearer <the store's token>");
    }

    private ArrayNode allStores() {
        Map<String, StoreSummary> byStore = new TreeMap<>();
        for (String s : stores.stores()) {
            byStore.put(s, empty(s));
        }
        for (StoreSummary s : store.summaries()) {
            byStore.put(s.store(), s);
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        byStore.values().forEach(s -> list.add(summary(s)));
        return list;
    }

    private ObjectNode oneStore(String id) {
        if (!Codec.STORE_ID.matcher(id).matches()) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "no store " + id);
        }
        Optional<StoreSummary> s = store.summary(id);
        if (s.isEmpty() && !stores.accepts(id)) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "no store " + id);
        }
        ObjectNode o = summary(s.orElseGet(() -> empty(id)));
        ArrayNode q = o.putArray("quarantine");
        for (QuarantinedEntry e : store.quarantine(id, QUARANTINE_SHOWN)) {
            q.addObject().put("origin", e.origin()).put("seq", e.seq()).put("sha256", e.sha256())
                    .put("reason", e.reason()).put("at", Instant.ofEpochMilli(e.at()).toString()).put("bytes", e.bytes().length);
        }
        return o;
    }

    private static StoreSummary empty(String id) {
        return new StoreSummary(id, VersionVector.getDefaultInstance(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static ObjectNode summary(StoreSummary s) {
        ObjectNode o = Json.object().put("store", s.store());
        ObjectNode vv = o.putObject("versionVector");
        for (VersionVectorEntry e : s.vector().getEntriesList()) {
            vv.put(e.getOrigin(), e.getSeq());
        }
        o.put("entries", s.entries()).put("bills", s.bills()).put("salesTotal", s.salesTotal())
                .put("quarantined", s.quarantined())
                .put("lastUploadAt", s.lastUploadAt() == 0 ? null : Instant.ofEpochMilli(s.lastUploadAt()).toString())
                .put("refunds", s.refunds()).put("voids", s.voids()).put("duplicates", s.duplicates()).put("batches", s.batches());
        return o;
    }

    private static ObjectNode product(Product p) {
        return Json.object().put("sku", p.getSku()).put("name", p.getName()).put("price", p.getPrice())
                .put("taxClass", p.getTaxClass()).put("unit", p.getUnit() == io.storelog.protocol.Unit.KG ? "kg" : "each")
                .put("barcode", p.getBarcode()).put("active", p.getActive());
    }

    /** A refusal with a status {@link ErrorCode} has no name for (403). */
    private static final class Refused extends RuntimeException {
        private final int status;
        private final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private static ApiResponse protobuf(int status, byte[] body) {
        return new ApiResponse(status, PROTOBUF, body);
    }

    private static ApiResponse json(int status, Object body) {
        return ApiResponse.json(status, Json.write(body));
    }
}
