package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.storelog.protocol.VersionVector;
import io.storelog.protocol.VersionVectorEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Keys and values of {@link HqCache}. Values start with a format byte so a later HQ can still read what
 * an earlier one wrote.
 */
final class Codec {
    /** Store ids as the stores file allows them; no '|', so keys built from them cannot collide. */
    static final Pattern STORE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final byte ACCEPTED = 0;
    static final byte QUARANTINED = 1;
    private static final int HASH_BYTES = 32;
    private static final byte FORMAT = 1;
    private static final int MAX_REASON_CHARS = 2000;

    private Codec() {
    }

    static String checkStore(String store) {
        if (store == null || !STORE_ID.matcher(store).matches()) {
            throw new IllegalArgumentException("'" + store + "' is not a store id");
        }
        return store;
    }

    /** Unambiguous although an origin may hold '|': the store has none and the seq, last, is digits. */
    static String entryKey(String store, String origin, long seq) {
        return store + "|" + origin + "|" + seq;
    }

    static String quarantineKey(String store, String origin, long seq, String hashHex) {
        return store + "|" + (origin == null ? "" : origin) + "|" + seq + "|" + hashHex;
    }

    static String quarantinePrefix(String store) {
        return store + "|";
    }

    static byte[] entryValue(byte flag, byte[] sha256, ByteString bytes) {
        byte[] v = new byte[1 + HASH_BYTES + bytes.size()];
        v[0] = flag;
        System.arraycopy(sha256, 0, v, 1, HASH_BYTES);
        bytes.copyTo(v, 1 + HASH_BYTES);
        return v;
    }

    /** The entry bytes a stored value holds, or null when it was quarantined. */
    static byte[] acceptedEntry(byte[] value) {
        return value.length > 1 + HASH_BYTES && value[0] == ACCEPTED ? Arrays.copyOfRange(value, 1 + HASH_BYTES, value.length) : null;
    }

    /** The entry bytes a stored value holds, accepted or quarantined. */
    static byte[] storedEntry(byte[] value) {
        return Arrays.copyOfRange(value, 1 + HASH_BYTES, value.length);
    }

    /**
     * True when the entry stored under {@code key} (made by {@link #entryKey}, whose store part with its '|' is
     * {@code storeChars} long) is at or below {@code vector}: held, not left above it by an unfinished ingest.
     */
    static boolean coveredBy(String key, int storeChars, Map<String, Long> vector) {
        int bar = key.lastIndexOf('|');
        long seq = Long.parseLong(key, bar + 1, key.length(), 10);
        return seq <= vector.getOrDefault(key.substring(storeChars, bar), 0L);
    }

    static byte[] entryHash(byte[] value) {
        return Arrays.copyOfRange(value, 1, 1 + HASH_BYTES);
    }

    static SortedMap<String, Long> vector(byte[] value) {
        SortedMap<String, Long> m = new TreeMap<>();
        if (value == null) {
            return m;
        }
        try {
            for (VersionVectorEntry e : VersionVector.parseFrom(value).getEntriesList()) {
                m.put(e.getOrigin(), e.getSeq());
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored version vector is damaged", e);
        }
        return m;
    }

    static VersionVector vectorProto(Map<String, Long> seqs) {
        VersionVector.Builder b = VersionVector.newBuilder();
        new TreeMap<>(seqs).forEach((o, s) -> b.addEntries(VersionVectorEntry.newBuilder().setOrigin(o).setSeq(s)));
        return b.build();
    }

    /** What HQ holds of one store: the vector and the running totals, read and written together. */
    record StoreRecord(SortedMap<String, Long> vector, long entries, long bills, long refunds, long voids,
            long salesTotal, long quarantined, long duplicates, long batches, long lastUploadAt) {
        static final StoreRecord EMPTY = new StoreRecord(new TreeMap<>(), 0, 0, 0, 0, 0, 0, 0, 0, 0);

        StoreSummary toSummary(String store) {
            return new StoreSummary(store, vectorProto(vector), entries, bills, refunds, voids, salesTotal, quarantined,
                    duplicates, batches, lastUploadAt);
        }
    }

    static byte[] storeRecord(StoreRecord r) {
        byte[] vector = vectorProto(r.vector()).toByteArray();
        return write(out -> {
            out.writeByte(FORMAT);
            for (long v : new long[] {r.entries(), r.bills(), r.refunds(), r.voids(), r.salesTotal(), r.quarantined(),
                    r.duplicates(), r.batches(), r.lastUploadAt()}) {
                out.writeLong(v);
            }
            out.writeInt(vector.length);
            out.write(vector);
        });
    }

    static StoreRecord storeRecord(byte[] value) {
        if (value == null) {
            return StoreRecord.EMPTY;
        }
        return read(value, in -> {
            long[] n = new long[9];
            for (int i = 0; i < n.length; i++) {
                n[i] = in.readLong();
            }
            byte[] vector = new byte[in.readInt()];
            in.readFully(vector);
            return new StoreRecord(vector(vector), n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
        });
    }

    static byte[] quarantined(QuarantinedEntry q) {
        String reason = q.reason().length() > MAX_REASON_CHARS ? q.reason().substring(0, MAX_REASON_CHARS) : q.reason();
        return write(out -> {
            out.writeByte(FORMAT);
            out.writeUTF(q.origin());
            out.writeLong(q.seq());
            out.writeUTF(q.sha256());
            out.writeUTF(reason);
            out.writeLong(q.at());
            out.writeInt(q.bytes().length);
            out.write(q.bytes());
        });
    }

    static QuarantinedEntry quarantined(byte[] value) {
        return read(value, in -> {
            String origin = in.readUTF();
            long seq = in.readLong();
            String hash = in.readUTF();
            String reason = in.readUTF();
            long at = in.readLong();
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new QuarantinedEntry(origin, seq, hash, reason, at, bytes);
        });
    }

    static byte[] longValue(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    static long longValue(byte[] value, long absent) {
        return value == null ? absent : ByteBuffer.wrap(value).getLong();
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] value, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("stored value has format " + format + "; this HQ reads format " + FORMAT);
            }
            return r.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("stored value is damaged", e);
        }
    }
}
