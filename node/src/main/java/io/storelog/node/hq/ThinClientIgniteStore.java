package io.storelog.node.hq;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.apache.ignite.IgniteException;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.ClientCacheConfiguration;
import org.apache.ignite.client.ClientException;
import org.apache.ignite.client.ClientTransaction;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.transactions.TransactionConcurrency;
import org.apache.ignite.transactions.TransactionIsolation;

/**
 * {@link HqStore} on an external Ignite cluster through the thin client, for a chain that runs several HQ
 * ingest processes in front of a real cluster. The cluster must have native persistence with
 * WALMode.FSYNC and be active; this class creates HQ's caches (TRANSACTIONAL, one backup) if missing.
 */
public final class ThinClientIgniteStore extends IgniteHqStore {
    private static final int REQUEST_TIMEOUT_MS = 60_000;

    private final IgniteClient client;
    private final Map<HqCache, ClientCache<String, byte[]>> caches = new EnumMap<>(HqCache.class);
    private final Tx view = new ClientTx();
    private final String addresses;

    private ThinClientIgniteStore(IgniteClient client, String addresses) {
        this.client = client;
        this.addresses = addresses;
        try {
            for (HqCache c : HqCache.values()) {
                caches.put(c, client.getOrCreateCache(new ClientCacheConfiguration()
                        .setName(c.cacheName)
                        .setCacheMode(CacheMode.PARTITIONED)
                        .setBackups(1)
                        .setAtomicityMode(CacheAtomicityMode.TRANSACTIONAL)
                        .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)));
            }
        } catch (RuntimeException e) {
            client.close();
            throw new HqStorageException("Ignite cluster at " + addresses + ": cannot open HQ's caches: " + e.getMessage(), e);
        }
    }

    /** Connects to the cluster's thin-client ports ({@code host:port}); fails at once when none answers. */
    public static ThinClientIgniteStore connect(List<String> addresses) {
        String shown = String.join(",", addresses);
        IgniteClient client;
        try {
            client = Ignition.startClient(new ClientConfiguration()
                    .setAddresses(addresses.toArray(String[]::new))
                    .setTimeout(REQUEST_TIMEOUT_MS));
        } catch (ClientException | IgniteException e) {
            throw new HqStorageException("cannot reach the Ignite cluster at " + shown + ": " + e.getMessage(), e);
        }
        return new ThinClientIgniteStore(client, shown);
    }

    @Override
    protected <T> T transaction(Function<Tx, T> body) {
        try (ClientTransaction tx = client.transactions().txStart(TransactionConcurrency.PESSIMISTIC,
                TransactionIsolation.REPEATABLE_READ, EmbeddedIgniteStore.TX_TIMEOUT_MS)) {
            T result = body.apply(view);
            tx.commit();
            return result;
        } catch (ClientException | IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected byte[] read(HqCache cache, String key) {
        try {
            return caches.get(cache).get(key);
        } catch (ClientException | IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected Map<String, byte[]> readAll(HqCache cache, Set<String> keys) {
        try {
            return caches.get(cache).getAll(keys);
        } catch (ClientException | IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected void scanEach(HqCache cache, java.util.function.BiConsumer<String, byte[]> visit) {
        try (QueryCursor<Cache.Entry<String, byte[]>> cursor = caches.get(cache).query(new ScanQuery<String, byte[]>())) {
            for (Cache.Entry<String, byte[]> e : cursor) {
                visit.accept(e.getKey(), e.getValue());
            }
        } catch (ClientException | IgniteException | CacheException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    private HqStorageException unavailable(RuntimeException e) {
        return new HqStorageException("Ignite cluster at " + addresses + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "Ignite cluster at " + addresses + " (thin client)";
    }

    /** The caches inside the transaction the calling thread has open (thin-client transactions follow the thread). */
    private final class ClientTx implements Tx {
        @Override
        public byte[] get(HqCache cache, String key) {
            return caches.get(cache).get(key);
        }

        @Override
        public Map<String, byte[]> getAll(HqCache cache, Set<String> keys) {
            return caches.get(cache).getAll(keys);
        }

        @Override
        public void put(HqCache cache, String key, byte[] value) {
            caches.get(cache).put(key, value);
        }

        @Override
        public void putAll(HqCache cache, Map<String, byte[]> values) {
            caches.get(cache).putAll(values);
        }
    }
}
