package io.storelog.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.storelog.node.log.StorageFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the fault suite's power-cut lane relies on: only forced writes reach the disk; the running node sees all. */
class WriteBackStorageTest {
    @TempDir
    Path dir;

    private static String read(StorageFile f) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) f.size());
        while (b.hasRemaining() && f.read(b, b.position()) > 0) {
            // read on until full
        }
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    @Test
    void anUnforcedWriteIsSeenByTheNodeButLostWithTheProcess() throws Exception {
        WriteBackStorage running = new WriteBackStorage(dir.resolve("log"));
        StorageFile f = running.open("seg");
        f.write(ByteBuffer.wrap("durable|".getBytes(StandardCharsets.US_ASCII)), 0);
        f.force();
        f.write(ByteBuffer.wrap("cached".getBytes(StandardCharsets.US_ASCII)), 8);
        f.write(ByteBuffer.wrap("CA".getBytes(StandardCharsets.US_ASCII)), 8);
        assertThat(read(f)).isEqualTo("durable|CAched");

        // The process dies here: a fresh view of the directory is what survived.
        StorageFile after = new WriteBackStorage(dir.resolve("log")).open("seg");
        assertThat(read(after)).isEqualTo("durable|");
    }

    @Test
    void aTruncateDropsCachedBytesBeyondIt() throws Exception {
        StorageFile f = new WriteBackStorage(dir.resolve("log")).open("seg");
        f.write(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)), 0);
        f.truncate(4);
        f.force();
        assertThat(read(new WriteBackStorage(dir.resolve("log")).open("seg"))).isEqualTo("0123");
    }
}
