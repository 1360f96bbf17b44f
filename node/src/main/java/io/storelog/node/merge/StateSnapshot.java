package io.storelog.node.merge;

import io.storelog.node.state.StoreState;
import io.storelog.protocol.HlcStamp;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A checkpoint of the fold, so a restart replays only the log's tail instead of every entry.
 *
 * <pre>
 * snapshot.bin
 * +--------+---------+-----------+--------------+----------------+----------+-------------+-------+----------+
 * | "SLSN" | version | lastIndex | lastPosition | CRC32C of the  | HLC wall | HLC counter | index | state    |
 * | 4 B    | int32=2 | int64     | int64        | record at      | int64    | int32       | ...   | ...      |
 * |        |         |           |              | lastIndex int32|          |             |       |          |
 * +--------+---------+-----------+--------------+----------------+----------+-------------+-------+----------+
 * followed by an int32 CRC32C of every byte before it.
 * </pre>
 *
 * The snapshot is a cache, never the truth: it is used only if its CRC holds, the log still reaches
 * {@code lastIndex}, and the record there is the one it was taken after (same CRC); otherwise the
 * node replays the whole log. It is written to a temporary file, forced and renamed into place.
 */
final class StateSnapshot {
    static final String FILE = "snapshot.bin";
    private static final int MAGIC = 0x534C534E; // "SLSN"
    // 2: carts, staff, shifts, promotions, scheduled prices, cash rounding and receipt reprints in the fold;
    // 3: budgets (bounded counters). An older snapshot is replayed from the log.
    private static final int VERSION = 3;

    /** What a snapshot says it covers. */
    record Header(long lastIndex, long lastPosition, int lastRecordCrc, HlcStamp clock) {
    }

    private StateSnapshot() {
    }

    /** Writes a snapshot of {@code index} and {@code state}, taken right after record {@code lastIndex}. */
    static void write(Path file, Header header, EntryIndex index, StoreState state) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(header.lastIndex());
            out.writeLong(header.lastPosition());
            out.writeInt(header.lastRecordCrc());
            out.writeLong(header.clock().getWallMs());
            out.writeInt(header.clock().getCounter());
            index.writeTo(out);
            state.writeTo(out);
            out.flush();
            int sum = (int) crc.getValue();
            out.writeInt(sum);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** Reads the header of a snapshot whose whole-file CRC holds, or throws naming what is wrong. */
    static Header verify(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (DataInputStream in = open(file, crc)) {
            Header h = header(in);
            byte[] buf = new byte[1 << 16];
            long size = Files.size(file);
            long remaining = size - 4 - 40;
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    throw new IOException("snapshot " + file + " is truncated");
                }
                remaining -= n;
            }
            int computed = (int) crc.getValue();
            if (in.readInt() != computed) {
                throw new IOException("snapshot " + file + " fails its CRC");
            }
            return h;
        }
    }

    /** Loads a verified snapshot into the (empty) index and state. */
    static void load(Path file, EntryIndex index, StoreState state) throws IOException {
        try (DataInputStream in = open(file, new CRC32C())) {
            header(in);
            index.readFrom(in);
            state.readFrom(in);
        }
    }

    /** A stream positioned at the state section of a verified snapshot (the caller closes it). */
    static DataInputStream stateOf(Path file) throws IOException {
        DataInputStream in = open(file, new CRC32C());
        try {
            header(in);
            new EntryIndex().readFrom(in);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static DataInputStream open(Path file, CRC32C crc) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(new CheckedInputStream(raw, crc));
    }

    private static Header header(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a StoreLog snapshot");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("snapshot format " + version + " is not " + VERSION);
        }
        long lastIndex = in.readLong();
        long lastPosition = in.readLong();
        int lastCrc = in.readInt();
        HlcStamp clock = HlcStamp.newBuilder().setWallMs(in.readLong()).setCounter(in.readInt()).build();
        return new Header(lastIndex, lastPosition, lastCrc, clock);
    }

    /** CRC32C of a record's bytes, to recognise the record a snapshot was taken after. */
    static int crcOf(byte[] record) {
        CRC32C c = new CRC32C();
        c.update(record);
        return (int) c.getValue();
    }
}
