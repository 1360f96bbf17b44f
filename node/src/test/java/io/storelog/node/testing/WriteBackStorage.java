package io.storelog.node.testing;

import io.storelog.node.log.FileLogStorage;
import io.storelog.node.log.LogStorage;
import io.storelog.node.log.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real log directory behind a write-back cache that a power cut empties, for a node in a process of
 * its own: a write stays in this process's memory until {@link StorageFile#force()} writes it to the
 * real file and fsyncs it, so a SIGKILL of the process loses every write that was not forced, as a
 * power cut loses the page cache. (A plain SIGKILL loses nothing the kernel already holds, so it cannot
 * show an acknowledgement given before fsync.) Creates, renames, deletes and truncates reach the disk
 * at once; {@link PowerCutStorage} models losing those too, in-process. Memory stays bounded by what
 * one group commit writes.
 */
public final class WriteBackStorage implements LogStorage {
    private final Path dir;
    private FileLogStorage disk;

    /** The log directory {@code dir}, created on first use (the node creates its data directory first). */
    public WriteBackStorage(Path dir) {
        this.dir = dir;
    }

    private synchronized LogStorage disk() {
        if (disk == null) {
            disk = new FileLogStorage(dir);
        }
        return disk;
    }

    @Override
    public List<String> list() throws IOException {
        return disk().list();
    }

    @Override
    public StorageFile open(String name) throws IOException {
        return new CachedFile(disk().open(name));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        disk().rename(from, to);
    }

    @Override
    public void delete(String name) throws IOException {
        disk().delete(name);
    }

    @Override
    public void syncDirectory() throws IOException {
        disk().syncDirectory();
    }

    /** One file: the real one plus the writes not yet forced, in the order they were made. */
    private static final class CachedFile implements StorageFile {
        private final StorageFile real;
        private final List<Write> pending = new ArrayList<>();

        CachedFile(StorageFile real) {
            this.real = real;
        }

        @Override
        public synchronized long size() throws IOException {
            long size = real.size();
            for (Write w : pending) {
                size = Math.max(size, w.position + w.bytes.length);
            }
            return size;
        }

        @Override
        public synchronized int read(ByteBuffer dst, long position) throws IOException {
            long n = Math.min(dst.remaining(), size() - position);
            if (n <= 0) {
                return dst.remaining() == 0 ? 0 : -1;
            }
            byte[] buf = new byte[(int) n];
            ByteBuffer into = ByteBuffer.wrap(buf);
            while (into.hasRemaining()) {
                if (real.read(into, position + into.position()) < 0) {
                    break; // the rest is only in the cache
                }
            }
            for (Write w : pending) {
                long from = Math.max(position, w.position);
                long to = Math.min(position + n, w.position + w.bytes.length);
                if (from < to) {
                    System.arraycopy(w.bytes, (int) (from - w.position), buf, (int) (from - position), (int) (to - from));
                }
            }
            dst.put(buf);
            return buf.length;
        }

        @Override
        public synchronized void write(ByteBuffer src, long position) {
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            pending.add(new Write(position, bytes));
        }

        @Override
        public synchronized void truncate(long size) throws IOException {
            List<Write> kept = new ArrayList<>();
            for (Write w : pending) {
                if (w.position < size) {
                    int len = (int) Math.min(w.bytes.length, size - w.position);
                    kept.add(len == w.bytes.length ? w : new Write(w.position, java.util.Arrays.copyOf(w.bytes, len)));
                }
            }
            pending.clear();
            pending.addAll(kept);
            real.truncate(size);
        }

        @Override
        public synchronized void force() throws IOException {
            for (Write w : pending) {
                real.write(ByteBuffer.wrap(w.bytes), w.position);
            }
            pending.clear();
            real.force();
        }

        @Override
        public synchronized void close() throws IOException {
            real.close();
        }
    }

    private record Write(long position, byte[] bytes) {
    }
}
