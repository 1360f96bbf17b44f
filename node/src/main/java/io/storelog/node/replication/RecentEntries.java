package io.storelog.node.replication;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest durable entries in memory, so pushing a fresh append to caught-up peers needs no disk
 * read. Bounded by count; anything older is read back from the log. Thread-safe.
 */
final class RecentEntries {
    private final Map<String, byte[]> entries;

    RecentEntries(int capacity) {
        this.entries = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void put(String origin, long seq, byte[] bytes) {
        entries.put(origin + '\u0000' + seq, bytes);
    }

    synchronized byte[] get(String origin, long seq) {
        return entries.get(origin + '\u0000' + seq);
    }
}
