package io.storelog.node.leader;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.storelog.node.log.SegmentedLog;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.HqVector;
import io.storelog.protocol.UploadBatch;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's loop with headquarters. While this node leads: ask HQ what it holds, pull catalog
 * changes, then send what HQ lacks per origin in seq order, in bounded batches read from the log on
 * disk (only indexed entries are readable, and those are durable), following the vector HQ returns
 * after each batch; a 409 means HQ holds less than assumed, so the upload resumes from what it says it
 * holds. Failures back off exponentially with jitter. Nothing of the backlog is kept in memory but the
 * batches in flight (four by default, see {@link Pipeline}), so a week offline costs disk, not heap. Safety never depends on being the only
 * uploader: HQ deduplicates by (origin, seq) and compares hashes.
 *
 * <p>All state is confined to one scheduler thread; HTTP completes on the client's own executor and
 * every continuation hops back to that thread.
 */
final class HqUploader {
    private static final Logger LOG = LoggerFactory.getLogger(HqUploader.class);
    /** 409s in a row without progress before the cycle counts as failed (and backs off). */
    private static final int MAX_CONFLICTS_IN_ROW = 5;
    /** Catalog pages pulled in one cycle at most. */
    private static final int MAX_CATALOG_PAGES = 100;

    private final String node;
    private final HqClient client;
    private final MergedLog log;
    private final HqMarks marks;
    private final CatalogPuller catalog;
    private final BooleanSupplier isLeader;
    private final UploadSettings settings;
    private final ScheduledExecutorService exec;
    private final Backoff backoff;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    // ---- scheduler thread only ----
    /** What HQ holds, as last heard from it this leadership; null = ask again. */
    private VersionVector hqHeld;
    /** When HQ's vector was last fetched: also when the catalog version was last looked at. */
    private long vectorAtNanos;
    private int failures;
    private boolean running;
    private boolean rerun;
    private ScheduledFuture<?> next;
    private long notBeforeNanos;
    private int maxBatchBytes;
    /** Batches read the log in order: a window at a time rather than two reads per entry. */
    private final SegmentedLog.ReadAhead readAhead = new SegmentedLog.ReadAhead();

    // ---- read by status ----
    private volatile boolean leading;
    private volatile boolean uploading;
    private volatile String lastError;
    private volatile boolean closed;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong entriesSent = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();

    HqUploader(String node, HqClient client, MergedLog log, HqMarks marks, CatalogPuller catalog, BooleanSupplier isLeader,
            UploadSettings settings, ScheduledExecutorService exec) {
        this.node = node;
        this.client = client;
        this.log = log;
        this.marks = marks;
        this.catalog = catalog;
        this.isLeader = isLeader;
        this.settings = settings;
        this.exec = exec;
        this.backoff = new Backoff(settings.minBackoffMillis(), settings.maxBackoffMillis());
        this.maxBatchBytes = settings.maxBatchBytes();
    }

    void start() {
        // New durable entries (own or from peers) wake an idle leader; cheap on the writer thread.
        log.onDurable(batch -> {
            if (leading && !closed && wakeQueued.compareAndSet(false, true)) {
                execute(() -> {
                    wakeQueued.set(false);
                    if (running) {
                        rerun = true;
                    } else {
                        schedule(settings.lingerMillis());
                    }
                });
            }
        });
        execute(() -> schedule(0));
    }

    /** Whether this node is uploading (it leads and HQ is configured here). */
    boolean leading() {
        return leading;
    }

    /** Whether a batch is in flight or the backlog is being worked through. */
    boolean uploading() {
        return uploading;
    }

    /** Why the last attempt failed, or null after a success. */
    String lastError() {
        return lastError;
    }

    long batchesSent() {
        return batches.get();
    }

    long entriesSent() {
        return entriesSent.get();
    }

    void close() {
        closed = true;
    }

    // ---- the loop ----

    private void execute(Runnable r) {
        try {
            exec.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // Shutting down: nothing more to do.
        }
    }

