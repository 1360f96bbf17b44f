package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import io.storelog.protocol.HqVector;
import io.storelog.protocol.UploadResult;
import io.storelog.protocol.VersionVectorEntry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A store leader reduced to its upload loop: ask HQ what it holds, send what it lacks per origin in seq
 * order, start over on a 409, and retry while HQ is down (a short fixed pause; a real leader backs off).
 */
final class TestLeader {
    private static final Duration RETRY_PAUSE = Duration.ofMillis(25);

    private final HqHttp http;
    private final String store;
    private final String token;
    private final TestEntries.StoreLog log;
    private final int batchSize;
    long stored;
    long duplicates;
    int refusedBatches;
    int failedCalls;
    private java.util.concurrent.CyclicBarrier firstUpload;
    private java.util.concurrent.Semaphore permits;

    TestLeader(HqHttp http, String store, String token, TestEntries.StoreLog log, int batchSize) {
        this.http = http;
        this.store = store;
        this.token = token;
        this.log = log;
        this.batchSize = batchSize;
    }

    /** Makes the first upload wait at {@code barrier} after the first vector was read (to force a race). */
    TestLeader startTogetherAt(java.util.concurrent.CyclicBarrier barrier) {
        this.firstUpload = barrier;
        return this;
    }

    /** Sends a batch only with a permit from {@code gate}, so a test can hold the upload at a known point. */
    TestLeader throttle(java.util.concurrent.Semaphore gate) {
        this.permits = gate;
        return this;
    }

    /** Uploads until HQ holds the whole log, or the deadline passes. */
    void run(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            try {
                if (round()) {
                    return;
                }
            } catch (UncheckedIOException | HttpFailure e) {
                failedCalls++;
                LockSupport.parkNanos(RETRY_PAUSE.toNanos());
            }
        }
        throw new AssertionError("leader of " + store + " did not finish within " + deadline);
    }

    /** One pass from a fresh vector; true when HQ holds everything. */
    private boolean round() {
        Map<String, Long> held = held();
        if (firstUpload != null) {
            try {
                firstUpload.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the other leader did not come", e);
            }
            firstUpload = null;
        }
        boolean done = true;
        for (Map.Entry<String, List<ByteString>> origin : log.byOrigin().entrySet()) {
            long h = held.getOrDefault(origin.getKey(), 0L);
            List<ByteString> all = origin.getValue();
            while (h < all.size()) {
                done = false;
                List<ByteString> batch = new ArrayList<>(all.subList((int) h, (int) Math.min(all.size(), h + batchSize)));
                if (permits != null) {
                    permits.acquireUninterruptibly();
                }
                HqHttp.Answer a = http.upload(store, token, batch);
                if (a.status() == 409) {
                    refusedBatches++;
                    return false;
                }
                if (a.status() != 200) {
                    throw new HttpFailure(a.status() + ": " + a.text());
                }
                UploadResult r = a.uploadResult();
                stored += r.getStored();
                duplicates += r.getDuplicates();
                h = r.getHeld().getEntriesList().stream().filter(e -> e.getOrigin().equals(origin.getKey()))
                        .mapToLong(VersionVectorEntry::getSeq).findFirst().orElse(0);
            }
        }
        return done;
    }

    private Map<String, Long> held() {
        HqHttp.Answer a = http.get("/api/hq/upload/" + store + "/vector", token);
        if (a.status() != 200) {
            throw new HttpFailure(a.status() + ": " + a.text());
        }
        try {
            Map<String, Long> m = new HashMap<>();
            for (VersionVectorEntry e : HqVector.parseFrom(a.body()).getHeld().getEntriesList()) {
                m.put(e.getOrigin(), e.getSeq());
            }
            return m;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** HQ answered with an error a leader retries (503 while it restarts). */
    private static final class HttpFailure extends RuntimeException {
        HttpFailure(String message) {
            super(message);
        }
    }
}
