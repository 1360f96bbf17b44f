package io.storelog.node.log;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the log tests. */
final class LogTesting {

    /** Small segments so tests roll often; batches and records big enough for every test here. */
    static final LogOptions SMALL = new LogOptions(4096, 256, 64 << 10, 64 << 10);

    private LogTesting() {
    }

    static SegmentedLog open(LogStorage storage, LogOptions options) {
        return SegmentedLog.open(storage, options, new SimpleMeterRegistry(), DurableListener.none());
    }

    /** Every record the log replays, in order. */
    static List<AppendedRecord> replayAll(SegmentedLog log) {
        List<AppendedRecord> out = new ArrayList<>();
        log.replay((index, position, bytes) -> out.add(new AppendedRecord(index, position, bytes)));
        return out;
    }

    /** Appends one by one, waiting for each. */
    static List<AppendedRecord> appendEach(SegmentedLog log, List<byte[]> records) {
        List<AppendedRecord> out = new ArrayList<>();
        for (byte[] r : records) {
            out.add(join(log.append(r)));
        }
        return out;
    }

    static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("append did not complete", e);
        }
    }

    /** A recognisable record: its label, then random filler up to {@code size} bytes. */
    static byte[] record(Random random, String label, int size) {
        byte[] head = (label + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[Math.max(size, head.length)];
        random.nextBytes(out);
        System.arraycopy(head, 0, out, 0, head.length);
        return out;
    }

    static List<byte[]> records(Random random, int count, int minSize, int maxSize) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(record(random, "r" + i, minSize + random.nextInt(maxSize - minSize + 1)));
        }
        return out;
    }

    /** Segment names in the storage, sorted (which is log order). */
    static List<String> segmentNames(LogStorage storage) throws java.io.IOException {
        return storage.list().stream().filter(n -> SegmentFormat.parseName(n) != null).sorted().toList();
    }

    /** The record contents, for comparing byte arrays by value. */
    static List<ByteBuffer> contents(List<?> records) {
        List<ByteBuffer> out = new ArrayList<>();
        for (Object r : records) {
            out.add(ByteBuffer.wrap(r instanceof AppendedRecord a ? a.bytes() : (byte[]) r));
        }
        return out;
    }

    /** A listener that remembers what it was told, and on which thread. */
    static final class RecordingListener implements DurableListener {
        final List<AppendedRecord> durable = new CopyOnWriteArrayList<>();
        final List<Long> failedAt = new CopyOnWriteArrayList<>();
        final List<io.storelog.node.StoreLogException> failures = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onDurable(List<AppendedRecord> batch) {
            threads.add(Thread.currentThread());
            durable.addAll(batch);
        }

        @Override
        public void onFailed(long lastDurableIndex, io.storelog.node.StoreLogException cause) {
            failures.add(cause);
            failedAt.add(lastDurableIndex);
        }
    }
}
