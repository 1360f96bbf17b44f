package io.storelog.node.log;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A node's data directory, marked by a stamp file naming its store, node and incarnation.
 *
 * <p>The stamp is what keeps a node from writing into another node's log (a mistyped {@code --data})
 * and what gives a node a fresh origin id when its disk was wiped: a new directory means a new
 * incarnation, so an entry id is never reissued with other content.
 *
 * <pre>
 * storelog.stamp (java.util.Properties)
 *   format=1
 *   store=&lt;store&gt;
 *   node=&lt;node&gt;
 *   incarnation=&lt;node&gt;-&lt;12 lowercase hex digits&gt;
 *   created=&lt;ISO-8601 instant the directory was stamped&gt;
 *   previous=&lt;earlier incarnations of this directory, comma-separated, oldest first&gt;
 * </pre>
 */
public final class DataDirectory {

    /** Name of the stamp file. */
    public static final String STAMP = "storelog.stamp";
    /** Version of the stamp's content. */
    public static final int FORMAT = 1;
    private static final String STAMP_TEMP = STAMP + ".tmp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String store;
    private final String node;
    private final boolean isNew;
    private final String created;
    private volatile String incarnation;
    private volatile List<String> previous;

    private DataDirectory(Path dir, String store, String node, boolean isNew, String created, String incarnation,
                          List<String> previous) {
        this.dir = dir;
        this.store = store;
        this.node = node;
        this.isNew = isNew;
        this.created = created;
        this.incarnation = incarnation;
        this.previous = List.copyOf(previous);
    }

    /**
     * Opens the data directory of {@code node} in {@code store}, stamping it on first use.
     *
     * @throws StoreLogException WRONG_DATA_DIR if it belongs to another store or node, has files but no
     *                           stamp, or has a stamp this build cannot read; IO_ERROR or DISK_FULL
     */
    public static DataDirectory open(Path dir, String store, String node) {
        requireName("store", store);
        requireName("node", node);
        Path absolute = dir.toAbsolutePath();
        try {
            if (!Files.isDirectory(absolute)) {
                Files.createDirectories(absolute);
                // Without this the whole directory, stamp and log included, could vanish in a power cut.
                FileLogStorage.syncDir(absolute.getParent());
            }
            Path stamp = absolute.resolve(STAMP);
            DataDirectory opened;
            if (Files.exists(stamp)) {
                opened = load(absolute, store, node);
            } else {
                refuseIfNotEmpty(absolute);
                String incarnation = newIncarnation(node);
                opened = new DataDirectory(absolute, store, node, true, Instant.now().toString(), incarnation, List.of());
                opened.writeStamp(incarnation, List.of());
            }
            Files.createDirectories(opened.logDir());
            FileLogStorage.syncDir(absolute);
            return opened;
        } catch (IOException e) {
            throw SegmentedLog.ioFailure(e, "open data directory", absolute.toString());
        }
    }

    /** The directory itself. */
    public Path dir() {
        return dir;
    }

    /** Where the log's segment files live: {@code <dir>/log}. */
    public Path logDir() {
        return dir.resolve("log");
    }

    /** The store this directory belongs to. */
    public String store() {
        return store;
    }

    /** The node this directory belongs to. */
    public String node() {
        return node;
    }

    /** The node's current origin id: {@code <node>-<12 hex digits>}. */
    public String incarnation() {
        return incarnation;
    }

    /** Earlier incarnations of this directory, oldest first. */
    public List<String> previousIncarnations() {
        return previous;
    }

    /** When the directory was first stamped (ISO-8601). */
    public String created() {
        return created;
    }

    /** True when this open created the stamp: a fresh directory. */
    public boolean isNew() {
        return isNew;
    }

    /**
     * Retires the current incarnation and durably switches to a fresh one; used when recovery cut
     * records that peers may already hold, so their ids are never reused with other content.
     *
     * @return the new incarnation id
     */
    public synchronized String startNewIncarnation() {
        List<String> older = new ArrayList<>(previous);
        older.add(incarnation);
        String fresh = newIncarnation(node);
        try {
            writeStamp(fresh, older);
        } catch (IOException e) {
            throw SegmentedLog.ioFailure(e, "rewrite the stamp of data directory", dir.toString());
        }
        previous = List.copyOf(older);
        incarnation = fresh;
        return fresh;
    }

    /** Writes the stamp atomically: a temporary file, fsync, rename over the stamp, fsync the directory. */
    private void writeStamp(String incarnationId, List<String> older) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", Integer.toString(FORMAT));
        p.setProperty("store", store);
        p.setProperty("node", node);
        p.setProperty("incarnation", incarnationId);
        p.setProperty("created", created);
        p.setProperty("previous", String.join(",", older));
        StringWriter text = new StringWriter();
        p.store(text, "StoreLog data directory stamp; do not edit or copy to another node");
        Path temp = dir.resolve(STAMP_TEMP);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(temp, dir.resolve(STAMP), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileLogStorage.syncDir(dir);
    }

    private static DataDirectory load(Path dir, String store, String node) throws IOException {
        Path stamp = dir.resolve(STAMP);
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(stamp, StandardCharsets.ISO_8859_1)));
        String format = field(p, stamp, "format");
        if (!format.equals(Integer.toString(FORMAT))) {
            throw new StoreLogException(ErrorCode.WRONG_DATA_DIR, "stamp " + stamp + " has format " + format
                    + "; this build reads format " + FORMAT);
        }
        String stampedStore = field(p, stamp, "store");
        String stampedNode = field(p, stamp, "node");
        if (!stampedStore.equals(store) || !stampedNode.equals(node)) {
            throw new StoreLogException(ErrorCode.WRONG_DATA_DIR, "data directory " + dir + " belongs to store "
                    + stampedStore + " node " + stampedNode + ", not store " + store + " node " + node);
        }
        String previous = p.getProperty("previous", "");
        return new DataDirectory(dir, store, node, false, field(p, stamp, "created"), field(p, stamp, "incarnation"),
                previous.isEmpty() ? List.of() : List.of(previous.split(",")));
    }

    private static String field(Properties p, Path stamp, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new StoreLogException(ErrorCode.WRONG_DATA_DIR, "stamp " + stamp + " lacks the field " + key);
        }
        return value;
    }

    /** A directory holding files but no stamp is someone else's data: adopting it could mix two logs. */
    private static void refuseIfNotEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> others = entries.map(e -> e.getFileName().toString())
                    .filter(n -> !n.equals(STAMP_TEMP))
                    .sorted()
                    .toList();
            if (!others.isEmpty()) {
                throw new StoreLogException(ErrorCode.WRONG_DATA_DIR, "data directory " + dir + " has no " + STAMP
                        + " but is not empty (" + String.join(", ", others.subList(0, Math.min(5, others.size())))
                        + "); refusing to adopt it");
            }
        }
    }

    private static String newIncarnation(String node) {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        return node + "-" + HexFormat.of().formatHex(id);
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, what + " name is missing");
        }
    }
}
