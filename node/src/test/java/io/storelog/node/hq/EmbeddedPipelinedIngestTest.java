package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.storelog.protocol.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store with two batches of a store in flight: the second, continuing the first, is checked
 * and streamed while the first has not committed, commits only after it, and fails when it fails; a batch
 * that does not simply continue the one in flight, or would be a third in flight, waits for it instead.
 */
@Timeout(120)
class EmbeddedPipelinedIngestTest {
    private static final String STORE = "s1";
    private static final String ORIGIN = "till1-f1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private EmbeddedIgniteStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.afterStreaming(() -> { });
            store.close();
        }
    }

    @Test
    void theNextBatchIsStreamedWhileTheOneBeforeItIsInFlightAndBothCommitInOrder() throws Exception {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        CountDownLatch secondStreamed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        // The first batch cannot commit until the second has been checked and streamed behind it.
        store.afterStreaming(() -> {
            if (calls.incrementAndGet() == 1) {
                awaitLatch(secondStreamed);
            } else {
                secondStreamed.countDown();
            }
        });

        CompletableFuture<IngestResult> first = CompletableFuture.supplyAsync(() -> store.ingest(STORE, bills(11, 20), 2));
        await().atMost(WAIT).until(() -> calls.get() == 1);
        IngestResult second = store.ingest(STORE, bills(21, 30), 3);

        assertThat(first.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        assertThat(second.stored()).isEqualTo(10);
        assertHoldsBills(30, 0);
        assertThat(store.summary(STORE).orElseThrow().batches()).isEqualTo(3);
    }

    @Test
    void whenTheBatchInFlightFailsTheOneCheckedBehindItFailsTooAndTheirRetriesAndForksEndWithEachEntryOnce() {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        CountDownLatch secondStreamed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        store.afterStreaming(() -> {
            if (calls.incrementAndGet() == 1) {
                awaitLatch(secondStreamed);
                throw new IllegalStateException("stopped between the stream and the commit");
            }
            secondStreamed.countDown();
        });

        CompletableFuture<IngestResult> first = CompletableFuture.supplyAsync(() -> store.ingest(STORE, bills(11, 20), 2));
        await().atMost(WAIT).until(() -> calls.get() == 1);
        assertThatThrownBy(() -> store.ingest(STORE, bills(21, 30), 3)).isInstanceOf(HqStorageException.class)
                .hasMessageContaining("the batch before this one failed");
        assertThatThrownBy(first::join).hasMessageContaining("stopped between");
        store.afterStreaming(() -> { });

        assertThat(store.vector(STORE)).isEqualTo(vector(10));
        assertThat(held()).as("both batches' streamed entries lie above the vector").containsExactlyInAnyOrderElementsOf(bills(1, 10));
        assertThat(store.ingest(STORE, bills(11, 20), 4).stored()).isEqualTo(10);
        // The second batch's streamed copies are still stored; a forked copy now must not be counted over them.
        IngestResult fork = store.ingest(STORE, TestEntries.bills(ORIGIN, 21, 30, 7_777), 5);
        assertThat(fork.stored()).isEqualTo(10);
        assertThat(fork.quarantined()).isEqualTo(10);
        assertHoldsBills(30, 10);
    }

    @Test
    void aBatchWithRepeatsOfTheBatchInFlightWaitsForItAndFindsThemAsDuplicates() throws Exception {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        List<VersionVector> vectorWhenSecondStreamed = new ArrayList<>();
        CompletableFuture<IngestResult> first = new CompletableFuture<>();
        store.afterStreaming(() -> {
            if (calls.incrementAndGet() == 1) {
                awaitLatch(release);
            } else {
                vectorWhenSecondStreamed.add(store.vector(STORE));
            }
        });

        CompletableFuture.runAsync(() -> complete(first, () -> store.ingest(STORE, bills(11, 20), 2)));
        await().atMost(WAIT).until(() -> calls.get() == 1);
        CompletableFuture<IngestResult> second = new CompletableFuture<>();
        Thread secondThread = new Thread(() -> complete(second, () -> store.ingest(STORE, bills(15, 25), 3)));
        secondThread.start();
        await().atMost(WAIT).until(() -> secondThread.getState() == Thread.State.WAITING);
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        IngestResult r = second.get(30, TimeUnit.SECONDS);
        assertThat(vectorWhenSecondStreamed).as("the batch with repeats was checked only after the one in flight committed")
                .containsExactly(vector(20));
        assertThat(r.stored()).isEqualTo(5);
        assertThat(r.duplicates()).isEqualTo(6);
        assertThat(r.quarantined()).isZero();
        assertHoldsBills(25, 0);
    }

    @Test
    void aThirdBatchWaitsUntilTheFirstIsDoneSoAtMostTwoAreInFlight() throws Exception {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        List<VersionVector> vectorWhenThirdStreamed = new ArrayList<>();
        store.afterStreaming(() -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                awaitLatch(release);
            } else if (call == 3) {
                vectorWhenThirdStreamed.add(store.vector(STORE));
            }
        });

        CompletableFuture<IngestResult> first = CompletableFuture.supplyAsync(() -> store.ingest(STORE, bills(11, 20), 2));
        await().atMost(WAIT).until(() -> calls.get() == 1);
        CompletableFuture<IngestResult> second = CompletableFuture.supplyAsync(() -> store.ingest(STORE, bills(21, 30), 3));
        await().atMost(WAIT).until(() -> calls.get() == 2);
        Thread third = new Thread(() -> store.ingest(STORE, bills(31, 40), 4));
        third.start();
        await().atMost(WAIT).until(() -> third.getState() == Thread.State.WAITING);
        release.countDown();
        third.join(30_000);

        assertThat(first.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        assertThat(second.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        assertThat(vectorWhenThirdStreamed).as("never three batches past their check at once: the first had committed")
                .singleElement().isIn(vector(20), vector(30));
        assertHoldsBills(40, 0);
    }

    private EmbeddedIgniteStore open() {
        return EmbeddedIgniteStore.open(EmbeddedIgniteStore.Options.small(dir.resolve("ignite")));
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other batch never arrived");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void complete(CompletableFuture<IngestResult> f, java.util.function.Supplier<IngestResult> ingest) {
        try {
            f.complete(ingest.get());
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
    }

    /** HQ holds bills 1..to of the origin exactly once, as first sent, and counted {@code quarantined} other copies. */
    private void assertHoldsBills(long to, long quarantined) {
        StoreSummary s = store.summary(STORE).orElseThrow();
        assertThat(s.vector()).isEqualTo(vector(to));
        assertThat(s.entries()).isEqualTo(to);
        assertThat(s.bills()).isEqualTo(to);
        assertThat(s.salesTotal()).isEqualTo(TestEntries.billTotals(1, to));
        assertThat(s.quarantined()).isEqualTo(quarantined);
        assertThat(held()).containsExactlyInAnyOrderElementsOf(bills(1, to));
    }

    private List<ByteString> held() {
        List<ByteString> out = new ArrayList<>();
        store.forEachEntry(STORE, bytes -> out.add(ByteString.copyFrom(bytes)));
        return out;
    }

    private static List<ByteString> bills(long from, long to) {
        return TestEntries.bills(ORIGIN, from, to);
    }

    private static VersionVector vector(long seq) {
        return VersionVector.newBuilder().addEntries(VersionVectorEntry.newBuilder().setOrigin(ORIGIN).setSeq(seq)).build();
    }
}
