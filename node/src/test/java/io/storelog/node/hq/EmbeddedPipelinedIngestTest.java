package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.storelog.protocol.VersionVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store with several batches of a store in flight: the second, continuing the first, is checked
 * and streamed while the first has not committed, commits only after it, and fails when it fails; a batch
 * that does not simply continue the one in flight, or would be one more than the pipeline depth, waits for it
 * instead; a batch that arrives before the one it continues waits for it rather than being refused.
 */
@Timeout(120)
class EmbeddedPipelinedIngestTest {
    private static final String STORE = "s1";
    private static final String ORIGIN = "till1-f1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private EmbeddedIgniteStore store;
    /** Threads of their own for ingests that block: a common pool of two workers could leave none free. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** Every test starts from a store whose vector covers bills 1..10. */
    @BeforeEach
    void openWithTenBills() {
        store = open();
        store.ingest(STORE, bills(1, 10), 1);
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        if (store != null) {
            store.afterStreaming(() -> { });
            store.close();
        }
    }

    @Test
    void theNextBatchIsStreamedWhileTheOneBeforeItIsInFlightAndBothCommitInOrder() throws Exception {
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

        CompletableFuture<IngestResult> first = inFlight(bills(11, 20), 2, calls, 1);
        IngestResult second = store.ingest(STORE, bills(21, 30), 3);

        assertThat(first.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        assertThat(second.stored()).isEqualTo(10);
        assertHoldsBills(30, 0);
        assertThat(store.summary(STORE).orElseThrow().batches()).isEqualTo(3);
    }

    @Test
    void whenTheBatchInFlightFailsTheOneCheckedBehindItFailsTooAndTheirRetriesAndForksEndWithEachEntryOnce() {
        AtomicInteger calls = failFirstOnceSecondStreamed();

        CompletableFuture<IngestResult> first = inFlight(bills(11, 20), 2, calls, 1);
        assertThatThrownBy(() -> store.ingest(STORE, bills(21, 30), 3)).isInstanceOf(HqStorageException.class)
                .hasMessageContaining("the batch before this one failed");
        assertThatThrownBy(first::join).hasMessageContaining("stopped between");
        store.afterStreaming(() -> { });

        assertThat(store.vector(STORE)).isEqualTo(vector(10));
        assertThat(HeldBills.held(store, STORE)).as("both batches' streamed entries lie above the vector")
                .containsExactlyInAnyOrderElementsOf(bills(1, 10));
        assertThat(store.ingest(STORE, bills(11, 20), 4).stored()).isEqualTo(10);
        // The second batch's streamed copies are still stored; a forked copy now must not be counted over them.
        IngestResult fork = store.ingest(STORE, forks(21, 30), 5);
        assertThat(fork.stored()).isEqualTo(10);
        assertThat(fork.quarantined()).isEqualTo(10);
        assertHoldsBills(30, 10);
    }

    @Test
    void aBatchWithRepeatsOfTheBatchInFlightWaitsForItAndFindsThemAsDuplicates() throws Exception {
        FirstHeld hook = new FirstHeld(2);

        CompletableFuture<IngestResult> first = inFlight(bills(11, 20), 2, hook.calls, 1);
        CompletableFuture<IngestResult> second = inThreadAwaitingWait(() -> store.ingest(STORE, bills(15, 25), 3));
        hook.release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        IngestResult r = second.get(30, TimeUnit.SECONDS);
        assertThat(hook.vectorSeen).as("the batch with repeats was checked only after the one in flight committed")
                .containsExactly(vector(20));
        assertThat(r.stored()).isEqualTo(5);
        assertThat(r.duplicates()).isEqualTo(6);
        assertThat(r.quarantined()).isZero();
        assertHoldsBills(25, 0);
    }

    @Test
    void aBatchBeyondThePipelineDepthWaitsUntilTheFirstIsDone() throws Exception {
        int depth = EmbeddedIgniteStore.PIPELINE_DEPTH;
        FirstHeld hook = new FirstHeld(depth + 1);

        List<CompletableFuture<IngestResult>> inFlight = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            inFlight.add(inFlight(bills(11 + 10L * i, 20 + 10L * i), 2 + i, hook.calls, i + 1));
        }
        long from = 11 + 10L * depth;
        CompletableFuture<IngestResult> beyond = inThreadAwaitingWait(() -> store.ingest(STORE, bills(from, from + 9), 9));
        hook.release.countDown();

        for (CompletableFuture<IngestResult> f : inFlight) {
            assertThat(f.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        }
        assertThat(beyond.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        List<VersionVector> firstDone = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            firstDone.add(vector(20 + 10L * i));
        }
        assertThat(hook.vectorSeen).as("never more than %d batches past their check at once: the first had committed", depth)
                .singleElement().isIn(firstDone);
        assertHoldsBills(from + 9, 0);
    }

    @Test
    void aBatchThatFailsBehindOneInFlightFinishesOnlyAfterItSoTheNextBatchStillWaitsForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        store.afterStreaming(() -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                awaitLatch(release);
            } else if (call == 2) {
                throw new IllegalStateException("stopped between the stream and the commit");
            }
        });

        CompletableFuture<IngestResult> first = inFlight(bills(11, 20), 2, calls, 1);
        CompletableFuture<IngestResult> second = inFlight(bills(21, 30), 3, calls, 2);
        // A forked copy of the first batch's entries: it must be checked against what the first leaves, not beside it.
        CompletableFuture<IngestResult> fork = inThreadAwaitingWait(() -> store.ingest(STORE, forks(11, 20), 4));
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS).stored()).isEqualTo(10);
        assertThatThrownBy(second::join).hasMessageContaining("stopped between");
        IngestResult f = fork.get(30, TimeUnit.SECONDS);
        assertThat(f.stored()).isZero();
        assertThat(f.quarantined()).isEqualTo(10);
        assertHoldsBills(20, 10);
    }

    @Test
    void afterARestartEntriesLeftByBatchesInFlightAreFoundMoreThanOneBatchAboveTheVector() {
        long firstTop = 10 + EmbeddedIgniteStore.MAX_STREAMED_ENTRIES;
        AtomicInteger calls = failFirstOnceSecondStreamed();
        CompletableFuture<IngestResult> first = inFlight(bills(11, firstTop), 2, calls, 1);
        assertThatThrownBy(() -> store.ingest(STORE, bills(firstTop + 1, firstTop + 10), 3)).hasMessageContaining("failed");
        assertThatThrownBy(first::join).hasMessageContaining("stopped between");
        store.close();
        store = open();

        assertThat(store.ingest(STORE, bills(11, firstTop), 4).stored()).isEqualTo(firstTop - 10);
        // Above the first batch's full length: found only because a restart reads PIPELINE_DEPTH batches' worth above the vector.
        IngestResult fork = store.ingest(STORE, forks(firstTop + 1, firstTop + 10), 5);
        assertThat(fork.quarantined()).isEqualTo(10);
        assertHoldsBills(firstTop + 10, 10);
    }

    @Test
    void entriesLeftByAFailedBatchAboveTheRestartWindowAreStillFoundInTheSameProcess() {
        long top = (long) EmbeddedIgniteStore.PIPELINE_DEPTH * EmbeddedIgniteStore.MAX_STREAMED_ENTRIES + 10;
        for (long from = 11; from <= top; from += 4_000) {
            store.ingest(STORE, bills(from, Math.min(top, from + 3_999)), 1);
        }
        store.afterStreaming(() -> {
            throw new IllegalStateException("stopped between the stream and the commit");
        });
        assertThatThrownBy(() -> store.ingest(STORE, bills(top + 1, top + 10), 2)).hasMessageContaining("stopped between");
        store.afterStreaming(() -> { });

        IngestResult fork = store.ingest(STORE, forks(top + 1, top + 10), 3);

        assertThat(fork.stored()).isEqualTo(10);
        assertThat(fork.quarantined()).as("the failed batch's streamed copies are the ones held").isEqualTo(10);
        assertHoldsBills(top + 10, 10);
    }

    @Test
    void aBatchThatArrivesBeforeTheOneItContinuesWaitsForItInsteadOfBeingRefused() throws Exception {
        CompletableFuture<IngestResult> later = inThreadAwaiting(Thread.State.TIMED_WAITING,
                () -> store.ingest(STORE, bills(21, 30), 2));

        assertThat(store.ingest(STORE, bills(11, 20), 3).stored()).isEqualTo(10);

        IngestResult r = later.get(30, TimeUnit.SECONDS);
        assertThat(r.refused()).as("refused: %s", r.refusal()).isFalse();
        assertThat(r.stored()).isEqualTo(10);
        assertHoldsBills(30, 0);
    }

    @Test
    void aGapNoBatchFillsIsRefusedAfterTheWaitWithNothingWritten() {
        long started = System.nanoTime();
        IngestResult r = store.ingest(STORE, bills(21, 30), 2);

        assertThat(r.refused()).isTrue();
        assertThat(r.refusal()).contains("send from 11");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("it waited for a batch to fill the gap")
                .isGreaterThanOrEqualTo(EmbeddedIgniteStore.REORDER_WAIT_MILLIS);
        assertHoldsBills(10, 0);
    }

    /**
     * A hook that holds the first batch after its stream until {@link #release}, and records the store's
     * vector when batch {@code recordAt} has streamed.
     */
    private final class FirstHeld {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final List<VersionVector> vectorSeen = new ArrayList<>();

        FirstHeld(int recordAt) {
            store.afterStreaming(() -> {
                int call = calls.incrementAndGet();
                if (call == 1) {
                    awaitLatch(release);
                } else if (call == recordAt) {
                    vectorSeen.add(store.vector(STORE));
                }
            });
        }
    }

    /** A hook under which the first batch fails after its stream, once a second batch has streamed; returns its call count. */
    private AtomicInteger failFirstOnceSecondStreamed() {
        CountDownLatch secondStreamed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        store.afterStreaming(() -> {
            if (calls.incrementAndGet() == 1) {
                awaitLatch(secondStreamed);
                throw new IllegalStateException("stopped between the stream and the commit");
            }
            secondStreamed.countDown();
        });
        return calls;
    }

    /** Starts ingesting {@code batch} on a thread of its own and returns once the hook was called {@code call} times. */
    private CompletableFuture<IngestResult> inFlight(List<ByteString> batch, long now, AtomicInteger calls, int call) {
        CompletableFuture<IngestResult> result = CompletableFuture.supplyAsync(() -> store.ingest(STORE, batch, now), threads);
        await().atMost(WAIT).until(() -> calls.get() == call);
        return result;
    }

    /** Runs {@code ingest} on a thread of its own and returns once that thread waits (for a batch in flight). */
    private CompletableFuture<IngestResult> inThreadAwaitingWait(java.util.function.Supplier<IngestResult> ingest) {
        return inThreadAwaiting(Thread.State.WAITING, ingest);
    }

    /** Runs {@code ingest} on a thread of its own and returns once that thread is in {@code state}. */
    private CompletableFuture<IngestResult> inThreadAwaiting(Thread.State state, java.util.function.Supplier<IngestResult> ingest) {
        CompletableFuture<IngestResult> result = new CompletableFuture<>();
        Thread t = new Thread(() -> complete(result, ingest));
        t.start();
        await().atMost(WAIT).until(() -> t.getState() == state);
        return result;
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

    private void assertHoldsBills(long to, long quarantined) {
        HeldBills.assertHolds(store, STORE, ORIGIN, 1, to, quarantined);
    }

    private static List<ByteString> bills(long from, long to) {
        return TestEntries.bills(ORIGIN, from, to);
    }

    /** The same ids with other bytes: what a forked origin would send. */
    private static List<ByteString> forks(long from, long to) {
        return TestEntries.bills(ORIGIN, from, to, 7_777);
    }

    private static VersionVector vector(long seq) {
        return HeldBills.vector(ORIGIN, seq);
    }
}
