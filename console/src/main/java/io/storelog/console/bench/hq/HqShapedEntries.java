package io.storelog.console.bench.hq;

import io.storelog.node.merge.MergedLog;
import io.storelog.node.merge.VersionVector;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A store's whole log in the key/value shape headquarters stores it in ({@code storelog_hq_entries}:
 * key {@code store|origin|seq}, value flag byte, SHA-256 of the entry, the entry's exact bytes), held in
 * memory so Ignite's own bulk paths can be timed on the same data without reading or hashing in the loop.
 */
public final class HqShapedEntries {
    /** Flag byte of an accepted entry, as headquarters writes it. */
    private static final byte ACCEPTED = 0;
    private static final int HASH_BYTES = 32;

    private final String[] keys;
    private final byte[][] values;
    private final long entryBytes;

    private HqShapedEntries(String[] keys, byte[][] values, long entryBytes) {
        this.keys = keys;
        this.values = values;
        this.entryBytes = entryBytes;
    }

    /** Every entry {@code log} holds up to {@code vector}, per origin in seq order, origins in name order. */
    public static HqShapedEntries of(String store, MergedLog log, VersionVector vector) {
        long total = vector.total();
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many entries to hold in memory: " + total);
        }
        String[] keys = new String[(int) total];
        byte[][] values = new byte[(int) total][];
        MessageDigest md = sha256();
        long bytes = 0;
        int i = 0;
        for (Map.Entry<String, Long> e : vector.asMap().entrySet()) {
            for (long seq = 1; seq <= e.getValue(); seq++) {
                byte[] entry = log.readBytes(e.getKey(), seq);
                if (entry == null) {
                    throw new IllegalStateException("the log holds no entry " + e.getKey() + ":" + seq + " below its own vector");
                }
                byte[] v = new byte[1 + HASH_BYTES + entry.length];
                v[0] = ACCEPTED;
                System.arraycopy(md.digest(entry), 0, v, 1, HASH_BYTES);
                System.arraycopy(entry, 0, v, 1 + HASH_BYTES, entry.length);
                keys[i] = store + "|" + e.getKey() + "|" + seq;
                values[i] = v;
                bytes += entry.length;
                i++;
            }
        }
        return new HqShapedEntries(keys, values, bytes);
    }

    /**
     * {@code n} made-up entries of the same shape (random bytes, 60 to 1,500 long), for warming Ignite's code
     * up before anything is timed.
     */
    public static HqShapedEntries synthetic(String prefix, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] keys = new String[n];
        byte[][] values = new byte[n][];
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            byte[] v = new byte[1 + HASH_BYTES + 60 + random.nextInt(1_441)];
            for (int b = 1; b < v.length; b++) {
                v[b] = (byte) random.nextInt(256);
            }
            keys[i] = prefix + "|" + i;
            values[i] = v;
            bytes += v.length - 1 - HASH_BYTES;
        }
        return new HqShapedEntries(keys, values, bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public int size() {
        return keys.length;
    }

    public String key(int i) {
        return keys[i];
    }

    public byte[] value(int i) {
        return values[i];
    }

    /** Sum of the entries' own encoded sizes (without key, flag and hash). */
    public long entryBytes() {
        return entryBytes;
    }
}
