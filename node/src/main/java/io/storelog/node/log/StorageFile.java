package io.storelog.node.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** One open file of a {@link LogStorage}; positional reads may run concurrently with the writer. */
public interface StorageFile extends Closeable {

    /** Current length of the file in bytes. */
    long size() throws IOException;

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns the count, or -1 at end of file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all of {@code src} at {@code position}, extending the file if needed. */
    void write(ByteBuffer src, long position) throws IOException;

    /** Shrinks the file to {@code size} bytes; does nothing if it is already that short. */
    void truncate(long size) throws IOException;

    /** Makes the file's content as it is now survive a power cut (fdatasync). */
    void force() throws IOException;
}
