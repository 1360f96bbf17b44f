package io.storelog.node.hq;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Headquarters' meters, scraped at GET /metrics in Prometheus text format. */
final class HqMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer latency;

    HqMetrics(HqStore store) {
        latency = Timer.builder("storelog.hq.ingest.latency")
                .description("time to apply one upload batch, transaction commit (fsync) included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        registry.gauge("storelog.hq.catalog.version", store, s -> {
            try {
                return s.catalogVersion();
            } catch (RuntimeException unavailable) {
                return Double.NaN;
            }
        });
    }

    /** Counts one applied or refused batch of {@code store}. */
    void batch(String store, IngestResult r, long nanos) {
        latency.record(Duration.ofNanos(nanos));
        count("storelog.hq.ingest.batches", store, r.refused() ? "refused" : "applied", 1);
        count("storelog.hq.ingest.entries", store, "stored", r.stored());
        count("storelog.hq.ingest.duplicates", store, null, r.duplicates());
        count("storelog.hq.ingest.quarantined", store, null, r.quarantined());
    }

    /** Counts a request refused before it reached storage (401, 403, 400, 503...). */
    void refused(int status) {
        count("storelog.hq.requests.refused", null, String.valueOf(status), 1);
    }

    private void count(String name, String store, String outcome, long n) {
        String key = name + "|" + store + "|" + outcome;
        Counter c = counters.computeIfAbsent(key, k -> {
            Counter.Builder b = Counter.builder(name);
            if (store != null) {
                b.tag("store", store);
            }
            if (outcome != null) {
                b.tag(name.endsWith("refused") ? "status" : "outcome", outcome);
            }
            return b.register(registry);
        });
        if (n > 0) {
            c.increment(n);
        }
    }

    String scrape() {
        return registry.scrape();
    }
}
