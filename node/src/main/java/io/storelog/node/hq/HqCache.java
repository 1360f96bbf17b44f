package io.storelog.node.hq;

/**
 * HQ's Ignite caches, all {@code String -> byte[]} so that a thin client and a server node read and write
 * them the same way, without classes of ours on the cluster's class path.
 */
enum HqCache {
    /** "store|origin|seq" -> flag byte, SHA-256 (32 bytes), the entry's bytes. */
    ENTRIES("storelog_hq_entries"),
    /**
     * store -> version vector and running totals ({@link Codec.StoreRecord}). One key per store, so an ingest
     * locks one key first (two leaders of a store queue up on it) and a report reads vector and totals
     * that belong together.
     */
    STORES("storelog_hq_stores"),
    /** "store|origin|seq|sha256" -> reason, time and bytes of an entry kept aside. */
    QUARANTINE("storelog_hq_quarantine"),
    /** "version", "chunks/V", "update/V/C", "import/HASH": the published catalog feed. */
    CATALOG("storelog_hq_catalog"),
    /** sku -> Product (protobuf) as last published. */
    PRODUCTS("storelog_hq_products");

    final String cacheName;

    HqCache(String cacheName) {
        this.cacheName = cacheName;
    }
}
