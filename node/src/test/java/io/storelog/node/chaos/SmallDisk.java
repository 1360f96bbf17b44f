package io.storelog.node.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small filesystem of its own for one node's data directory (a tmpfs mount with {@code size=}), so a
 * test can fill it to the last byte and free it again, and wipe it as a replaced disk would be.
 */
final class SmallDisk implements AutoCloseable {
    private static final String FILLER = "filler.bin";
    private final Path mountPoint;
    private boolean full;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint} (created if missing). */
    static SmallDisk mount(Path mountPoint, int megabytes) {
        try {
            Files.createDirectories(mountPoint);
            TestHosts.Result r = TestHosts.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs",
                    mountPoint.toString()));
            if (r.code() != 0) {
                throw new IllegalStateException("mount tmpfs at " + mountPoint + " failed: " + r.out().trim());
            }
            return new SmallDisk(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node's data directory, on this disk. */
    Path dataDir() {
        return mountPoint.resolve("data");
    }

    /**
     * Takes every free byte with one file, written in 1 MiB and then 4 KiB pieces until the filesystem
     * answers ENOSPC, so the node's next write fails for want of space.
     */
    synchronized void fill() throws IOException {
        if (full) {
            return;
        }
        Path filler = mountPoint.resolve(FILLER);
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int piece : new int[] {1024 * 1024, 4096}) {
                ByteBuffer zeros = ByteBuffer.allocate(piece);
                try {
                    while (true) {
                        zeros.clear();
                        while (zeros.hasRemaining()) {
                            ch.write(zeros);
                        }
                    }
                } catch (IOException noSpace) {
                    // This piece no longer fits: go on with a smaller one, or stop.
                }
            }
        }
        full = true;
    }

    /** Frees what {@link #fill()} took. */
    synchronized void drain() throws IOException {
        Files.deleteIfExists(mountPoint.resolve(FILLER));
        full = false;
    }

    /** Whether the disk is filled. */
    synchronized boolean isFull() {
        return full;
    }

    /** Deletes the node's data directory, as a replaced disk would have none. */
    void wipe() throws IOException {
        Path dir = dataDir();
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Unmounts the disk (lazily if a dying process still holds a file). */
    @Override
    public void close() {
        try {
            if (TestHosts.run(List.of("umount", mountPoint.toString())).code() != 0) {
                TestHosts.run(List.of("umount", "-l", mountPoint.toString()));
            }
        } catch (IOException e) {
            // Best effort at the end of a run.
        }
    }
}
