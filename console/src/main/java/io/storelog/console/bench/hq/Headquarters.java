package io.storelog.console.bench.hq;

import io.storelog.config.ConfigKeys;
import io.storelog.config.ConfigLoader;
import io.storelog.config.NodeConfig;
import io.storelog.node.hq.EmbeddedIgniteStore;
import io.storelog.node.hq.HqNode;
import io.storelog.node.hq.StoreSummary;
import io.storelog.node.hq.StoresFile;
import io.storelog.protocol.VersionVectorEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Headquarters as {@code storelog node --role hq} runs it (embedded Ignite, native persistence, WAL mode
 * FSYNC), accepting one store, on a fixed HTTP port so a store node can be told its URL before it is up.
 */
public final class Headquarters implements AutoCloseable {
    private final HqNode node;
    private final String store;
    private final HttpClient http = HttpClient.newHttpClient();

    /** What HQ's own timer says about the batches it applied: count and total time (parse, transaction, commit). */
    public record IngestTimer(long batches, double seconds, double maxSeconds, long refused) {
        public IngestTimer since(IngestTimer before) {
            return new IngestTimer(batches - before.batches, seconds - before.seconds, maxSeconds, refused - before.refused);
        }

        public double meanMillis() {
            return batches == 0 ? 0 : seconds * 1e3 / batches;
        }
    }

    private Headquarters(HqNode node, String store) {
        this.node = node;
        this.store = store;
    }

    /**
     * Starts headquarters under {@code dataDir} on {@code httpPort}, its Ignite discovery on {@code ignitePort}.
     * With {@code small}, Ignite gets its test sizes (128 MiB of pages, 4 WAL segments of 16 MiB) instead of
     * the production ones, which a tiny run does not need; everything else is the same.
     */
    public static Headquarters start(Path dataDir, int httpPort, int ignitePort, String store, String token, boolean small)
            throws IOException {
        Files.createDirectories(dataDir);
        Path stores = dataDir.resolve("stores.csv");
        Files.writeString(stores, "store,token\n" + store + "," + token + "\n");
        Map<String, String> o = new HashMap<>();
        o.put(ConfigKeys.NODE_ROLE, "hq");
        o.put(ConfigKeys.NODE_ID, "hq");
        o.put(ConfigKeys.DATA_DIR, dataDir.toAbsolutePath().toString());
        o.put(ConfigKeys.HTTP_PORT, Integer.toString(httpPort));
        o.put(ConfigKeys.HTTP_BIND, "127.0.0.1");
        o.put(ConfigKeys.HQ_STORES_FILE, stores.toAbsolutePath().toString());
        o.put(ConfigKeys.HQ_IGNITE_PORT, Integer.toString(ignitePort));
        NodeConfig config = ConfigLoader.load(Optional.empty(), o);
        if (!small) {
            return new Headquarters(HqNode.start(config), store);
        }
        EmbeddedIgniteStore.Options sizes = EmbeddedIgniteStore.Options.small(dataDir.resolve("ignite"));
        EmbeddedIgniteStore storage = EmbeddedIgniteStore.open(new EmbeddedIgniteStore.Options(sizes.workDir(), ignitePort, 0,
                sizes.regionMaxBytes(), sizes.walSegmentBytes(), sizes.walSegments()));
        try {
            return new Headquarters(HqNode.serve(config, StoresFile.read(stores), storage, true), store);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /** What HQ holds of the store: origin -> highest contiguous seq. */
    public SortedMap<String, Long> vector() {
        SortedMap<String, Long> m = new TreeMap<>();
        for (VersionVectorEntry e : node.store().vector(store).getEntriesList()) {
            m.put(e.getOrigin(), e.getSeq());
        }
        return m;
    }

    /** The store's running totals at HQ, empty before its first batch. */
    public Optional<StoreSummary> summary() {
        return node.store().summary(store);
    }

    /** HQ's ingest timer, read from its /metrics the way a monitoring system would. */
    public IngestTimer ingestTimer() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        long count = 0;
        double sum = 0;
        double max = 0;
        long refused = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("storelog_hq_ingest_latency_seconds_count")) {
                count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("storelog_hq_ingest_latency_seconds_sum")) {
                sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("storelog_hq_ingest_latency_seconds_max")) {
                max = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("storelog_hq_ingest_batches_total{") && line.contains("outcome=\"refused\"")) {
                refused += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new IngestTimer(count, sum, max, refused);
    }

    public int httpPort() {
        return node.httpPort();
    }

    /** The storage as HQ names it (Ignite version and instance). */
    public String storage() {
        return node.store().toString();
    }

    @Override
    public void close() {
        node.close();
    }
}
