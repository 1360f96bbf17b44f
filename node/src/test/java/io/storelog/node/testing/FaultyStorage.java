package io.storelog.node.testing;

import io.storelog.node.log.LogStorage;
import io.storelog.node.log.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a storage and makes it fail like a real disk: full after a byte budget, or erroring on fsync,
 * truncate or directory operations, each switchable at run time. It can also hold fsyncs on a gate so
 * a test can see what queues up behind one.
 */
public final class FaultyStorage implements LogStorage {

    /** What Linux says for ENOSPC. */
    public static final String NO_SPACE = "No space left on device";

    private final LogStorage delegate;
    private final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
    private volatile String writeError;
    private volatile String forceError;
    private volatile String truncateError;
    private volatile String directoryError;
    private volatile Gate forceGate;
    private final AtomicLong failedForces = new AtomicLong();

    /** Faultless until told otherwise. */
    public FaultyStorage(LogStorage delegate) {
        this.delegate = delegate;
    }

    /** From now on, writes may use {@code bytes} more bytes; the write that exceeds it is cut short. */
    public void setSpaceLeft(long bytes) {
        spaceLeft.set(bytes);
    }

    /** Lifts the space limit ("the operator freed space"). */
    public void unlimitedSpace() {
        spaceLeft.set(Long.MAX_VALUE);
    }

    /** Every write throws an IOException with this message, writing nothing; null heals. */
    public void failWrites(String message) {
        writeError = message;
    }

    /** Every fsync throws an IOException with this message; null heals. */
    public void failForces(String message) {
        forceError = message;
    }

    /** Every truncate throws an IOException with this message; null heals. */
    public void failTruncates(String message) {
        truncateError = message;
    }

    /** Every rename, delete and directory sync throws an IOException with this message; null heals. */
    public void failDirectoryOps(String message) {
        directoryError = message;
    }

    /** How many fsyncs were made to fail so far. */
    public long failedForces() {
        return failedForces.get();
    }

    /** Makes the next fsyncs wait at a gate until it is opened. */
    public Gate holdForces() {
        Gate gate = new Gate();
        forceGate = gate;
        return gate;
    }

    @Override
    public List<String> list() throws IOException {
        return delegate.list();
    }

    @Override
    public StorageFile open(String name) throws IOException {
        return new FaultyFile(delegate.open(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        fail(directoryError);
        delegate.rename(from, to);
    }

    @Override
    public void delete(String name) throws IOException {
        fail(directoryError);
        delegate.delete(name);
    }

    @Override
    public void syncDirectory() throws IOException {
        fail(directoryError);
        delegate.syncDirectory();
    }

    @Override
    public String toString() {
        return "faulty(" + delegate + ")";
    }

    private static void fail(String message) throws IOException {
        if (message != null) {
            throw new IOException(message);
        }
    }

    /** A gate fsyncs wait at: the test sees when one arrived and decides when they go on. */
    public static final class Gate {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        /** Waits until an fsync is held at the gate. */
        public void awaitHeld() throws InterruptedException {
            if (!arrived.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("no fsync reached the gate");
            }
        }

        /** Lets every held and later fsync through. */
        public void open() {
            open.countDown();
        }

        void pass() throws IOException {
            arrived.countDown();
            try {
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("fsync gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the fsync gate", e);
            }
        }
    }

    private final class FaultyFile implements StorageFile {
        private final StorageFile file;

        FaultyFile(StorageFile file) {
            this.file = file;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            fail(writeError);
            int wanted = src.remaining();
            while (true) {
                long left = spaceLeft.get();
                if (left >= wanted) {
                    if (left == Long.MAX_VALUE || spaceLeft.compareAndSet(left, left - wanted)) {
                        file.write(src, position);
                        return;
                    }
                } else if (spaceLeft.compareAndSet(left, 0)) {
                    // A real full disk takes what fits and then refuses the rest.
                    ByteBuffer part = src.slice().limit((int) left);
                    file.write(part, position);
                    src.position(src.position() + (int) left);
                    throw new IOException(NO_SPACE);
                }
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            fail(truncateError);
            file.truncate(size);
        }

        @Override
        public void force() throws IOException {
            Gate gate = forceGate;
            if (gate != null) {
                gate.pass();
            }
            String error = forceError;
            if (error != null) {
                failedForces.incrementAndGet();
                throw new IOException(error);
            }
            file.force();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
