package io.storelog.node.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.storelog.node.ErrorCode;

/** The log's meters: fsync latency, batch shapes, appends and errors by code. */
final class LogMetrics {

    private final MeterRegistry registry;
    final Timer fsync;
    final DistributionSummary batchRecords;
    final DistributionSummary batchBytes;
    final Counter appends;

    LogMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.fsync = Timer.builder("storelog.log.fsync")
                .description("time of one fdatasync of a log segment")
                .register(registry);
        this.batchRecords = DistributionSummary.builder("storelog.log.batch.records")
                .description("records made durable by one fsync")
                .register(registry);
        this.batchBytes = DistributionSummary.builder("storelog.log.batch.bytes")
                .description("framed bytes made durable by one fsync")
                .baseUnit("bytes")
                .register(registry);
        this.appends = Counter.builder("storelog.log.appends")
                .description("records appended durably")
                .register(registry);
    }

    /** Counts one failure of the given kind. */
    void error(ErrorCode code) {
        Counter.builder("storelog.log.errors")
                .description("log operations that failed, by error code")
                .tag("code", code.name())
                .register(registry)
                .increment();
    }
}
