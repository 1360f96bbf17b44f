package io.storelog.node.peer;

import static io.storelog.node.peer.PeerTesting.KEY;
import static io.storelog.node.peer.PeerTesting.STORE;
import static io.storelog.node.peer.PeerTesting.connectedPeers;
import static io.storelog.node.peer.PeerTesting.counter;
import static io.storelog.node.peer.PeerTesting.digest;
import static io.storelog.node.peer.PeerTesting.vv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.DistributionSummary;
import io.storelog.config.catalog.CatalogCsv;
import io.storelog.config.catalog.CatalogItem;
import io.storelog.config.catalog.ItemUnit;
import io.storelog.node.StoreNode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.LineRequest;
import io.storelog.node.billing.TenderRequest;
import io.storelog.node.merge.VersionVector;
import io.storelog.node.service.BillOutcome;
import io.storelog.protocol.Entry;
import io.storelog.protocol.PeerMessage;
import io.storelog.protocol.TenderType;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane that was down while its neighbour imported a 600-product catalog and took 5,000 bills gets
 * all of it back in bounded frames: at most 1,024 entries and about 256 KiB per batch, far under the
 * 4 MiB frame limit, in seq order per origin, and converges to the same digest.
 */
class OversizedCatchUpTest {
    private static final int PRODUCTS = 600;
    private static final int BILLS = 5_000;
    private static final int MAX_FRAME = 4 * 1024 * 1024;
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final int MAX_BATCH_ENTRIES = 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aLaneThatMissedThousandsOfEntriesCatchesUpInBoundedBatches() throws Exception {
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        List<StoreNode> nodes = new ArrayList<>();
        StoreNode a = PeerTesting.start(dir, "till-a", pa, List.of(pb), Map.of());
        nodes.add(a);
        try {
            StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(pa), Map.of());
            nodes.add(b);
            await().atMost(Duration.ofSeconds(15)).until(() -> connectedPeers(a) == 1 && a.ready() && b.ready());
            await().atMost(Duration.ofSeconds(10)).until(() -> vv(a).equals(vv(b)));
            b.close();
            nodes.remove(b);
            await().atMost(Duration.ofSeconds(10)).until(() -> connectedPeers(a) == 0);

            // While till-b is down: a catalog import and thousands of bills on till-a.
            long started = System.nanoTime();
            Path catalog = writeCatalog(dir.resolve("big-catalog.csv"));
            assertThat(a.importCatalog(catalog)).isEqualTo(1);
            List<CompletableFuture<BillOutcome>> window = new ArrayList<>();
            for (int i = 0; i < BILLS; i++) {
                String sku = String.format("P-%04d", i % PRODUCTS);
                window.add(a.bills().submit(new BillRequest("cart-" + i, List.of(new LineRequest(sku, 1_000 + i % 3 * 1_000, null)), null,
                        List.of(new TenderRequest(TenderType.CARD, null, "auth-" + i, null)), null, "ann")));
                if (window.size() == 64) {
                    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                    window.clear();
                }
            }
            CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long billedMillis = (System.nanoTime() - started) / 1_000_000;
            VersionVector target = vv(a);
            assertThat(a.state().billCount()).isGreaterThanOrEqualTo(BILLS);

            // What a lane that holds nothing is sent, frame by frame, as seen on the wire.
            Stream seen = observeCatchUp(a, target);
            assertThat(seen.entries).isEqualTo(target.total());
            assertThat(seen.maxFrameBytes).isLessThan(MAX_FRAME);
            assertThat(seen.maxBatchEntries).isLessThanOrEqualTo(MAX_BATCH_ENTRIES);
            // A batch closes before it passes 256 KiB (only an entry bigger than that travels alone).
            assertThat(seen.maxBatchBytes).isLessThanOrEqualTo(Math.max(MAX_BATCH_BYTES, seen.maxEntryBytes));
            assertThat(seen.maxEntryBytes).as("the catalog entry").isGreaterThan(30_000);

            // till-b comes back and catches up.
            long restarted = System.nanoTime();
            StoreNode b2 = PeerTesting.start(dir, "till-b", pb, List.of(pa), Map.of());
            nodes.add(b2);
            await().atMost(Duration.ofSeconds(120)).until(() -> vv(b2).dominates(target));
            await().atMost(Duration.ofSeconds(20)).until(() -> vv(a).equals(vv(b2)) && digest(a).equals(digest(b2)));
            long catchUpMillis = (System.nanoTime() - restarted) / 1_000_000;
            assertThat(b2.state().catalogSize()).isEqualTo(a.state().catalogSize()).isGreaterThanOrEqualTo(PRODUCTS);
            assertThat(b2.state().billCount()).isEqualTo(a.state().billCount());

            DistributionSummary batches = b2.meters().find("storelog.replication.batch.entries").summary();
            assertThat(batches).isNotNull();
            assertThat(batches.max()).isLessThanOrEqualTo(MAX_BATCH_ENTRIES);
            assertThat(batches.count()).isGreaterThanOrEqualTo((long) Math.ceil((double) BILLS / MAX_BATCH_ENTRIES));
            assertThat(counter(b2, "storelog.replication.rejected")).isZero();
            assertThat(counter(a, "storelog.replication.rejected", "reason", "oversized-frame")).isZero();
            assertThat(counter(a, "storelog.replication.rejected", "reason", "malformed-frame")).isZero();
            System.out.printf("catch-up test: %d entries billed in %d ms; till-b caught up in %d ms; wire: %d frames, "
                            + "max %d bytes, max %d entries per batch; till-b batch.entries max %.0f over %d batches%n",
                    target.total(), billedMillis, catchUpMillis, seen.frames, seen.maxFrameBytes, seen.maxBatchEntries,
                    batches.max(), batches.count());
        } finally {
            PeerTesting.closeAll(nodes);
        }
    }

    @Test
    @Timeout(120)
    void anEntryNearTheFrameLimitTravelsInABatchOfItsOwn() throws Exception {
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        List<StoreNode> nodes = new ArrayList<>();
        StoreNode a = PeerTesting.start(dir, "till-a", pa, List.of(pb), Map.of());
        nodes.add(a);
        try {
            StoreNode b = PeerTesting.start(dir, "till-b", pb, List.of(pa), Map.of());
            nodes.add(b);
            await().atMost(Duration.ofSeconds(15)).until(() -> connectedPeers(a) == 1 && a.ready() && b.ready());
            b.close();
            nodes.remove(b);
            await().atMost(Duration.ofSeconds(10)).until(() -> connectedPeers(a) == 0);

            // A peer with the key relays two entries of one origin while till-b is down: a 200 KB one and
            // a 4,000,000-byte one. Each fits a frame; together they do not.
            Entry small = bigEntry("big-1", 1, 200_000);
            Entry large = bigEntry("big-1", 2, 4_000_000);
            try (RawPeer p = RawPeer.connect(a.replicator().orElseThrow().port())) {
                p.handshake(STORE, "till-relay", KEY);
                for (Entry e : List.of(small, large)) {
                    byte[] frame = RawPeer.frame(PeerMessage.newBuilder()
                            .setEntries(io.storelog.protocol.Entries.newBuilder().addEntries(e.toByteString())).build());
                    assertThat(frame.length).isLessThan(MAX_FRAME);
                    p.writeRaw(frame);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> vv(a).get("big-1") == 2);
            }

            // till-b comes back: the catch-up must not put both in one (oversized) frame.
            StoreNode b2 = PeerTesting.start(dir, "till-b", pb, List.of(pa), Map.of());
            nodes.add(b2);
            await().atMost(Duration.ofSeconds(30)).until(() -> vv(b2).equals(vv(a)) && digest(b2).equals(digest(a)));
            assertThat(counter(b2, "storelog.replication.rejected", "reason", "oversized-frame")).isZero();
            assertThat(b2.log().readBytes("big-1", 2)).isEqualTo(large.toByteArray());
        } finally {
            PeerTesting.closeAll(nodes);
        }
    }

    /** A valid entry of about {@code bytes} bytes (a bill with a very long customer field). */
    private static Entry bigEntry(String origin, long seq, int bytes) {
        Entry e = ForgedEntries.bill(origin, seq, "till-big", seq, "big-" + seq, "MILK-1L", 1_000, 129);
        return e.toBuilder().setBill(e.getBill().toBuilder().setCustomer("x".repeat(bytes - e.getSerializedSize() - 8))).build();
    }

    private static Path writeCatalog(Path file) throws Exception {
        List<CatalogItem> items = new ArrayList<>();
        String[] classes = {"standard", "reduced", "zero"};
        for (int i = 0; i < PRODUCTS; i++) {
            items.add(new CatalogItem(String.format("P-%04d", i), String.format("40%011d", i),
                    "Product number " + i + " with a long descriptive shelf label for the till screen", 100 + i,
                    classes[i % 3], ItemUnit.EACH));
        }
        try (Writer w = Files.newBufferedWriter(file)) {
            CatalogCsv.write(items, w, 2);
        }
        return file;
    }

    /** What the wire carried to one peer. */
    private static final class Stream {
        long entries;
        int frames;
        int maxFrameBytes;
        int maxBatchEntries;
        long maxBatchBytes;
        int maxEntryBytes;
    }

    /**
     * Links to {@code node} as a peer with the key that holds nothing, and reads every Entries frame
     * until it has all of {@code target}, checking each origin arrives gapless in seq order.
     */
    private static Stream observeCatchUp(StoreNode node, VersionVector target) throws Exception {
        Stream s = new Stream();
        Map<String, Long> last = new HashMap<>();
        try (RawPeer p = RawPeer.connect(node.replicator().orElseThrow().port())) {
            p.handshake(STORE, "till-observer", KEY);
            p.send(PeerMessage.newBuilder().setVersionVector(io.storelog.protocol.VersionVector.getDefaultInstance()).build());
            // As a real lane does: ask this peer for every origin it holds (only its own is pushed unasked).
            p.send(PeerMessage.newBuilder().setWant(io.storelog.protocol.Want.newBuilder().addAllOrigins(target.asMap().keySet())).build());
            while (s.entries < target.total()) {
                byte[] frame = p.readFrame();
                assertThat(frame).as("node closed the link mid catch-up").isNotNull();
                PeerMessage m = PeerMessage.parseFrom(frame);
                if (!m.hasEntries()) {
                    continue;
                }
                s.frames++;
                s.maxFrameBytes = Math.max(s.maxFrameBytes, frame.length);
                s.maxBatchEntries = Math.max(s.maxBatchEntries, m.getEntries().getEntriesCount());
                long batchBytes = 0;
                for (ByteString b : m.getEntries().getEntriesList()) {
                    Entry e = Entry.parseFrom(b);
                    long prev = last.getOrDefault(e.getOrigin(), 0L);
                    assertThat(e.getSeq()).as("origin %s in seq order", e.getOrigin()).isEqualTo(prev + 1);
                    last.put(e.getOrigin(), e.getSeq());
                    batchBytes += b.size();
                    s.maxEntryBytes = Math.max(s.maxEntryBytes, b.size());
                    s.entries++;
                }
                s.maxBatchBytes = Math.max(s.maxBatchBytes, batchBytes);
            }
        }
        assertThat(VersionVector.of(last)).isEqualTo(target);
        return s;
    }
}
