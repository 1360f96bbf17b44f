package io.storelog.node.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    /** Takes every free byte with one preallocated file, so the node's next write fails with ENOSPC. */
    synchronized void fill() throws IOException {
        if (full) {
            return;
        }
        long free = Files.getFileStore(mountPoint).getUsableSpace();
        Path filler = mountPoint.resolve(FILLER);
        // tmpfs allocates in pages; step down until the preallocation fits exactly.
        for (long size = free; size > 0 && size > free - 1024 * 1024; size -= 4096) {
            if (TestHosts.run(List.of("fallocate", "-l", Long.toString(size), filler.toString())).code() == 0) {
                full = true;
                return;
            }
        }
        Files.deleteIfExists(filler);
        throw new IOException("could not fill " + mountPoint + " (" + free + " bytes free)");
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
