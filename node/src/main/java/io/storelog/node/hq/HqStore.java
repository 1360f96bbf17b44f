package io.storelog.node.hq;

import com.google.protobuf.ByteString;
import io.storelog.protocol.CatalogFeed;
import io.storelog.protocol.Product;
import io.storelog.protocol.VersionVector;
import java.util.List;
import java.util.Optional;

/**
 * Headquarters' storage: what it holds of each store, the quarantine, and the catalog it publishes. One
 * interface in front of an embedded Ignite node and of a thin client to an Ignite cluster, so the same
 * tests run against both. Every method is safe to call from many threads and from several HQ processes
 * sharing one cluster: ingest and publish are transactions.
 */
public interface HqStore extends AutoCloseable {
    /** What HQ holds of {@code store}: origin -> highest contiguous seq, sorted by origin. */
    VersionVector vector(String store);

    /**
     * Stores one upload batch atomically (see {@link IngestResult}): either the whole batch is applied and
     * durable, or it is refused because it does not continue what HQ holds and nothing is held. (An ingest
     * that fails part way may leave entries above the store's vector; they are not held: readers skip them
     * and a later batch's copy is checked against them, see {@link EmbeddedIgniteStore}.)
     *
     * @param entries each the exact bytes its origin wrote, per origin in seq order
     * @param nowMillis the time recorded as the store's last upload
     */
    IngestResult ingest(String store, List<ByteString> entries, long nowMillis);

    /** The running totals of one store, or empty when it never uploaded. */
    Optional<StoreSummary> summary(String store);

    /** Streams the bytes of every accepted entry of {@code store}, in no particular order (for reports). */
    void forEachEntry(String store, java.util.function.Consumer<byte[]> visit);

    /** Totals of every store that has uploaded, sorted by store. */
    List<StoreSummary> summaries();

    /** What was quarantined for {@code store}, oldest first, at most {@code limit} items. */
    List<QuarantinedEntry> quarantine(String store, int limit);

    /**
     * Publishes a catalog change under the next version, atomically. A change with a content hash that was
     * already published is not published again: the answer names the version it got then.
     */
    CatalogPublication publishCatalog(CatalogChange change);

    /** The highest catalog version published, 0 before the first. */
    long catalogVersion();

    /**
     * Catalog updates published after {@code since}, ascending, always whole versions (all chunks of one),
     * stopping after the version that reaches {@code maxUpdates}; {@code version} is the highest published.
     */
    CatalogFeed catalogSince(long since, int maxUpdates);

    /** The product as HQ last published it, or empty. */
    Optional<Product> product(String sku);

    /** Releases the storage (stops the embedded node, or disconnects the client). */
    @Override
    void close();
}
