package io.storelog.node.testing;

import io.storelog.node.log.LogStorage;
import io.storelog.node.log.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A broken disk driver: every file's {@code force()} returns at once without doing anything. Crash
 * tests run on it to prove they can fail: acknowledged bills must go missing after a power cut.
 */
public final class NoForceStorage implements LogStorage {
    private final LogStorage delegate;

    /** Wraps {@code delegate}, dropping every fsync of a file. */
    public NoForceStorage(LogStorage delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<String> list() throws IOException {
        return delegate.list();
    }

    @Override
    public StorageFile open(String name) throws IOException {
        StorageFile file = delegate.open(name);
        return new StorageFile() {
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
                file.write(src, position);
            }

            @Override
            public void truncate(long size) throws IOException {
                file.truncate(size);
            }

            @Override
            public void force() {
                // skipped: the bug under test
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public void rename(String from, String to) throws IOException {
        delegate.rename(from, to);
    }

    @Override
    public void delete(String name) throws IOException {
        delegate.delete(name);
    }

    @Override
    public void syncDirectory() throws IOException {
        delegate.syncDirectory();
    }

    @Override
    public String toString() {
        return "no-force(" + delegate + ")";
    }
}
