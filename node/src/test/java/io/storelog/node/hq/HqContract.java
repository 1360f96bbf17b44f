package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.config.catalog.CatalogGenerator;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.CatalogUpdate;
import io.storelog.protocol.Product;
import io.storelog.protocol.Tender;
import io.storelog.protocol.TenderType;
import io.storelog.protocol.UploadResult;
import io.storelog.protocol.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What headquarters must do, whatever Ignite it stores in: one Ignite per test class, one HQ HTTP server on
 * it, and each test on a store of its own (s1..s12), so the tests do not see each other's entries.
 * Subclasses say how to open, and how to restart, the storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HqContract {
    private static final int STORES = 12;

    private Path dir;
    private volatile HqStore store;
    private volatile HqNode hq;
    private NodeConfig config;
    private StoresFile stores;
    private HqHttp http;

    /** Opens the storage under test, its data under {@code dir}. */
    abstract HqStore open(Path dir);

    /** Restarts the storage as a crash or an operator would, keeping its data; returns the reopened one. */
    abstract HqStore restart(HqStore running, Path dir);

    @BeforeAll
    void startHeadquarters(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        StringBuilder csv = new StringBuilder("store,token\n");
        for (int i = 1; i <= STORES; i++) {
            csv.append("s").append(i).append(",").append(token("s" + i)).append("\n");
        }
        Path storesFile = Files.writeString(dir.resolve("stores.csv"), csv);
        config = ConfigLoader.load(Optional.empty(), Map.of("node.role", "hq", "http.port", "0",
                "data.dir", dir.resolve("hq").toString(), "hq.stores-file", storesFile.toString()));
        stores = StoresFile.read(storesFile);
        store = open(dir);
        hq = HqNode.serve(config, stores, store, false);
        http = new HqHttp(() -> hq.httpPort());
    }

    @AfterAll
    void stopHeadquarters() {
        if (hq != null) {
            hq.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String token(String store) {
        return "token-of-" + store;
    }

    @Test
    void uploadingEverythingTwiceStoresEachEntryOnce() {
        TestEntries.StoreLog log = TestEntries.log(List.of("till1-a1", "till2-a2", "server-a3"), 800);
        List<List<ByteString>> batches = TestEntries.batches(log, 400);

        long stored = 0;
        for (List<ByteString> b : batches) {
            UploadResult r = ok(http.upload("s1", token("s1"), b));
            stored += r.getStored();
        }
        for (List<ByteString> b : batches) {
            UploadResult r = ok(http.upload("s1", token("s1"), b));
            assertThat(r.getStored()).isZero();
            assertThat(r.getDuplicates()).isEqualTo(b.size());
        }

        assertThat(stored).isEqualTo(log.entries());
        assertHolds("s1", log);
        assertThat(store.summary("s1").orElseThrow().duplicates()).isEqualTo(log.entries());
    }

    @Test
    @Timeout(90)
    void twoLeadersRacingWithOverlappingBatchesLeaveEveryEntryOnce() throws Exception {
        TestEntries.StoreLog log = TestEntries.log(List.of("till1-r1", "till2-r2", "server-r3"), 1500);
        CyclicBarrier together = new CyclicBarrier(2);
        TestLeader a = new TestLeader(http, "s2", token("s2"), log, 250).startTogetherAt(together);
        TestLeader b = new TestLeader(http, "s2", token("s2"), log, 170).startTogetherAt(together);

        CompletableFuture<Void> ra = CompletableFuture.runAsync(() -> a.run(Duration.ofSeconds(80)));
        CompletableFuture<Void> rb = CompletableFuture.runAsync(() -> b.run(Duration.ofSeconds(80)));
        CompletableFuture.allOf(ra, rb).get(85, TimeUnit.SECONDS);

        assertHolds("s2", log);
        // Every entry was reported stored to exactly one of them; the overlap cost only duplicates and 409s.
        assertThat(a.stored + b.stored).isEqualTo(log.entries());
        assertThat(a.duplicates + b.duplicates).isPositive();
    }

    @Test
    void aBatchThatSkipsAheadIsRefusedWithNothingWritten() {
        String o = "till1-k3";
        ok(http.upload("s3", token("s3"), TestEntries.bills(o, 1, 10)));
        StoreSummary before = store.summary("s3").orElseThrow();

        HqHttp.Answer gap = http.upload("s3", token("s3"), TestEntries.bills(o, 12, 20));
        List<ByteString> mixed = new ArrayList<>(TestEntries.bills("till2-k3", 1, 5));
        mixed.addAll(TestEntries.bills(o, 15, 16));
        HqHttp.Answer mixedGap = http.upload("s3", token("s3"), mixed);

        assertThat(gap.status()).isEqualTo(409);
        assertThat(gap.contentType()).startsWith(HqRoutes.PROTOBUF);
        assertThat(gap.uploadResult().getError()).contains(o).contains("send from 11");
        assertThat(gap.uploadResult().getHeld()).isEqualTo(vector(Map.of(o, 10L)));
        assertThat(mixedGap.status()).isEqualTo(409);
        assertThat(store.summary("s3").orElseThrow()).isEqualTo(before);
        assertThat(store.vector("s3")).isEqualTo(vector(Map.of(o, 10L)));

        UploadResult resumed = ok(http.upload("s3", token("s3"), TestEntries.bills(o, 11, 20)));
        assertThat(resumed.getStored()).isEqualTo(10);
        assertThat(resumed.getHeld()).isEqualTo(vector(Map.of(o, 20L)));
    }

    @Test
    void aRepeatWithOtherBytesIsQuarantinedCountedAndTheVectorStillAdvances() {
        String o = "till1-c4";
        ok(http.upload("s4", token("s4"), TestEntries.bills(o, 1, 5)));
        ByteString forged = TestEntries.bill(o, 5, 999_999);

        List<ByteString> batch = new ArrayList<>(List.of(forged));
        batch.addAll(TestEntries.bills(o, 6, 7));
        UploadResult r = ok(http.upload("s4", token("s4"), batch));
        UploadResult again = ok(http.upload("s4", token("s4"), List.of(forged)));

        assertThat(r.getStored()).isEqualTo(2);
        assertThat(r.getQuarantined()).isEqualTo(1);
        assertThat(r.getHeld()).isEqualTo(vector(Map.of(o, 7L)));
        assertThat(again.getQuarantined()).isEqualTo(1);
        StoreSummary s = store.summary("s4").orElseThrow();
        assertThat(s.quarantined()).as("the same bad copy twice is one problem").isEqualTo(1);
        assertThat(s.bills()).isEqualTo(7);
        assertThat(s.salesTotal()).isEqualTo(TestEntries.billTotals(1, 7));
        List<QuarantinedEntry> q = store.quarantine("s4", 10);
        assertThat(q).singleElement().satisfies(e -> {
            assertThat(e.origin()).isEqualTo(o);
            assertThat(e.seq()).isEqualTo(5);
            assertThat(e.reason()).contains("differs");
            assertThat(ByteString.copyFrom(e.bytes())).isEqualTo(forged);
        });
    }

    @Test
    void entriesHqCannotProcessAreQuarantinedAndTheUploadGoesOn() {
        String o = "till1-q5";
        ByteString damaged = TestEntries.envelope(o, 2).build().toByteString()
                .concat(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        ByteString unknownKind = TestEntries.envelope(o, 3).setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("from the future")).build())
                .build()).build().toByteString();
        ByteString badBill = TestEntries.envelope(o, 4).setBill(BillCommitted.newBuilder().setClientBillId("bad")
                .addLines(BillLine.newBuilder().setLineNo(1).setSku("x").setNet(50)).setTotal(100)
                .addTenders(Tender.newBuilder().setType(TenderType.CASH).setAmount(100))).build().toByteString();
        ByteString noId = ByteString.copyFromUtf8("not an entry at all");

        UploadResult r = ok(http.upload("s5", token("s5"), List.of(TestEntries.bill(o, 1, 500), damaged, unknownKind, badBill,
                TestEntries.bill(o, 5, 700), noId)));
        UploadResult next = ok(http.upload("s5", token("s5"), List.of(TestEntries.bill(o, 6, 300), noId)));

        assertThat(r.getStored()).isEqualTo(5);
        assertThat(r.getQuarantined()).isEqualTo(4);
        assertThat(r.getHeld()).isEqualTo(vector(Map.of(o, 5L)));
        assertThat(next.getStored()).isEqualTo(1);
        assertThat(next.getHeld()).isEqualTo(vector(Map.of(o, 6L)));
        StoreSummary s = store.summary("s5").orElseThrow();
        assertThat(s.entries()).isEqualTo(6);
        assertThat(s.bills()).isEqualTo(3);
        assertThat(s.salesTotal()).isEqualTo(1500);
        assertThat(s.quarantined()).isEqualTo(4);
        assertThat(store.quarantine("s5", 10)).extracting(QuarantinedEntry::reason)
                .anySatisfy(reason -> assertThat(reason).startsWith("not a readable entry"))
                .anySatisfy(reason -> assertThat(reason).startsWith("unknown entry kind"))
                .anySatisfy(reason -> assertThat(reason).contains("is not the sum of its lines"))
                .hasSize(4);
        assertThat(store.quarantine("s5", 10)).filteredOn(e -> e.origin().isEmpty()).singleElement()
                .satisfies(e -> assertThat(e.seq()).isZero());
    }

    @Test
    @Timeout(150)
    void hqRestartedMidUploadLosesNothingAndDoublesNothing() throws Exception {
        TestEntries.StoreLog log = TestEntries.log(List.of("till1-x6", "till2-x6", "server-x6"), 2000);
        Semaphore gate = new Semaphore(10);
        TestLeader leader = new TestLeader(http, "s6", token("s6"), log, 200).throttle(gate);
        CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> leader.run(Duration.ofSeconds(120)));

        // Ten batches in, then five more let go as HQ goes down, so some are in flight while it stops.
        await().atMost(Duration.ofSeconds(60)).until(() -> held(store.vector("s6")) >= 2000);
        gate.release(5);
        long heldAtRestart = held(store.vector("s6"));
        hq.close();
        store = restart(store, dir);
        hq = HqNode.serve(config, stores, store, false);
        gate.release(1_000_000);
        upload.get(130, TimeUnit.SECONDS);

        assertThat(heldAtRestart).isLessThan(log.entries());
        assertHolds("s6", log);
        assertThat(held(store.vector("s6"))).isEqualTo(log.entries());
    }

    @Test
    void anotherStoresTokenIsRefusedAndNothingWritten() {
        List<ByteString> entries = TestEntries.bills("till1-f7", 1, 10);

        HqHttp.Answer foreign = http.upload("s7", token("s8"), entries);
        HqHttp.Answer foreignVector = http.get("/api/hq/upload/s7/vector", token("s8"));
        HqHttp.Answer none = http.upload("s7", null, entries);
        HqHttp.Answer unknown = http.upload("s7", "token-of-nobody", entries);
        HqHttp.Answer unlistedStore = http.upload("s99", token("s8"), entries);
        HqHttp.Answer feedWithout = http.get("/api/hq/catalog?since=0", null);

        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.json().get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(foreignVector.status()).isEqualTo(403);
        assertThat(none.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unlistedStore.status()).isEqualTo(403);
        assertThat(feedWithout.status()).isEqualTo(401);
        assertThat(store.summary("s7")).isEmpty();
        assertThat(store.summary("s99")).isEmpty();
        assertThat(store.vector("s7").getEntriesCount()).isZero();
        assertThat(ok(http.upload("s7", token("s7"), entries)).getStored()).as("the batch itself was fine").isEqualTo(10);
    }

    @Test
    void summaryTotalsEqualTheSumOfTheBillsUploadedAndShowInTheReports() {
        Random random = new Random(9);
        Map<String, List<ByteString>> byOrigin = new LinkedHashMap<>();
        long expected = 0;
        long bills = 0;
        for (String o : List.of("till1-t9", "till2-t9")) {
            List<ByteString> list = new ArrayList<>();
            for (int seq = 1; seq <= 300; seq++) {
                long total = 1 + random.nextInt(50_000);
                list.add(TestEntries.bill(o, seq, total));
                expected += total;
                bills++;
            }
            list.add(TestEntries.refund(o, 301, o + ":1", 250));
            list.add(TestEntries.voided(o, 302, o + ":2", 1_000));
            expected -= 1_250;
            byOrigin.put(o, list);
        }
        TestEntries.StoreLog log = new TestEntries.StoreLog(byOrigin, 604, bills, expected);
        new TestLeader(http, "s9", token("s9"), log, 64).run(Duration.ofSeconds(30));

        JsonNode one = http.get("/api/hq/stores/s9", null).json();
        JsonNode all = http.get("/api/hq/stores", null).json();
        String metrics = http.get("/metrics", null).text();

        assertThat(one.get("versionVector").get("till1-t9").asLong()).isEqualTo(302);
        assertThat(one.get("versionVector").get("till2-t9").asLong()).isEqualTo(302);
        assertThat(one.get("entries").asLong()).isEqualTo(604);
        assertThat(one.get("bills").asLong()).isEqualTo(600);
        assertThat(one.get("salesTotal").asLong()).isEqualTo(expected);
        assertThat(one.get("quarantined").asLong()).isZero();
        assertThat(one.get("refunds").asLong()).isEqualTo(2);
        assertThat(one.get("voids").asLong()).isEqualTo(2);
        assertThat(Instant.parse(one.get("lastUploadAt").asText())).isAfter(Instant.now().minusSeconds(300));
        assertThat(all.isArray()).isTrue();
        assertThat(all.findValuesAsText("store")).contains("s1", "s9", "s12");
        for (JsonNode s : all) {
            if (s.get("store").asText().equals("s9")) {
                assertThat(s.get("salesTotal").asLong()).isEqualTo(expected);
            }
        }
        assertThat(http.get("/api/hq/stores/nobody", null).status()).isEqualTo(404);
        assertThat(metrics).contains("storelog_hq_ingest_entries_total{outcome=\"stored\",store=\"s9\"} 604.0")
                .contains("storelog_hq_ingest_batches_total").contains("storelog_hq_ingest_duplicates_total")
                .contains("storelog_hq_ingest_quarantined_total").contains("storelog_hq_ingest_latency_seconds_count");
    }

    @Test
    void catalogChangesArePublishedUnderVersionsAndFedInOrder() throws IOException {
        long base = http.catalog(0, token("s10")).getVersion();

        HqHttp.Answer created = http.put("/api/hq/catalog/products/apple", null,
                "{\"name\":\"Apple\",\"price\":129,\"taxClass\":\"reduced\",\"unit\":\"kg\",\"barcode\":\"\"}");
        HqHttp.Answer repriced = http.put("/api/hq/catalog/products/apple", null, "{\"price\":149}");
        HqHttp.Answer incomplete = http.put("/api/hq/catalog/products/pear", null, "{\"name\":\"Pear\"}");
        HqHttp.Answer badClass = http.put("/api/hq/catalog/products/apple", null, "{\"taxClass\":\"luxury\"}");

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.json().get("version").asLong()).isEqualTo(base + 1);
        assertThat(repriced.json().get("version").asLong()).isEqualTo(base + 2);
        assertThat(repriced.json().get("name").asText()).isEqualTo("Apple");
        assertThat(incomplete.status()).isEqualTo(400);
        assertThat(incomplete.json().get("error").asText()).contains("price is required");
        assertThat(badClass.status()).isEqualTo(400);

        CatalogFeed feed = http.catalog(base, token("s10"));
        assertThat(feed.getVersion()).isEqualTo(base + 2);
        assertThat(feed.getUpdatesList()).extracting(CatalogUpdate::getVersion).containsExactly(base + 1, base + 2);
        assertThat(feed.getUpdatesList()).extracting(u -> u.getProducts(0).getPrice()).containsExactly(129L, 149L);
        assertThat(feed.getUpdates(1).getProducts(0).getUnit()).isEqualTo(io.storelog.protocol.Unit.KG);
        assertThat(http.catalog(base + 1, token("s10")).getUpdatesList()).extracting(CatalogUpdate::getVersion)
                .containsExactly(base + 2);
        assertThat(http.vector("s10", token("s10")).getCatalogVersion()).isEqualTo(base + 2);

        Path file = dir.resolve("hq-catalog-2500.csv");
        CatalogGenerator.write(2500, 11, file);
        HqCatalog catalog = new HqCatalog(store, config.store());
        CatalogPublication first = catalog.importFile(file);
        CatalogPublication again = catalog.importFile(file);

        assertThat(first).isEqualTo(new CatalogPublication(base + 3, 3, true));
        assertThat(again).isEqualTo(new CatalogPublication(base + 3, 3, false));
        CatalogFeed imported = http.catalog(base + 2, token("s10"));
        assertThat(imported.getUpdatesList()).extracting(CatalogUpdate::getVersion).containsOnly(base + 3);
        assertThat(imported.getUpdatesList()).extracting(CatalogUpdate::getChunk).containsExactly(0, 1, 2);
        assertThat(imported.getUpdatesList().stream().mapToInt(CatalogUpdate::getProductsCount).sum()).isEqualTo(2500);
        assertThat(imported.getUpdates(0).getTaxRatesList()).isNotEmpty();
        assertThat(imported.getUpdates(0).getSource()).isEqualTo("file:hq-catalog-2500.csv");
    }

    @Test
    void theCatalogFeedPagesByWholeVersions() throws IOException {
        long base = store.catalogVersion();
        for (int i = 0; i < HqRoutes.FEED_UPDATES - 2; i++) {
            publishOne("page-" + i, 100 + i);
        }
        Path file = dir.resolve("hq-catalog-2100.csv");
        CatalogGenerator.write(2100, 12, file);
        CatalogPublication big = new HqCatalog(store, config.store()).importFile(file);
        for (int i = 0; i < 5; i++) {
            publishOne("tail-" + i, 200 + i);
        }

        CatalogFeed page1 = http.catalog(base, token("s11"));
        long after = page1.getUpdates(page1.getUpdatesCount() - 1).getVersion();
        CatalogFeed page2 = http.catalog(after, token("s11"));

        assertThat(big.version()).isEqualTo(base + HqRoutes.FEED_UPDATES - 1);
        assertThat(page1.getVersion()).isEqualTo(base + HqRoutes.FEED_UPDATES + 4);
        // 62 single-product versions, then all 3 chunks of the import although that passes the page size.
        assertThat(page1.getUpdatesCount()).isEqualTo(HqRoutes.FEED_UPDATES + 1);
        assertThat(after).isEqualTo(big.version());
        assertThat(page2.getUpdatesList()).extracting(CatalogUpdate::getVersion)
                .containsExactly(after + 1, after + 2, after + 3, after + 4, after + 5);
    }

    private void publishOne(String sku, long price) {
        store.publishCatalog(new CatalogChange("hq", "", List.of(Product.newBuilder().setSku(sku).setName(sku)
                .setPrice(price).setTaxClass("standard").setActive(true).build()), List.of()));
    }

    /** HQ holds {@code log} exactly: the vector, the entry count and the totals. */
    private void assertHolds(String s, TestEntries.StoreLog log) {
        Map<String, Long> expected = new TreeMap<>();
        log.byOrigin().forEach((o, list) -> expected.put(o, (long) list.size()));
        StoreSummary summary = store.summary(s).orElseThrow();
        assertThat(summary.vector()).isEqualTo(vector(expected));
        assertThat(store.vector(s)).isEqualTo(vector(expected));
        assertThat(summary.entries()).isEqualTo(log.entries());
        assertThat(summary.bills()).isEqualTo(log.bills());
        assertThat(summary.salesTotal()).isEqualTo(log.salesTotal());
        assertThat(summary.quarantined()).isZero();
    }

    private static VersionVector vector(Map<String, Long> seqs) {
        VersionVector.Builder b = VersionVector.newBuilder();
        new TreeMap<>(seqs).forEach((o, s) -> b.addEntries(VersionVectorEntry.newBuilder().setOrigin(o).setSeq(s)));
        return b.build();
    }

    private static long held(VersionVector v) {
        return v.getEntriesList().stream().mapToLong(VersionVectorEntry::getSeq).sum();
    }

    private static UploadResult ok(HqHttp.Answer a) {
        assertThat(a.status()).as("upload answered %s", a.text()).isEqualTo(200);
        return a.uploadResult();
    }
}