    /** Runs a cycle after {@code delayMillis}, never earlier than a backoff allows, never twice. */
    private void schedule(long delayMillis) {
        if (closed) {
            return;
        }
        long wait = Math.max(delayMillis, TimeUnit.NANOSECONDS.toMillis(notBeforeNanos - System.nanoTime()));
        wait = Math.max(0, wait);
        if (next != null) {
            if (!next.isDone() && next.getDelay(TimeUnit.MILLISECONDS) <= wait) {
                return;
            }
            next.cancel(false);
        }
        try {
            next = exec.schedule(this::runCycle, wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            next = null;
        }
    }

    private void runCycle() {
        next = null;
        if (closed || running) {
            return;
        }
        if (!isLeader.getAsBoolean()) {
            if (leading) {
                LOG.info("node {} no longer leads; stops uploading to headquarters", node);
            }
            leading = false;
            uploading = false;
            hqHeld = null;
            catalog.reset();
            schedule(settings.leaderCheckMillis());
            return;
        }
        if (!leading) {
            LOG.info("node {} leads the store; uploading to headquarters", node);
            leading = true;
            failures = 0;
            notBeforeNanos = 0;
        }
        running = true;
        rerun = false;
        CompletableFuture<Void> cycle = new CompletableFuture<>();
        try {
            start(cycle);
        } catch (RuntimeException e) {
            cycle.completeExceptionally(e);
        }
        cycle.whenComplete((v, t) -> execute(() -> finish(t)));
    }

    private void finish(Throwable t) {
        running = false;
        uploading = false;
        if (t == null) {
            failures = 0;
            lastError = null;
            schedule(rerun ? settings.lingerMillis() : isLeader.getAsBoolean() ? settings.pollMillis() : settings.leaderCheckMillis());
            return;
        }
        Throwable c = unwrap(t);
        failures++;
        hqHeld = null;
        lastError = c.getMessage() != null ? c.getMessage() : c.toString();
        long wait = backoff.delayMillis(failures);
        notBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        if (failures == 1 || failures % 10 == 0) {
            LOG.warn("node {}: headquarters failed ({} in a row), retrying in {} ms: {}", node, failures, wait, lastError);
        }
        schedule(wait);
    }

    /** One cycle: vector (unless fresh), catalog if due, then the upload until HQ holds all this node holds. */
    private void start(CompletableFuture<Void> cycle) {
        CompletableFuture<Void> vector;
        // Batch answers keep the view of HQ's vector current, but only the vector call reports new
        // catalog versions: under steady billing it is still made every poll interval.
        boolean fresh = hqHeld != null && System.nanoTime() - vectorAtNanos < TimeUnit.MILLISECONDS.toNanos(settings.pollMillis());
        if (fresh) {
            vector = CompletableFuture.completedFuture(null);
        } else {
            vector = client.vector().thenComposeAsync(this::onVector, exec);
        }
        vector.thenRunAsync(() -> new Pipeline(cycle).fill(), exec).exceptionally(t -> {
            cycle.completeExceptionally(t);
            return null;
        });
    }

    private CompletableFuture<Void> onVector(HqVector v) {
        marks.reachedNow();
        vectorAtNanos = System.nanoTime();
        setHeld(ProtoVectors.fromProto(v.getHeld()));
        if (!catalog.due(v.getCatalogVersion(), TimeUnit.MILLISECONDS.toNanos(settings.catalogRefreshMillis()))) {
            return CompletableFuture.completedFuture(null);
        }
        return pullCatalog(0);
    }

    private CompletableFuture<Void> pullCatalog(int page) {
        return client.catalog(catalog.since()).thenComposeAsync((CatalogFeed feed) -> {
            marks.reachedNow();
            return catalog.apply(feed).thenComposeAsync(n -> page + 1 < MAX_CATALOG_PAGES && catalog.morePublished(feed)
                    ? pullCatalog(page + 1) : CompletableFuture.completedFuture(null), exec);
        }, exec);
    }

    private void setHeld(VersionVector held) {
        hqHeld = held;
        marks.confirm(held);
    }

    /**
     * One cycle's upload: batches go out one after the other, up to {@link UploadSettings#batchesInFlight()}
     * unanswered at once, each continuing what the one before it will leave HQ holding, so HQ stores batch k
     * while batch k+1 travels and is checked. Answers may come in any order; each only ever raises the view
     * of what HQ holds (HQ's vector never moves backwards). A refusal (409: a batch does not continue what HQ
     * holds, say because the one before it failed or was overtaken) stops sending until every batch in flight
     * is answered, then the upload resumes from HQ's vector. HQ deduplicates by (origin, seq), so a batch
     * sent twice this way costs bandwidth, never a double.
     */
    private final class Pipeline {
        private final CompletableFuture<Void> cycle;
        private final java.util.ArrayDeque<Batch> inFlight = new java.util.ArrayDeque<>();
        /** What HQ will hold once it took every batch in flight; null after a refusal until they are all answered. */
        private VersionVector cursor;
        /** The first failure; nothing more is sent and the cycle fails once the batches in flight are answered. */
        private Throwable failure;
        /** Answers in a row that refused or did not advance HQ's vector. */
        private int conflictsInRow;

        Pipeline(CompletableFuture<Void> cycle) {
            this.cycle = cycle;
            this.cursor = hqHeld;
        }

        /** Sends batches until the window is full or nothing is left; completes the cycle when all is answered. */
        void fill() {
            boolean stop = failure != null || closed || !isLeader.getAsBoolean();
            if (!stop && cursor == null && inFlight.isEmpty()) {
                cursor = hqHeld;
            }
            if (!stop && cursor != null) {
                try {
                    VersionVector mine = log.versionVector();
                    while (inFlight.size() < Math.max(1, settings.batchesInFlight())) {
                        Batch batch = nextBatch(cursor, mine);
                        if (batch == null) {
                            break;
                        }
                        send(batch);
                    }
                } catch (RuntimeException e) {
                    // Reading the log failed: the batches in flight are still answered before the cycle fails.
                    failure = e;
                }
            }
            if (inFlight.isEmpty()) {
                uploading = false;
                if (failure != null) {
                    cycle.completeExceptionally(failure);
                } else {
                    cycle.complete(null);
                }
            }
        }

        private void send(Batch batch) {
            uploading = true;
            inFlight.add(batch);
            cursor = batch.after();
            CompletableFuture<HqClient.Upload> sent;
            try {
                sent = client.upload(batch.message());
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenCompleteAsync((r, t) -> {
                try {
                    onAnswer(batch, r, t);
                } catch (RuntimeException e) {
                    inFlight.remove(batch);
                    failure = failure != null ? failure : e;
                    fill();
                }
            }, exec);
        }

        private void onAnswer(Batch batch, HqClient.Upload r, Throwable t) {
            inFlight.remove(batch);
            if (t != null) {
                onFailure(batch, t);
                fill();
                return;
            }
            marks.reachedNow();
            VersionVector before = hqHeld;
            // Compare-and-max: an answer overtaken by a later one (or by another leader's) never moves the view back.
            setHeld(hqHeld.merge(ProtoVectors.fromProto(r.result().getHeld())));
            if (r.status() == 409) {
                conflicts.incrementAndGet();
                // HQ holds less than this batch assumed: resume from its vector once the others are answered.
                cursor = null;
                if (++conflictsInRow >= MAX_CONFLICTS_IN_ROW && failure == null) {
                    failure = new HqException(409, "headquarters refused " + MAX_CONFLICTS_IN_ROW
                            + " batches in a row as not continuing what it holds: " + r.result().getError(), null);
                }
            } else {
                batches.incrementAndGet();
                entriesSent.addAndGet(batch.message().getEntriesCount());
                duplicates.addAndGet(r.result().getDuplicates());
                if (!hqHeld.equals(before)) {
                    conflictsInRow = 0;
                } else if (++conflictsInRow >= MAX_CONFLICTS_IN_ROW && failure == null) {
                    // Accepted but nothing advanced: sending more at full speed would help no one.
                    failure = new HqException(200, "headquarters took " + MAX_CONFLICTS_IN_ROW
                            + " batches in a row without its vector advancing: " + r.result().getError(), null);
                }
            }
            if (cursor != null) {
                // Another leader may have taken HQ past this one's batches: send from what HQ holds, not below it.
                cursor = cursor.merge(hqHeld);
            }
            fill();
        }

        private void onFailure(Batch batch, Throwable t) {
            int size = batch.message().getEntriesCount();
            if (unwrap(t) instanceof HqException h && (h.status() == 400 || h.status() == 413)
                    && maxBatchBytes > 64 * 1024 && size > 1 && failure == null) {
                // Perhaps above what HQ takes in one body: smaller batches from now on.
                maxBatchBytes /= 2;
                LOG.warn("node {}: headquarters refused a batch of {} entries ({}); batches now up to {} bytes", node,
                        size, unwrap(t).getMessage(), maxBatchBytes);
            }
            if (failure == null) {
                failure = t;
            }
        }
    }

    /** A batch to send and the vector HQ holds once it took it. */
    record Batch(UploadBatch message, VersionVector after) {
    }

    /**
     * Up to maxBatchEntries entries and maxBatchBytes encoded bytes that {@code mine} holds and
     * {@code held} lacks, per origin in seq order (origins in name order); null when there is none.
     */
    Batch nextBatch(VersionVector held, VersionVector mine) {
        UploadBatch.Builder b = UploadBatch.newBuilder();
        Map<String, Long> upTo = new java.util.HashMap<>();
        long bytes = 0;
        outer:
        for (Map.Entry<String, Long> e : mine.asMap().entrySet()) {
            String origin = e.getKey();
            for (long seq = held.get(origin) + 1; seq <= e.getValue(); seq++) {
                if (b.getEntriesCount() >= settings.maxBatchEntries()) {
                    break outer;
                }
                byte[] entry = log.readBytes(origin, seq, readAhead);
                if (entry == null) {
                    break;
                }
                long cost = CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(entry.length)
                        + entry.length;
                if (b.getEntriesCount() > 0 && bytes + cost > maxBatchBytes) {
                    break outer;
                }
                b.addEntries(ByteString.copyFrom(entry));
                upTo.put(origin, seq);
                bytes += cost;
            }
        }
        return b.getEntriesCount() == 0 ? null : new Batch(b.build(), held.merge(VersionVector.of(upTo)));
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
