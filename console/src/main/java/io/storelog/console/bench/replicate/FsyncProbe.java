package io.storelog.console.bench.replicate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/** What one durable write costs on the disk under test: a 300-byte append forced on its own, many times. */
public final class FsyncProbe {
    public static final int RECORD_BYTES = 300;

    /** The latencies, how many were timed and over how long (this probe's and {@link ReplicaFloorProbe}'s). */
    public record Result(Histogram latency, int iterations, double seconds) {
        public double opsPerSecond() {
            return iterations / seconds;
        }
    }

    private FsyncProbe() {
    }

    /**
     * Appends {@code iterations} records of 300 bytes to a new file in {@code dir}, each followed by
     * {@code FileChannel.force(false)}, timing each pair; stops early after {@code maxSeconds}.
     */
    public static Result run(Path dir, int iterations, double maxSeconds, long seed) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe-", ".dat");
        byte[] record = new byte[RECORD_BYTES];
        new SplittableRandom(seed).nextBytes(record);
        ByteBuffer buf = ByteBuffer.allocateDirect(RECORD_BYTES);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            return timed(iterations, maxSeconds, position -> writeAndForce(ch, buf, record, position));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** One timed step of a probe: writes at {@code position} and returns how many bytes it appended. */
    interface Step {
        int run(long position) throws IOException;
    }

    /**
     * Runs {@code step} 50 times untimed (a new file's first forces also allocate its first blocks, and the loop
     * compiles), then {@code iterations} times timing each call, stopping early after {@code maxSeconds}.
     */
    static Result timed(int iterations, double maxSeconds, Step step) throws IOException {
        Histogram h = Latency.histogram();
        long position = 0;
        for (int i = 0; i < 50; i++) {
            position += step.run(position);
        }
        int done = 0;
        long started = System.nanoTime();
        long deadline = started + (long) (maxSeconds * 1e9);
        while (done < iterations) {
            long t0 = System.nanoTime();
            if (t0 > deadline) {
                break;
            }
            position += step.run(position);
            Latency.record(h, System.nanoTime() - t0);
            done++;
        }
        return new Result(h, done, Math.max(1e-9, (System.nanoTime() - started) / 1e9));
    }

    /** Writes {@code record} at {@code position} through {@code buf} and forces it; returns its length. */
    static int writeAndForce(FileChannel ch, ByteBuffer buf, byte[] record, long position) throws IOException {
        buf.clear();
        buf.put(record).flip();
        long at = position;
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
        ch.force(false);
        return record.length;
    }
}
