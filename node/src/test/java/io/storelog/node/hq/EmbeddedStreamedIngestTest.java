package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.storelog.protocol.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's streamed ingest when it stops between streaming a batch's entries and the
 * transaction that advances the vector (an error, or a crash: the process gone and the node restarted).
 * The entries then stored above the vector are not held: readers skip them, and whichever copy comes next
 * (the same bytes, or a forked origin's other bytes) HQ ends with each entry once, totals from the copy it
 * holds, and any other copy quarantined.
 */
@Timeout(120)
class EmbeddedStreamedIngestTest {
    private static final String STORE = "s1";
    private static final String ORIGIN = "till1-f1";
    private static final long FORK_TOTAL = 7_777;

    @TempDir
    Path dir;
    private EmbeddedIgniteStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private EmbeddedIgniteStore open() {
        return EmbeddedIgniteStore.open(EmbeddedIgniteStore.Options.small(dir.resolve("ignite")));
    }

    @Test
    void aBatchStreamedButNotCommittedIsNotHeldAndItsRetryAndAForkEndWithEachEntryOnce() {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        failAfterStreaming(bills(11, 20));

        assertThat(held()).as("readers skip what the vector does not cover").containsExactlyInAnyOrderElementsOf(bills(1, 10));
        assertThat(store.vector(STORE)).isEqualTo(vector(10));

        IngestResult again = store.ingest(STORE, bills(11, 20), 3);
        IngestResult fork = store.ingest(STORE, forks(11, 20), 4);

        assertThat(again.stored()).isEqualTo(10);
        assertThat(fork.duplicates()).isZero();
        assertThat(fork.quarantined()).isEqualTo(10);
        assertHoldsBills(1, 20, 10);
    }

    @Test
    void aForkArrivingFirstAfterAnUncommittedBatchIsQuarantinedAndTheStoredCopyIsHeld() {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        failAfterStreaming(bills(11, 20));

        IngestResult fork = store.ingest(STORE, forks(11, 20), 3);
        IngestResult original = store.ingest(STORE, bills(11, 20), 4);

        // The streamed copies were stored first: the non-overwriting streamer keeps them, so they are what HQ holds.
        assertThat(fork.stored()).isEqualTo(10);
        assertThat(fork.quarantined()).isEqualTo(10);
        assertThat(original.duplicates()).isEqualTo(10);
        assertHoldsBills(1, 20, 10);
        assertThat(store.quarantine(STORE, 100)).hasSize(10)
                .allSatisfy(q -> assertThat(q.reason()).contains("differs"))
                .extracting(q -> ByteString.copyFrom(q.bytes())).containsExactlyInAnyOrderElementsOf(forks(11, 20));
    }

    @Test
    void afterARestartTheEntriesLeftAboveTheVectorAreNeitherReportedNorCountedTwice() {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        failAfterStreaming(bills(11, 20));
        store.close();
        store = open();

        assertThat(held()).containsExactlyInAnyOrderElementsOf(bills(1, 10));
        IngestResult fork = store.ingest(STORE, forks(11, 20), 3);
        IngestResult more = store.ingest(STORE, bills(21, 30), 4);

        assertThat(fork.quarantined()).isEqualTo(10);
        assertThat(more.stored()).isEqualTo(10);
        assertHoldsBills(1, 30, 10);
    }

    @Test
    void aBatchWhoseStoreVectorChangedBeforeItsCommitFailsAndItsRetryApplies() {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        AtomicBoolean once = new AtomicBoolean();
        // Another writer of the store's record (none exists in one HQ process, hence a raw transaction) advances
        // its vector between this batch's check and its commit: the batch was checked against another vector.
        store.afterStreaming(() -> {
            if (once.compareAndSet(false, true)) {
                store.transaction(tx -> {
                    Codec.StoreRecord r = Codec.storeRecord(tx.get(HqCache.STORES, STORE));
                    java.util.SortedMap<String, Long> vector = new java.util.TreeMap<>(r.vector());
                    vector.put("till2-f1", 1L);
                    tx.put(HqCache.STORES, STORE, Codec.storeRecord(new Codec.StoreRecord(vector, r.entries(), r.bills(),
                            r.refunds(), r.voids(), r.salesTotal(), r.quarantined(), r.duplicates(), r.batches(), r.lastUploadAt())));
                    return null;
                });
            }
        });

        assertThatThrownBy(() -> store.ingest(STORE, bills(11, 20), 3)).isInstanceOf(HqStorageException.class)
                .hasMessageContaining("changed");
        assertThat(store.summary(STORE).orElseThrow().vector().getEntriesList())
                .extracting(VersionVectorEntry::getOrigin, VersionVectorEntry::getSeq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ORIGIN, 10L), org.assertj.core.groups.Tuple.tuple("till2-f1", 1L));
        IngestResult retry = store.ingest(STORE, bills(11, 20), 4);

        assertThat(retry.stored()).isEqualTo(10);
        assertThat(store.summary(STORE).orElseThrow().salesTotal()).isEqualTo(TestEntries.billTotals(1, 20));
    }

    /** Streams the batch, then fails before its transaction, as an error or a crash at that point would. */
    private void failAfterStreaming(List<ByteString> batch) {
        store.afterStreaming(() -> {
            throw new IllegalStateException("stopped between the stream and the commit");
        });
        assertThatThrownBy(() -> store.ingest(STORE, batch, 2)).hasMessageContaining("stopped between");
        store.afterStreaming(() -> { });
    }

    private void assertHoldsBills(long from, long to, long quarantined) {
        HeldBills.assertHolds(store, STORE, ORIGIN, from, to, quarantined);
    }

    private List<ByteString> held() {
        return HeldBills.held(store, STORE);
    }

    private static List<ByteString> bills(long from, long to) {
        return TestEntries.bills(ORIGIN, from, to);
    }

    /** The same ids with other bytes: what a forked origin would send. */
    private static List<ByteString> forks(long from, long to) {
        return TestEntries.bills(ORIGIN, from, to, FORK_TOTAL);
    }

    private static VersionVector vector(long seq) {
        return HeldBills.vector(ORIGIN, seq);
    }
}
