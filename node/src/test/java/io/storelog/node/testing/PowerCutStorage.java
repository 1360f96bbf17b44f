package io.storelog.node.testing;

import io.storelog.node.log.LogStorage;
import io.storelog.node.log.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory disk that models the page cache, to test what survives a power cut.
 *
 * <ul>
 *   <li>Writes and truncates change what running code sees at once, but survive a power cut only once
 *       {@link StorageFile#force()} ran on that file.</li>
 *   <li>Creates, renames and deletes survive only after {@link #syncDirectory()}.</li>
 *   <li>{@link #powerCut()} returns a fresh disk holding only what survived, and makes this one fail
 *       every later call, as a dead machine would. {@link #powerCut(Random)} also keeps a random part of
 *       what was not yet durable, as real disks do: a random prefix of the pending directory changes, a
 *       file length anywhere between the durable and the current one, and each 512-byte sector either
 *       new, old, zeros or garbage.</li>
 * </ul>
 *
 * Thread-safe: the log's writer and any number of readers may use it at once.
 */
public final class PowerCutStorage implements LogStorage {

    /** The unit in which a disk persists data; a torn write tears at these boundaries. */
    public static final int SECTOR = 512;
    private static final AtomicInteger DISKS = new AtomicInteger();

    private final Object lock = new Object();
    private final String label = "powercut-disk-" + DISKS.incrementAndGet();
    private final Map<String, Inode> names = new TreeMap<>();
    private Map<String, Inode> durableNames = new TreeMap<>();
    private final List<DirOp> pendingOps = new ArrayList<>();
    private boolean dead;
    private long opsUntilCut = -1;
    private boolean countOnlyForces;
    private Random cutRandom;
    private final CompletableFuture<PowerCutStorage> cut =
            new CompletableFuture<>();
    private long forces;
    private long directorySyncs;

    /** An empty disk. */
    public PowerCutStorage() {
    }

    @Override
    public List<String> list() throws IOException {
        synchronized (lock) {
            checkAlive();
            return new ArrayList<>(names.keySet());
        }
    }

    @Override
    public StorageFile open(String name) throws IOException {
        synchronized (lock) {
            checkAlive();
            Inode inode = names.get(name);
            if (inode == null) {
                beforeChange();
                inode = new Inode();
                names.put(name, inode);
                pendingOps.add(new DirOp(DirOp.Kind.CREATE, name, null, inode));
            }
            return new MemoryFile(inode, name);
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        synchronized (lock) {
            beforeChange();
            Inode inode = names.remove(from);
            if (inode == null) {
                throw new NoSuchFileException(from);
            }
            names.put(to, inode);
            pendingOps.add(new DirOp(DirOp.Kind.RENAME, from, to, inode));
        }
    }

    @Override
    public void delete(String name) throws IOException {
        synchronized (lock) {
            beforeChange();
            if (names.remove(name) != null) {
                pendingOps.add(new DirOp(DirOp.Kind.DELETE, name, null, null));
            }
        }
    }

    @Override
    public void syncDirectory() throws IOException {
        synchronized (lock) {
            beforeChange();
            durableNames = new TreeMap<>(names);
            pendingOps.clear();
            directorySyncs++;
        }
    }

    /** Cuts the power: this disk fails from now on; the result holds exactly what was durable. */
    public PowerCutStorage powerCut() {
        return powerCut(null);
    }

    /** Cuts the power, keeping a random part of what was not yet durable (see the class comment). */
    public PowerCutStorage powerCut(Random random) {
        synchronized (lock) {
            if (!dead) {
                dead = true;
                cut.complete(image(random));
            }
            return cut.join();
        }
    }

    /**
     * Arms a power cut that strikes just before the {@code ops}-th next change (write, truncate, fsync,
     * create, rename, delete, directory sync), so it lands inside the writer's work, not between it.
     *
     * @return completes with what survived once the power is cut (by this or by {@link #powerCut})
     */
    public CompletableFuture<PowerCutStorage> cutPowerBefore(long ops, Random random) {
        return arm(ops, false, random);
    }

    /** Like {@link #cutPowerBefore} but counts fsyncs only: the cut always finds written, unforced bytes. */
    public CompletableFuture<PowerCutStorage> cutPowerBeforeFsync(long fsyncs, Random random) {
        return arm(fsyncs, true, random);
    }

    private CompletableFuture<PowerCutStorage> arm(long count, boolean forcesOnly, Random random) {
        synchronized (lock) {
            opsUntilCut = count;
            countOnlyForces = forcesOnly;
            cutRandom = random;
            return cut;
        }
    }

    /** A copy of what is durable now, without cutting the power; this disk keeps working. */
    public PowerCutStorage durableImage() {
        synchronized (lock) {
            return image(null);
        }
    }

    /** The current content of a file, as running code sees it. */
    public byte[] bytes(String name) {
        synchronized (lock) {
            Inode inode = names.get(name);
            if (inode == null) {
                throw new IllegalArgumentException("no file " + name);
            }
            return Arrays.copyOf(inode.data, inode.length);
        }
    }

    /** Replaces (or creates) a file with {@code content}, durably: how a test damages a disk. */
    public void put(String name, byte[] content) {
        synchronized (lock) {
            Inode inode = names.computeIfAbsent(name, n -> new Inode());
            inode.data = content.clone();
            inode.length = content.length;
            inode.durable = content.clone();
            durableNames.put(name, inode);
        }
    }

    /** Removes a file durably: how a test loses a segment. */
    public void remove(String name) {
        synchronized (lock) {
            names.remove(name);
            durableNames.remove(name);
        }
    }

    /** Whether a file exists, as running code sees it. */
    public boolean exists(String name) {
        synchronized (lock) {
            return names.containsKey(name);
        }
    }

    /** How many times any file was forced. */
    public long forces() {
        synchronized (lock) {
            return forces;
        }
    }

    /** How many times the directory was synced. */
    public long directorySyncs() {
        synchronized (lock) {
            return directorySyncs;
        }
    }

    @Override
    public String toString() {
        return label;
    }

    private PowerCutStorage image(Random random) {
        Map<String, Inode> survivors = new TreeMap<>(durableNames);
        int applied = random == null ? 0 : random.nextInt(pendingOps.size() + 1);
        for (DirOp op : pendingOps.subList(0, applied)) {
            op.applyTo(survivors);
        }
        PowerCutStorage image = new PowerCutStorage();
        Map<Inode, Inode> copies = new IdentityHashMap<>();
        survivors.forEach((name, inode) -> {
            Inode copy = copies.computeIfAbsent(inode, i -> Inode.of(i.afterPowerCut(random)));
            image.names.put(name, copy);
        });
        image.durableNames = new TreeMap<>(image.names);
        return image;
    }

    private void checkAlive() throws IOException {
        if (dead) {
            throw new IOException("the power is off on " + label);
        }
    }

    /** Called under the lock before every change: counts down an armed power cut. */
    private void beforeChange() throws IOException {
        beforeChange(false);
    }

    private void beforeChange(boolean isForce) throws IOException {
        checkAlive();
        if (opsUntilCut > 0 && (isForce || !countOnlyForces) && --opsUntilCut == 0) {
            powerCut(cutRandom);
            checkAlive();
        }
    }

    /** A file's bytes, as running code sees them and as they were last forced. */
    private static final class Inode {
        byte[] data = new byte[0];
        int length;
        byte[] durable = new byte[0];

        static Inode of(byte[] content) {
            Inode inode = new Inode();
            inode.data = content.clone();
            inode.length = content.length;
            inode.durable = content;
            return inode;
        }

        /** The content a power cut leaves: the durable bytes, plus random sectors of newer ones. */
        byte[] afterPowerCut(Random random) {
            byte[] current = Arrays.copyOf(data, length);
            if (random == null || Arrays.equals(current, durable)) {
                return durable.clone();
            }
            int low = Math.min(durable.length, length);
            int high = Math.max(durable.length, length);
            int choice = random.nextInt(3);
            int size = choice == 0 ? durable.length : choice == 1 ? length : low + random.nextInt(high - low + 1);
            byte[] out = new byte[size];
            for (int sector = 0; sector < size; sector += SECTOR) {
                int end = Math.min(size, sector + SECTOR);
                int kind = random.nextInt(8);
                for (int i = sector; i < end; i++) {
                    // A sector that reached the disk shows the new bytes, one that did not the old ones
                    // (zeros past the old end). Sectors durable and not rewritten are the same either way.
                    byte older = i < durable.length ? durable[i] : 0;
                    byte newer = i < length ? current[i] : 0;
                    out[i] = kind < 4 ? newer : older;
                }
                if (kind == 7 && sector >= durable.length) {
                    // A sector the disk never finished: it reads back as garbage.
                    byte[] garbage = new byte[end - sector];
                    random.nextBytes(garbage);
                    System.arraycopy(garbage, 0, out, sector, garbage.length);
                }
            }
            return out;
        }
    }

    /** A directory change not yet synced, replayed in order onto the survivors of a power cut. */
    private record DirOp(Kind kind, String name, String to, Inode inode) {
        enum Kind { CREATE, RENAME, DELETE }

        void applyTo(Map<String, Inode> dir) {
            switch (kind) {
                case CREATE -> dir.put(name, inode);
                case RENAME -> {
                    dir.remove(name);
                    dir.put(to, inode);
                }
                case DELETE -> dir.remove(name);
                default -> throw new IllegalStateException();
            }
        }
    }

    /** A handle on one inode; it follows the inode through renames, like a file descriptor. */
    private final class MemoryFile implements StorageFile {
        private final Inode inode;
        private final String openedAs;
        private boolean closed;

        MemoryFile(Inode inode, String openedAs) {
            this.inode = inode;
            this.openedAs = openedAs;
        }

        @Override
        public long size() throws IOException {
            synchronized (lock) {
                check();
                return inode.length;
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (lock) {
                check();
                if (position >= inode.length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), inode.length - position);
                dst.put(inode.data, (int) position, n);
                return n;
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            synchronized (lock) {
                check();
                beforeChange();
                int n = src.remaining();
                long end = position + n;
                if (end > Integer.MAX_VALUE - 8) {
                    throw new IOException("file too large for the in-memory disk");
                }
                if (end > inode.data.length) {
                    inode.data = Arrays.copyOf(inode.data, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8,
                            inode.data.length * 2L)));
                }
                if (position > inode.length) {
                    Arrays.fill(inode.data, inode.length, (int) position, (byte) 0);
                }
                src.get(inode.data, (int) position, n);
                inode.length = (int) Math.max(inode.length, end);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            synchronized (lock) {
                check();
                beforeChange();
                if (size < inode.length) {
                    Arrays.fill(inode.data, (int) size, inode.length, (byte) 0);
                    inode.length = (int) size;
                }
            }
        }

        @Override
        public void force() throws IOException {
            synchronized (lock) {
                check();
                beforeChange(true);
                inode.durable = Arrays.copyOf(inode.data, inode.length);
                forces++;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                closed = true;
            }
        }

        private void check() throws IOException {
            checkAlive();
            if (closed) {
                throw new IOException("file " + openedAs + " is closed");
            }
        }
    }
}
