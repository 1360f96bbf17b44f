package io.storelog.node.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Segment files in a real directory, through {@link FileChannel}. */
public final class FileLogStorage implements LogStorage {

    private final Path dir;

    /**
     * Uses {@code dir}, creating it (durably) if it does not exist.
     *
     * @throws io.storelog.node.StoreLogException IO_ERROR or DISK_FULL if it cannot be created
     */
    public FileLogStorage(Path dir) {
        this.dir = dir.toAbsolutePath();
        if (!Files.isDirectory(this.dir)) {
            try {
                Files.createDirectories(this.dir);
                // A directory entry is only durable once its parent is synced, like any other file name.
                syncDir(this.dir.getParent());
            } catch (IOException e) {
                throw SegmentedLog.ioFailure(e, "create log directory", this.dir.toString());
            }
        }
    }

    /** The directory this storage uses. */
    public Path directory() {
        return dir;
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Override
    public StorageFile open(String name) throws IOException {
        return new ChannelFile(FileChannel.open(resolve(name), StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(resolve(from), resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(resolve(name));
    }

    @Override
    public void syncDirectory() throws IOException {
        syncDir(dir);
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    /** fsyncs a directory so the names in it survive a power cut. */
    static void syncDir(Path directory) throws IOException {
        if (directory == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private Path resolve(String name) {
        Path p = dir.resolve(name);
        if (name.isEmpty() || !dir.equals(p.getParent())) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        return p;
    }

    /**
     * A file channel shielded from interrupts: an interrupted thread that touches a FileChannel closes
     * it for every thread, which would turn one cancelled reader into a failed log.
     */
    private static final class ChannelFile implements StorageFile {
        private final FileChannel channel;

        ChannelFile(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                return channel.read(dst, position);
            } finally {
                restore(interrupted);
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                long at = position;
                while (src.hasRemaining()) {
                    at += channel.write(src, at);
                }
            } finally {
                restore(interrupted);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                channel.truncate(size);
            } finally {
                restore(interrupted);
            }
        }

        @Override
        public void force() throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                channel.force(false);
            } finally {
                restore(interrupted);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }

        private static void restore(boolean interrupted) {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
